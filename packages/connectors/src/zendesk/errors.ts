import { HttpError, VendorError } from "@revops/resilience";
import type { OnceResponse } from "../request-once";

function description(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; description?: unknown };
    return typeof parsed.description === "string" ? parsed.description : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Non-2xx Zendesk answers as errors the policy understands: 401/403/422 with wording that says what to
 * do; everything else (429 with Retry-After, 5xx) as an HttpError for the default classification.
 */
export function zendeskHttpError(res: OnceResponse, connectionId: string): Error {
  const base = { vendor: "zendesk", status: res.status, retryable: false };
  const cause = new HttpError(res.status, new Headers(res.headers), res.body.slice(0, 2048));
  if (res.status === 401) {
    return new VendorError({
      ...base,
      kind: "auth",
      cause,
      message: `Zendesk rejected the credentials of connection ${connectionId}: create a new API token (Admin Center → Apps and integrations → Zendesk API) or reconnect OAuth, then update the connection.`,
    });
  }
  if (res.status === 403) {
    return new VendorError({
      ...base,
      kind: "auth",
      cause,
      message: `Zendesk denied access for connection ${connectionId} (HTTP 403): the token's user must be an agent, and OAuth tokens need the "read" scope (plus "tickets:write" to comment).`,
    });
  }
  if (res.status === 422 || res.status === 400) {
    return new VendorError({
      ...base,
      kind: "invalid",
      cause,
      message: `Zendesk refused the request for connection ${connectionId}: ${description(res.body) ?? `HTTP ${res.status}`}.`,
    });
  }
  return cause;
}

/** node-zendesk returns (not throws) an Error with statusCode 429 when a response has Retry-After. */
export function throwIfReturnedError<T>(value: T): T {
  const result = (value as { result?: unknown } | undefined)?.result ?? value;
  if (result instanceof Error) {
    const status = (result as Error & { statusCode?: number }).statusCode ?? 500;
    throw new HttpError(status, new Headers(), result.message);
  }
  return value;
}
