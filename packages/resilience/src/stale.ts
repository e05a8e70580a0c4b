import type { KeyValue } from "@revops/store";
import { type Classifier, defaultClassify } from "./classify";
import { describeWait, OUTAGE_KINDS, VendorError } from "./errors";
import { displayName } from "./vendor-names";

export interface StaleFallbackOptions {
  cache: KeyValue;
  /** Cached answers older than this are never served. */
  maxAgeMs: number;
  /** Used in messages and for classification; default "the vendor". */
  vendor?: string;
  classify?: Classifier;
  /** Key prefix in the store, default "stale:". */
  prefix?: string;
  now?: () => number;
}

export type Fresh<T> = { value: T; stale: false };
export type Stale<T> = { value: T; stale: true; ageMs: number; fetchedAt: string; error: VendorError };
export type MaybeStale<T> = Fresh<T> | Stale<T>;

interface Entry {
  at: number;
  value: unknown;
}

/**
 * Reads through `fetch`, caching each success. When the vendor is down (circuit open, unavailable,
 * timeout, rate limited) serves the cached answer flagged stale with its age; other errors pass through.
 */
export async function withStaleFallback<T>(
  key: string,
  fetch: () => Promise<T>,
  opts: StaleFallbackOptions,
): Promise<MaybeStale<T>> {
  const now = opts.now ?? Date.now;
  const vendor = opts.vendor ?? "the vendor";
  const storeKey = `${opts.prefix ?? "stale:"}${key}`;
  try {
    const value = await fetch();
    const entry: Entry = { at: now(), value };
    await opts.cache.set(storeKey, JSON.stringify(entry), { ttlMs: opts.maxAgeMs });
    return { value, stale: false };
  } catch (err) {
    const v = (opts.classify ?? defaultClassify)(err, vendor);
    if (!OUTAGE_KINDS.has(v.kind)) throw v;
    const entry = parseEntry(await opts.cache.get(storeKey).catch(() => undefined));
    const ageMs = entry ? now() - entry.at : Number.POSITIVE_INFINITY;
    if (!entry || ageMs > opts.maxAgeMs) {
      throw new VendorError({
        vendor: v.vendor,
        kind: v.kind,
        retryable: v.retryable,
        retryAfterMs: v.retryAfterMs,
        status: v.status,
        message: `${v.message} No cached copy younger than ${describeWait(opts.maxAgeMs)} is available for ${displayName(vendor)}.`,
        cause: v,
      });
    }
    return {
      value: entry.value as T,
      stale: true,
      ageMs,
      fetchedAt: new Date(entry.at).toISOString(),
      error: v,
    };
  }
}

function parseEntry(raw: string | undefined): Entry | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<Entry>;
    return typeof parsed.at === "number" && "value" in parsed ? (parsed as Entry) : undefined;
  } catch {
    return undefined; // a corrupt entry is as good as none
  }
}
