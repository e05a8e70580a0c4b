import { HttpError, parseRetryAfter, VendorError } from "@revops/resilience";
import type { OnceResponse } from "../request-once";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function messageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const text = parsed.error ?? parsed.message;
    return typeof text === "string" ? text.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

const describeWait = (ms: number) =>
  ms < 120_000 ? `${Math.max(1, Math.ceil(ms / 1000))} s` : `${Math.ceil(ms / MINUTE)} min`;

const left = (headers: Record<string, string>, name: string) => {
  const raw = headers[name];
  return raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
};

/**
 * How long an Apollo 429 asks us to wait: Retry-After when sent, else the window that is used up
 * (Apollo's windows are fixed, so a spent minute or hour resets within that long at most).
 */
export function apolloRetryAfterMs(headers: Record<string, string>): number | undefined {
  const standard = parseRetryAfter(headers["retry-after"]);
  if (standard !== undefined) return standard;
  if (left(headers, "x-hourly-requests-left") === 0) return HOUR;
  if (left(headers, "x-minute-requests-left") === 0) return MINUTE;
  return undefined;
}

/**
 * Non-2xx Apollo answers as errors that say what to do: 401 names APOLLO_API_KEY, 422 says which input
 * was refused, 429 carries its reset (a spent daily allocation is not retried); 5xx stay HttpErrors.
 */
export function apolloHttpError(res: OnceResponse, connectionId: string, input: string): Error {
  const cause = new HttpError(res.status, new Headers(res.headers), res.body.slice(0, 2048));
  const base = { vendor: "apollo", status: res.status, cause };
  const said = messageOf(res.body);
  if (res.status === 401) {
    return new VendorError({
      ...base,
      kind: "auth",
      retryable: false,
      message: `Apollo rejected the API key of connection ${connectionId} (HTTP 401): create a key in Apollo (Settings → Integrations → API Keys) and set it as APOLLO_API_KEY (or update the connection).`,
    });
  }
  if (res.status === 403) {
    return new VendorError({
      ...base,
      kind: "auth",
      retryable: false,
      message: `Apollo denied access for connection ${connectionId} (HTTP 403): the API key needs access to the enrichment endpoints${said ? ` (${said})` : ""}.`,
    });
  }
  if (res.status === 422 || res.status === 400) {
    return new VendorError({
      ...base,
      kind: "invalid",
      retryable: false,
      message: `Apollo refused ${input} for connection ${connectionId}: ${said ?? `HTTP ${res.status}`}.`,
    });
  }
  if (res.status === 429) {
    if (left(res.headers, "x-daily-requests-left") === 0) {
      return new VendorError({
        ...base,
        kind: "quota_exhausted",
        retryable: false,
        message: `Apollo's daily API allocation of connection ${connectionId} is used up (x-daily-requests-left: 0); calls resume when it resets, or raise the plan.`,
      });
    }
    const retryAfterMs = apolloRetryAfterMs(res.headers);
    const when = retryAfterMs === undefined ? "in a few seconds" : `in ${describeWait(retryAfterMs)}`;
    return new VendorError({
      ...base,
      kind: "rate_limited",
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      message: `Apollo is rate limiting connection ${connectionId}; try again ${when}.`,
    });
  }
  return cause;
}
