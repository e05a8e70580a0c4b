/// <reference path="./rate-limiter-flexible.d.ts" />
import type { Redis } from "ioredis";
import RateLimiterMemory from "rate-limiter-flexible/lib/RateLimiterMemory.js";
import RateLimiterRedis from "rate-limiter-flexible/lib/RateLimiterRedis.js";
import RateLimiterRes from "rate-limiter-flexible/lib/RateLimiterRes.js";
import { describeWait, VendorError } from "./errors";
import { sleep } from "./sleep";
import { displayName } from "./vendor-names";
import { type RateRule, vendorDefaults } from "./vendors";

export interface VendorLimiterOptions {
  connection?: string;
  /** Shared ioredis client: the quota is then shared by every replica. */
  redis?: Redis;
  /** Replicas sharing the quota; sizes the in-process insurance limiter used while Redis is away. */
  replicas?: number;
  /** Overrides the vendor's default bucket (plans differ). */
  rate?: RateRule;
  /** Overrides or adds named buckets. */
  buckets?: Record<string, RateRule>;
  /** Redis key prefix, default "revops:rl:". */
  keyPrefix?: string;
}

export interface AcquireOptions {
  bucket?: string;
  /** Longest acceptable wait; beyond it the call fails fast with rate_limited. */
  maxWaitMs: number;
  signal?: AbortSignal;
}

export interface QuotaWindow {
  bucket: string;
  limit: number;
  remaining: number;
  /** Milliseconds until the window resets (0 when nothing was consumed). */
  resetMs: number;
}

export interface LimiterStats {
  acquired: number;
  waits: number;
  refused: number;
  /** Consumes answered by the in-process insurance limiter (Redis unreachable). */
  insurance: number;
}

export interface VendorLimiter {
  readonly vendor: string;
  readonly connection: string;
  readonly shared: boolean;
  readonly stats: Readonly<LimiterStats>;
  /** Takes `units` from the bucket, waiting for the window to reset when that fits in maxWaitMs. */
  acquire(units: number, opts: AcquireOptions): Promise<{ waitedMs: number }>;
  remaining(bucket?: string): Promise<QuotaWindow>;
}

interface Bucket {
  rule: RateRule;
  limiter: RateLimiterMemory | RateLimiterRedis;
}

function seconds(rule: RateRule): number {
  if (!(rule.points >= 1) || !(rule.durationMs >= 1))
    throw new RangeError("rate needs points >= 1 and durationMs >= 1");
  // rate-limiter-flexible's Redis store counts whole seconds
  return Math.max(1, Math.ceil(rule.durationMs / 1000));
}

/** Token accounting per vendor connection with rate-limiter-flexible (Redis when given, memory otherwise). */
export function createVendorLimiter(vendor: string, opts: VendorLimiterOptions = {}): VendorLimiter {
  const defaults = vendorDefaults(vendor);
  const connection = opts.connection ?? "default";
  const rules: Record<string, RateRule> = {
    ...defaults.buckets,
    ...opts.buckets,
    default: opts.rate ?? defaults.rate,
  };
  const replicas = Math.max(1, Math.floor(opts.replicas ?? 1));
  const stats: LimiterStats = { acquired: 0, waits: 0, refused: 0, insurance: 0 };
  const buckets = new Map<string, Bucket>();
  const name = displayName(vendor);

  function bucketOf(bucket: string): Bucket {
    const existing = buckets.get(bucket);
    if (existing) return existing;
    const rule = rules[bucket] ?? rules.default;
    if (!rule) throw new Error(`no rate rule for ${vendor}/${bucket}`);
    const duration = seconds(rule);
    const keyPrefix = `${opts.keyPrefix ?? "revops:rl:"}${vendor}:${bucket}`;
    const limiter = opts.redis
      ? new RateLimiterRedis({
          storeClient: opts.redis,
          points: rule.points,
          duration,
          keyPrefix,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new CountingMemoryLimiter(stats, {
            points: Math.max(1, Math.floor(rule.points / replicas)),
            duration,
            keyPrefix,
          }),
        })
      : new RateLimiterMemory({ points: rule.points, duration, keyPrefix });
    const created = { rule, limiter };
    buckets.set(bucket, created);
    return created;
  }

  async function acquire(units: number, { bucket = "default", maxWaitMs, signal }: AcquireOptions) {
    const { rule, limiter } = bucketOf(bucket);
    if (!Number.isInteger(units) || units < 1 || units > rule.points) {
      throw new RangeError(`units must be an integer from 1 to ${rule.points} for ${vendor}/${bucket}`);
    }
    const started = performance.now();
    for (;;) {
      try {
        await limiter.consume(connection, units);
        stats.acquired++;
        return { waitedMs: performance.now() - started };
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        // a refused consume still counted its points: give them back so the window stays exact
        await limiter.reward(connection, units).catch(() => undefined);
        const wait = Math.max(1, err.msBeforeNext);
        if (performance.now() - started + wait > maxWaitMs) {
          stats.refused++;
          throw new VendorError({
            vendor,
            kind: "rate_limited",
            retryable: true,
            retryAfterMs: wait,
            message: `${name} request quota (${rule.points} per ${describeWait(rule.durationMs)}) is used up; try again in ${describeWait(wait)}.`,
          });
        }
        stats.waits++;
        await sleep(wait, signal);
      }
    }
  }

  async function remaining(bucket = "default"): Promise<QuotaWindow> {
    const { rule, limiter } = bucketOf(bucket);
    const res = await limiter.get(connection);
    if (!res) return { bucket, limit: rule.points, remaining: rule.points, resetMs: 0 };
    return {
      bucket,
      limit: rule.points,
      remaining: Math.max(0, rule.points - res.consumedPoints),
      resetMs: Math.max(0, res.msBeforeNext),
    };
  }

  return { vendor, connection, shared: opts.redis !== undefined, stats, acquire, remaining };
}

/** Insurance limiter that counts how often it stood in for Redis. */
class CountingMemoryLimiter extends RateLimiterMemory {
  constructor(
    private readonly counters: LimiterStats,
    opts: ConstructorParameters<typeof RateLimiterMemory>[0],
  ) {
    super(opts);
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>) {
    this.counters.insurance++;
    return super.consume(key, points, options);
  }
}
