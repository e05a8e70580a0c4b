import {
  BrokenCircuitError,
  BulkheadRejectedError,
  IsolatedCircuitError,
  TaskCancelledError,
} from "cockatiel";
import { describeWait, VendorError } from "./errors";
import { googleQuotaRefusal } from "./google-quota";
import { retryAfterFromHeaders } from "./headers";
import { displayName } from "./vendor-names";

/** Turns anything an operation throws into a VendorError. */
export type Classifier = (err: unknown, vendor: string) => VendorError;

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ECONNABORTED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

interface ErrorShape {
  status?: unknown;
  statusCode?: unknown;
  code?: unknown;
  name?: unknown;
  message?: unknown;
  headers?: unknown;
  body?: unknown;
  data?: unknown;
  cause?: unknown;
  response?: { status?: unknown; statusCode?: unknown; headers?: unknown; data?: unknown; body?: unknown };
}

function asShape(err: unknown): ErrorShape {
  return err !== null && typeof err === "object" ? (err as ErrorShape) : {};
}

/** HTTP status from fetch/undici (`status`), axios/gaxios (`response.status`), got/request (`statusCode`). */
export function statusOf(err: unknown): number | undefined {
  const e = asShape(err);
  for (const candidate of [e.status, e.statusCode, e.response?.status, e.response?.statusCode, e.code]) {
    const n = typeof candidate === "string" && /^\d{3}$/.test(candidate) ? Number(candidate) : candidate;
    if (typeof n === "number" && Number.isInteger(n) && n >= 100 && n <= 599) return n;
  }
  return undefined;
}

/** Socket-level code, looking through `cause` chains (undici wraps them in "fetch failed"). */
export function networkCodeOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const e = asShape(current);
    if (typeof e.code === "string" && !/^\d+$/.test(e.code)) return e.code;
    if (typeof e.message === "string" && /socket hang up|other side closed/i.test(e.message))
      return "ECONNRESET";
    current = e.cause;
  }
  return undefined;
}

function bodyOf(e: ErrorShape): unknown {
  return e.body ?? e.response?.data ?? e.response?.body ?? e.data;
}

function bodyText(e: ErrorShape): string {
  const body = bodyOf(e);
  if (typeof body === "string") return body;
  try {
    return body === undefined ? "" : JSON.stringify(body);
  } catch {
    return "";
  }
}

function isAbortLike(err: unknown): boolean {
  const name = asShape(err).name;
  return err instanceof TaskCancelledError || name === "AbortError" || name === "TimeoutError";
}

/** Default classifier: sensible for fetch, undici, axios-like and gaxios-like errors. */
export const defaultClassify: Classifier = (err, vendor) => {
  if (err instanceof VendorError) return err;
  const name = displayName(vendor);
  const base = { vendor, cause: err };
  if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
    return new VendorError({
      ...base,
      kind: "circuit_open",
      retryable: false,
      message: `${name} has been failing repeatedly, so calls are paused for a short while; try again shortly.`,
    });
  }
  if (err instanceof BulkheadRejectedError) {
    return new VendorError({
      ...base,
      kind: "rate_limited",
      retryable: true,
      retryAfterMs: 1000,
      message: `Too many ${name} calls are already running; try again in a few seconds.`,
    });
  }
  const status = statusOf(err);
  if (status !== undefined) return classifyStatus(err, vendor, status);
  if (isAbortLike(err)) {
    return new VendorError({
      ...base,
      kind: "timeout",
      retryable: true,
      message: `${name} did not answer in time; try again, or narrow the request.`,
    });
  }
  const code = networkCodeOf(err);
  if (code && TIMEOUT_CODES.has(code)) {
    return new VendorError({
      ...base,
      kind: "timeout",
      retryable: true,
      message: `${name} timed out (${code}).`,
    });
  }
  if (code && TRANSIENT_CODES.has(code)) {
    return new VendorError({
      ...base,
      kind: "unavailable",
      retryable: true,
      message: `The connection to ${name} failed (${code}); try again in a moment.`,
    });
  }
  if (err instanceof SyntaxError) {
    return new VendorError({
      ...base,
      kind: "unavailable",
      retryable: false,
      message: `${name} returned a malformed response; try again later.`,
    });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new VendorError({
    ...base,
    kind: "unavailable",
    retryable: false,
    message: `${name} call failed: ${detail}`,
  });
};

function classifyStatus(err: unknown, vendor: string, status: number): VendorError {
  const e = asShape(err);
  const name = displayName(vendor);
  const headers = e.headers ?? e.response?.headers;
  const base = { vendor, status, cause: err };
  // Google sends quota refusals as 403 as well as 429: by reason, they are limits, not permissions
  const google = status === 403 || status === 429 ? googleQuotaRefusal(bodyOf(e)) : undefined;
  if (google?.daily) {
    return new VendorError({
      ...base,
      kind: "quota_exhausted",
      retryable: false,
      message: `${name} says the daily API quota is used up (${google.reason}); calls resume after it resets (midnight Pacific time) or when the quota is raised in the Google Cloud console.`,
    });
  }
  if (google) {
    const retryAfterMs = retryAfterFromHeaders(headers);
    const when = retryAfterMs === undefined ? "in a few seconds" : `in ${describeWait(retryAfterMs)}`;
    return new VendorError({
      ...base,
      kind: "rate_limited",
      retryable: true,
      retryAfterMs,
      message: `${name} is rate limiting requests (${google.reason}, HTTP ${status}); try again ${when}.`,
    });
  }
  if (status === 429) {
    const retryAfterMs = retryAfterFromHeaders(headers);
    const when = retryAfterMs === undefined ? "in a few seconds" : `in ${describeWait(retryAfterMs)}`;
    return new VendorError({
      ...base,
      kind: "rate_limited",
      retryable: true,
      retryAfterMs,
      message: `${name} is rate limiting requests; try again ${when}.`,
    });
  }
  if (status === 408) {
    return new VendorError({
      ...base,
      kind: "timeout",
      retryable: true,
      message: `${name} timed out (HTTP 408).`,
    });
  }
  if (/REQUEST_LIMIT_EXCEEDED/.test(bodyText(e))) {
    return new VendorError({
      ...base,
      kind: "quota_exhausted",
      retryable: false,
      message: `${name} API allocation for the day is used up; wait for it to reset or ask an admin to raise it.`,
    });
  }
  if (status === 401) {
    return new VendorError({
      ...base,
      kind: "auth",
      retryable: false,
      message: `${name} rejected the credentials (HTTP 401); reconnect the ${name} account.`,
    });
  }
  if (status === 403) {
    return new VendorError({
      ...base,
      kind: "auth",
      retryable: false,
      message: `${name} denied access (HTTP 403); check the connected account's permissions or scopes.`,
    });
  }
  if (status === 404 || status === 410) {
    return new VendorError({
      ...base,
      kind: "not_found",
      retryable: false,
      message: `${name} has no such record (HTTP ${status}); check the id.`,
    });
  }
  if (status >= 500 && status !== 501 && status !== 505) {
    const retryAfterMs = retryAfterFromHeaders(headers);
    return new VendorError({
      ...base,
      kind: "unavailable",
      retryable: true,
      retryAfterMs,
      message: `${name} is having trouble (HTTP ${status}); try again in a moment.`,
    });
  }
  return new VendorError({
    ...base,
    kind: "invalid",
    retryable: false,
    message: `${name} rejected the request (HTTP ${status}); check the input.${detailOf(e)}`,
  });
}

function detailOf(e: ErrorShape): string {
  const text = bodyText(e).trim();
  return text ? ` Details: ${text.slice(0, 300)}` : "";
}
