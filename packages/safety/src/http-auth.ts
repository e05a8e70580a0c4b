import {
  ApiKeyStore,
  authMigrations,
  BUILTIN_ROLES,
  createHttpAuthenticator,
  isLoopbackHost,
  loadRolesConfig,
  protectedResourceMetadataHandler,
  resourceMetadataUrl,
  writeInsufficientScope,
} from "@revops/auth";
import { AdminConsole, type ConnectionStatus } from "@revops/console";
import { approvalsAdmin } from "@revops/guards";
import type { HttpAuth, KitRuntime, PageRoute, ServerModule } from "@revops/kit";
import { migrate } from "@revops/store";
import { auditLogFor } from "./audit-log";
import type { SafetyConfig } from "./config";
import { consoleOidcSettings } from "./console-config";
import { recordGuardDecision } from "./decisions";

/** The URL clients reach /mcp at: PUBLIC_URL behind a proxy, otherwise the bound address. */
export function resourceUrl(cfg: SafetyConfig, port: number): string {
  if (cfg.PUBLIC_URL) return cfg.PUBLIC_URL;
  const host = cfg.HOST.includes(":") ? `[${cfg.HOST}]` : cfg.HOST;
  return `http://${host}:${port}/mcp`;
}

/** Over HTTP every caller authenticates: an API key (`revops keys create`) or an OAuth bearer token. */
export async function httpAuthFor(
  rt: KitRuntime,
  where: { port: number },
  modules: readonly ServerModule[] = [],
): Promise<HttpAuth> {
  const cfg = rt.config as SafetyConfig;
  const roles = cfg.REVOPS_ROLES_FILE ? loadRolesConfig(cfg.REVOPS_ROLES_FILE) : undefined;
  const db = await rt.sql();
  await migrate(db, authMigrations);
  const resource = resourceUrl(cfg, where.port);
  const apiKeys = new ApiKeyStore(db, { roles });
  const authenticate = createHttpAuthenticator({
    resource,
    apiKeys,
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
  const adminConsole = adminConsoleFor(rt, { db, apiKeys, roles, consoleUrl: consoleUrl(cfg, resource) });
  const pages = modulePages(rt, modules);
  return {
    authenticate,
    routes: (req, res) =>
      metadata(req, res) || adminConsole.route(req, res) || pages.some((page) => page(req, res)),
    // OAuth clients can step up: the challenge names the scopes the call needs
    insufficientScope: (res, principal, scopes) =>
      writeInsufficientScope(res, {
        resourceMetadataUrl: metadataUrl,
        scope: scopes,
        description: `${principal.id} lacks the scope ${scopes.join(" ")} this tool needs.`,
      }),
  };
}

/** Each module's public pages (the survey answer page), with its ports and the audit chain; no MCP credentials. */
function modulePages(rt: KitRuntime, modules: readonly ServerModule[]): PageRoute[] {
  return modules.flatMap((m) =>
    m.pages
      ? [
          m.pages({
            runtime: rt,
            ports: () => rt.ports(m),
            server: m.name,
            audit: async (r) => {
              await (await auditLogFor(rt)).append({ ...r, server: m.name });
            },
          }),
        ]
      : [],
  );
}

/** Where people reach the console: CONSOLE_URL, else beside /mcp (PUBLIC_URL or the bound address). */
function consoleUrl(cfg: SafetyConfig, resource: string): string {
  return cfg.CONSOLE_URL ?? new URL("/console", resource).href;
}

/** The admin console at /console: signed in with a cookie session, never with the MCP bearer token. */
function adminConsoleFor(
  rt: KitRuntime,
  o: {
    db: Awaited<ReturnType<KitRuntime["sql"]>>;
    apiKeys: ApiKeyStore;
    roles: ReturnType<typeof loadRolesConfig> | undefined;
    consoleUrl: string;
  },
): AdminConsole {
  const cfg = rt.config as SafetyConfig;
  // the provider sends people back to <console URL>/oidc/callback; bad roles stop start-up here
  const oidc = consoleOidcSettings(cfg, o.roles ?? BUILTIN_ROLES, o.consoleUrl);
  return new AdminConsole({
    db: o.db,
    kv: rt.kv,
    apiKeys: o.apiKeys,
    ...(o.roles && { roles: o.roles }),
    audit: () => auditLogFor(rt),
    // the same approvals API as `revops approvals approve|reject`
    approvals: approvalsAdmin({
      sql: rt.sql,
      config: cfg,
      record: async (d) => recordGuardDecision(await auditLogFor(rt), "revops-console")(d),
    }),
    // plain HTTP is only for loopback; anywhere else the cookie travels over TLS only
    secureCookies: !isLoopbackHost(cfg.HOST) || (cfg.PUBLIC_URL?.startsWith("https:") ?? false),
    log: (level, message, fields) => rt.log[level](fields ?? {}, message),
    usage: async () => (await import("@revops/connectors/app-setup")).costLedgerFor(rt),
    connections: () => connectionChecks(rt),
    ...(oidc && { oidc }),
    localSignIn: cfg.CONSOLE_LOCAL_SIGNIN,
  });
}

/** The doctor's checks of every configured vendor connection, for the console's connections page. */
async function connectionChecks(rt: KitRuntime): Promise<ConnectionStatus[]> {
  const doctor = await import("@revops/connectors/doctor");
  const { connections, problems } = doctor.configuredConnections({ ...rt.environment });
  const probed = await Promise.all(connections.map((c) => doctor.probeConnection(c, { timeoutMs: 10_000 })));
  return [
    ...problems.map((p) => ({
      vendor: p.vendor ? doctor.VENDOR_LABELS[p.vendor] : "settings",
      connection: p.variable,
      status: "misconfigured" as const,
      detail: p.message,
    })),
    ...probed.map((r) => ({
      vendor: doctor.VENDOR_LABELS[r.vendor],
      connection: r.label,
      status:
        r.status === "problem"
          ? r.failure === "misconfigured"
            ? ("misconfigured" as const)
            : ("problem" as const)
          : ("ok" as const),
      ...(r.latencyMs !== undefined && { latencyMs: Math.round(r.latencyMs) }),
      detail: `${r.check}${r.message ? `: ${r.message}` : ""}`,
    })),
  ];
}
