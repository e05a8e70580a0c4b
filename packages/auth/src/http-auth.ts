import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApiKeyStore, looksLikeApiKey } from "./api-keys";
import { writeForbidden, writeUnauthorized } from "./challenge";
import { JwtVerifier, type OAuthOptions, TokenRejectedError } from "./jwt";
import { type AuthLog, silentLog } from "./log";
import { isLoopbackHost } from "./loopback";
import { checkResourceUrl, resourceMetadataUrl } from "./metadata";
import type { Principal } from "./principal";
import { BUILTIN_ROLES, type RoleMap } from "./roles";

export type Authenticate = (req: IncomingMessage, res: ServerResponse) => Promise<Principal | undefined>;

export interface HttpAuthOptions {
  /** This server's canonical URL (e.g. https://mcp.example.com/mcp): the JWT audience and metadata `resource`. */
  resource: string;
  /** Default: derived from `resource` per RFC 9728. */
  resourceMetadataUrl?: string;
  /** Origins allowed to call from a browser; a request with any other Origin header gets 403. Unset: the transport checks. */
  allowedOrigins?: readonly string[];
  /** Accept `Bearer rmcp_…` API keys. */
  apiKeys?: ApiKeyStore;
  /** Accept OAuth 2.1 JWT access tokens from this issuer. */
  oauth?: OAuthOptions;
  roles?: RoleMap;
  /** Development only: no authentication. Refused unless `bindHost` is loopback. */
  authDisabledForLoopback?: boolean;
  /** The address the HTTP server listens on; required when authentication is disabled. */
  bindHost?: string;
  /** Who the caller is when authentication is disabled; default a local admin. */
  devPrincipal?: Principal;
  log?: AuthLog;
  /** For OAuth discovery (tests, proxies). */
  fetch?: typeof fetch;
}

const DEV_PRINCIPAL: Principal = {
  id: "loopback-dev",
  name: "loopback developer",
  scopes: ["*"],
  via: "loopback-dev",
};

/** Builds the kit's `authenticate` hook: API keys or JWTs, Origin check, RFC 6750/9728 challenges. */
export function createHttpAuthenticator(opts: HttpAuthOptions): Authenticate {
  checkResourceUrl(opts.resource);
  const log = opts.log ?? silentLog;
  const metadataUrl = opts.resourceMetadataUrl ?? resourceMetadataUrl(opts.resource);
  const origins = new Set(opts.allowedOrigins ?? []);
  const originCheck = (req: IncomingMessage, res: ServerResponse): boolean => {
    const origin = req.headers.origin;
    if (!opts.allowedOrigins || origin === undefined || origins.has(origin)) return true;
    // browsers send Origin: a foreign page must not drive this server with the user's network position
    writeForbidden(res, `Forbidden: Origin ${origin} is not allowed; add it to ALLOWED_ORIGINS.`);
    return false;
  };

  if (opts.authDisabledForLoopback) return disabledAuthenticator(opts, log, originCheck);
  if (!opts.apiKeys && !opts.oauth) {
    throw new Error(
      "HTTP authentication needs API keys and/or OAuth configured (or the loopback development switch).",
    );
  }
  const jwt = opts.oauth
    ? new JwtVerifier(opts.oauth, opts.resource, {
        roles: opts.roles ?? BUILTIN_ROLES,
        log,
        fetch: opts.fetch,
      })
    : undefined;
  const reject = (res: ServerResponse, description: string): undefined => {
    writeUnauthorized(res, { resourceMetadataUrl: metadataUrl, error: "invalid_token", description });
    return undefined;
  };

  return async (req, res) => {
    if (!originCheck(req, res)) return undefined;
    const header = req.headers.authorization;
    const match = header ? /^Bearer +([^\s]+) *$/i.exec(header) : null;
    if (!match) {
      const message = header
        ? "Unsupported Authorization header: send `Authorization: Bearer <token>`."
        : "Authentication required: send `Authorization: Bearer <API key or access token>`.";
      writeUnauthorized(res, { resourceMetadataUrl: metadataUrl, message });
      return undefined;
    }
    const token = match[1] as string;
    if (looksLikeApiKey(token)) {
      if (!opts.apiKeys)
        return reject(res, "API keys are not accepted by this server; use an OAuth access token.");
      const check = await opts.apiKeys.verify(token);
      if (!check.ok) {
        log("info", "Rejected API key", { reason: check.reason });
        return reject(res, check.reason);
      }
      return check.principal;
    }
    if (!jwt) return reject(res, "The bearer token is not an API key (rmcp_…) and OAuth is not configured.");
    try {
      return await jwt.verify(token);
    } catch (err) {
      if (err instanceof TokenRejectedError) {
        log("info", "Rejected access token", { reason: err.message });
        return reject(res, err.message);
      }
      log("warn", "Cannot check access token", { error: (err as Error).message });
      if (!res.headersSent) {
        res.writeHead(503, { "content-type": "application/json", "retry-after": "5" });
        res.end(
          JSON.stringify({
            jsonrpc: "2.0",
            error: { code: -32001, message: (err as Error).message },
            id: null,
          }),
        );
      }
      return undefined;
    }
  };
}

function disabledAuthenticator(
  opts: HttpAuthOptions,
  log: AuthLog,
  originCheck: (req: IncomingMessage, res: ServerResponse) => boolean,
): Authenticate {
  if (!opts.bindHost || !isLoopbackHost(opts.bindHost)) {
    throw new Error(
      `Refusing to disable authentication: the server binds to ${opts.bindHost ?? "(unknown host)"}, not a loopback address. ` +
        "AUTH_DISABLED_FOR_LOOPBACK is for local development on 127.0.0.1/::1/localhost only.",
    );
  }
  const principal = opts.devPrincipal ?? DEV_PRINCIPAL;
  log(
    "warn",
    "!!! AUTHENTICATION IS DISABLED (AUTH_DISABLED_FOR_LOOPBACK) — every local request acts as " +
      `${principal.id} with scopes [${principal.scopes.join(", ")}]. Never use this outside development. !!!`,
    {
      bindHost: opts.bindHost,
    },
  );
  return async (req, res) => {
    if (!originCheck(req, res)) return undefined;
    // defence in depth: even if the bind address changes later, only loopback peers get in
    const peer = req.socket.remoteAddress ?? "";
    if (!isLoopbackHost(peer)) {
      writeForbidden(res, "Forbidden: authentication is disabled, so only loopback clients are served.");
      return undefined;
    }
    return principal;
  };
}
