/** What went wrong with a vendor call, in a class a tool can map to its own error kinds. */
export type VendorErrorKind =
  | "rate_limited"
  | "unavailable"
  | "timeout"
  | "auth"
  | "not_found"
  | "invalid"
  | "quota_exhausted"
  | "circuit_open"
  | "budget_exceeded";

export interface VendorErrorInit {
  vendor: string;
  kind: VendorErrorKind;
  /** Whether the same call may succeed later without changes. */
  retryable: boolean;
  message: string;
  retryAfterMs?: number;
  status?: number;
  cause?: unknown;
}

/** Kinds that mean "the vendor is not answering right now" (stale reads may stand in). */
export const OUTAGE_KINDS: ReadonlySet<VendorErrorKind> = new Set([
  "unavailable",
  "timeout",
  "circuit_open",
  "rate_limited",
]);

export class VendorError extends Error {
  readonly vendor: string;
  readonly kind: VendorErrorKind;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  /** HTTP attempts made before this error surfaced (set by the policy). */
  attempts = 0;

  constructor(init: VendorErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "VendorError";
    this.vendor = init.vendor;
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.status = init.status;
  }
}

export function isVendorError(err: unknown): err is VendorError {
  return err instanceof VendorError;
}

/** Human-friendly wait, e.g. "3 s" or "2 min". */
export function describeWait(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.ceil(ms))} ms`;
  if (ms < 120_000) return `${Math.ceil(ms / 1000)} s`;
  return `${Math.ceil(ms / 60_000)} min`;
}
