import type { Classifier } from "./classify";
import { vendorDefaults } from "./vendors";

export type BreakerOptions =
  | { kind: "consecutive"; threshold: number }
  /** Opens when `threshold` (0..1) of calls fail within `durationMs`, once `minimumRps` is reached. */
  | { kind: "sampling"; threshold: number; durationMs: number; minimumRps?: number };

export interface VendorPolicyOptions {
  /** Connection id (one breaker and bulkhead per vendor connection). Default "default". */
  connection?: string;
  /** Total HTTP attempts per logical call, first included. Default 3. */
  maxAttempts?: number;
  /** Each attempt is aborted after this long (and never outlives the deadline). */
  attemptTimeoutMs?: number;
  /** Total time for one logical call: rate-limit wait, queueing, all attempts and backoffs. */
  deadlineMs?: number;
  /** Decorrelated-jitter backoff between attempts when the vendor gives no Retry-After. */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  breaker?: BreakerOptions;
  /** How long the circuit stays open before one trial call (half-open). Default 30 s. */
  halfOpenAfterMs?: number;
  /** Concurrent calls per connection and the small queue in front of them. */
  concurrency?: number;
  queue?: number;
  classify?: Classifier;
}

export interface ResolvedPolicyOptions {
  connection: string;
  maxAttempts: number;
  attemptTimeoutMs: number;
  deadlineMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  breaker: BreakerOptions;
  halfOpenAfterMs: number;
  concurrency: number;
  queue: number;
}

function positive(name: string, value: number, min = 1): number {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a number >= ${min}`);
  return value;
}

/** Vendor defaults overlaid with the connection's options, validated. */
export function resolvePolicyOptions(vendor: string, opts: VendorPolicyOptions): ResolvedPolicyOptions {
  const defaults = vendorDefaults(vendor);
  const concurrency = opts.concurrency ?? defaults.concurrency;
  return {
    connection: opts.connection ?? "default",
    maxAttempts: Math.floor(positive("maxAttempts", opts.maxAttempts ?? 3)),
    attemptTimeoutMs: positive("attemptTimeoutMs", opts.attemptTimeoutMs ?? defaults.attemptTimeoutMs),
    deadlineMs: positive("deadlineMs", opts.deadlineMs ?? defaults.deadlineMs),
    initialDelayMs: positive("backoff.initialDelayMs", opts.backoff?.initialDelayMs ?? 200, 0),
    maxDelayMs: positive("backoff.maxDelayMs", opts.backoff?.maxDelayMs ?? 10_000, 0),
    breaker: opts.breaker ?? { kind: "consecutive", threshold: 5 },
    halfOpenAfterMs: positive("halfOpenAfterMs", opts.halfOpenAfterMs ?? 30_000),
    concurrency: Math.floor(positive("concurrency", concurrency)),
    queue: Math.floor(positive("queue", opts.queue ?? Math.max(4, concurrency), 0)),
  };
}
