import {
  ApiKeyStore,
  authMigrations,
  createHttpAuthenticator,
  loadRolesConfig,
  protectedResourceMetadataHandler,
  resourceMetadataUrl,
  writeInsufficientScope,
} from "@revops/auth";
import type { HttpAuth, KitRuntime } from "@revops/kit";
import { migrate } from "@revops/store";
import type { SafetyConfig } from "./config";

/** The URL clients reach /mcp at: PUBLIC_URL behind a proxy, otherwise the bound address. */
export function resourceUrl(cfg: SafetyConfig, port: number): string {
  if (cfg.PUBLIC_URL) return cfg.PUBLIC_URL;
  const host = cfg.HOST.includes(":") ? `[${cfg.HOST}]` : cfg.HOST;
  return `http://${host}:${port}/mcp`;
}

/** Over HTTP every caller authenticates: an API key (`revops keys create`) or an OAuth bearer token. */
export async function httpAuthFor(rt: KitRuntime, where: { port: number }): Promise<HttpAuth> {
  const cfg = rt.config as SafetyConfig;
  const roles = cfg.REVOPS_ROLES_FILE ? loadRolesConfig(cfg.REVOPS_ROLES_FILE) : undefined;
  const db = await rt.sql();
  await migrate(db, authMigrations);
  const resource = resourceUrl(cfg, where.port);
  const authenticate = createHttpAuthenticator({
    resource,
    apiKeys: new ApiKeyStore(db, { roles }),
    oauth: cfg.OAUTH_ISSUER
      ? { issuer: cfg.OAUTH_ISSUER, jwksUri: cfg.OAUTH_JWKS_URI, roleClaim: cfg.OAUTH_ROLE_CLAIM }
      : undefined,
    roles,
    authDisabledForLoopback: cfg.AUTH_DISABLED_FOR_LOOPBACK,
    bindHost: cfg.HOST,
    log: (level, message, fields) => rt.log[level](fields ?? {}, message),
  });
  const metadata = protectedResourceMetadataHandler({
    resource,
    authorizationServers: cfg.OAUTH_ISSUER ? [cfg.OAUTH_ISSUER] : [],
    resourceName: "RevOps MCP",
  });
  const metadataUrl = resourceMetadataUrl(resource);
  return {
    authenticate,
    routes: metadata,
    // OAuth clients can step up: the challenge names the scopes the call needs
    insufficientScope: (res, principal, scopes) =>
      writeInsufficientScope(res, {
        resourceMetadataUrl: metadataUrl,
        scope: scopes,
        description: `${principal.id} lacks the scope ${scopes.join(" ")} this tool needs.`,
      }),
  };
}
