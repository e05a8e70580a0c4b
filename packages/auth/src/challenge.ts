import type { ServerResponse } from "node:http";

export type BearerError = "invalid_request" | "invalid_token" | "insufficient_scope";

export interface BearerChallenge {
  /** RFC 9728 metadata URL, so clients can discover the authorization server. */
  resourceMetadataUrl: string;
  error?: BearerError;
  description?: string;
  /** Space-separated scopes the request needs. */
  scope?: string;
}

/** Header values allow printable ASCII only; quotes and backslashes are escaped (RFC 9110 quoted-string). */
function quoted(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, " ");
  return `"${printable.replace(/["\\]/g, "\\$&")}"`;
}

/** The WWW-Authenticate value for a Bearer challenge (RFC 6750 §3, RFC 9728 §5.1). */
export function bearerChallenge(c: BearerChallenge): string {
  const params = [`resource_metadata=${quoted(c.resourceMetadataUrl)}`];
  if (c.error) params.push(`error=${quoted(c.error)}`);
  if (c.description) params.push(`error_description=${quoted(c.description)}`);
  if (c.scope) params.push(`scope=${quoted(c.scope)}`);
  return `Bearer ${params.join(", ")}`;
}

function writeJson(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string>,
  data?: Record<string, string>,
) {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(
    JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message, ...(data && { data }) }, id: null }),
  );
}

/** 401 with a Bearer challenge; without `error` it means "no credentials were sent" (RFC 6750 §3.1). */
export function writeUnauthorized(res: ServerResponse, c: BearerChallenge & { message?: string }): void {
  const message = c.message ?? c.description ?? "Authentication required.";
  const data = c.error ? { error: c.error, error_description: c.description ?? message } : undefined;
  writeJson(res, 401, message, { "www-authenticate": bearerChallenge(c) }, data);
}

export interface InsufficientScopeOptions {
  resourceMetadataUrl: string;
  /** The scope(s) the operation needs. */
  scope: string | readonly string[];
  description?: string;
}

/** 403 insufficient_scope naming the missing scope: call when a tool needs a scope the token lacks. */
export function writeInsufficientScope(res: ServerResponse, o: InsufficientScopeOptions): void {
  const scope = typeof o.scope === "string" ? o.scope : o.scope.join(" ");
  const description = o.description ?? `This operation requires the scope "${scope}".`;
  const challenge = bearerChallenge({
    resourceMetadataUrl: o.resourceMetadataUrl,
    error: "insufficient_scope",
    description,
    scope,
  });
  writeJson(
    res,
    403,
    description,
    { "www-authenticate": challenge },
    { error: "insufficient_scope", error_description: description, scope },
  );
}

/** 403 for a request refused before authentication (e.g. a foreign Origin). */
export function writeForbidden(res: ServerResponse, message: string): void {
  writeJson(res, 403, message, {});
}
