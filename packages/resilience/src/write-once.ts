import { isVendorError } from "./errors";

/**
 * A failure after which the vendor may or may not have applied the write: no answer (reset, timeout) or a 5xx.
 * A 4xx is a definite refusal and is never looked up.
 */
export function isAmbiguousWriteFailure(err: unknown): boolean {
  if (!isVendorError(err)) return false;
  if (err.kind === "timeout") return true;
  return err.kind === "unavailable" && (err.status === undefined || err.status >= 500);
}

export interface WriteOnceOptions<T> {
  /** The write itself; sends the idempotency key where the vendor takes one. */
  write: () => Promise<T>;
  /** Finds what an earlier attempt of this same write left behind (by key, marker or target values). */
  lookup: () => Promise<T | undefined>;
  /**
   * An earlier execution of this same write may have landed and no one saw the answer (its process died, an
   * approval resumed after a crash): look it up before the first write, not only after a failure.
   */
  lookupFirst?: boolean;
}

/**
 * The one way every vendor write runs: once, and after an ambiguous failure the result is looked up before a
 * single retry, so a write the vendor applied before failing is never applied twice.
 */
export async function writeOnce<T>(o: WriteOnceOptions<T>): Promise<{ value: T; recovered: boolean }> {
  if (o.lookupFirst) {
    const earlier = await o.lookup();
    if (earlier !== undefined) return { value: earlier, recovered: true };
  }
  try {
    return { value: await o.write(), recovered: false };
  } catch (err) {
    if (!isAmbiguousWriteFailure(err)) throw err;
    const found = await o.lookup();
    if (found !== undefined) return { value: found, recovered: true };
    return { value: await o.write(), recovered: false };
  }
}
