import type { ToolContext } from "@revops/kit";
import type { KeyValue } from "@revops/store";
import { guardStateOf } from "./state";

export interface BulkOptions<T> {
  ctx: ToolContext;
  /** Same key on a retry = items already done are skipped (e.g. the approval id or a client-supplied key). */
  idempotencyKey: string;
  /** Identity of one item within the run (default: its index). */
  itemKey?: (item: T, index: number) => string;
  /** Defaults to the guard's key-value store (reached through ctx). */
  kv?: KeyValue;
  /** How long done items are remembered (default 7 days). */
  ttlMs?: number;
}

export interface BulkResult<R> {
  total: number;
  succeeded: number;
  /** Done by an earlier attempt with the same idempotency key; not run again. */
  skipped: number;
  failed: { index: number; key: string; error: string }[];
  /** Per item: the result, or undefined when it failed or was skipped. */
  results: (R | undefined)[];
}

const WEEK_MS = 7 * 86_400_000;
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Runs fn over items one by one with progress notifications; an item that succeeded is recorded under the
 * idempotency key so a retry never does it twice, and one failure does not stop the rest.
 */
export async function runBulk<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  opts: BulkOptions<T>,
): Promise<BulkResult<R>> {
  const kv = opts.kv ?? (await guardStateOf(opts.ctx)?.deps.kv());
  if (!kv) throw new Error("runBulk needs opts.kv or a call that passed through the guards middleware.");
  const ttlMs = opts.ttlMs ?? WEEK_MS;
  const result: BulkResult<R> = { total: items.length, succeeded: 0, skipped: 0, failed: [], results: [] };
  for (const [index, item] of items.entries()) {
    opts.ctx.signal.throwIfAborted();
    const key = opts.itemKey?.(item, index) ?? String(index);
    const slot = `guards:bulk:${opts.idempotencyKey}:${key}`;
    // Claim first: a concurrent retry of the same run cannot start the same item.
    if (!(await kv.setIfAbsent(slot, "running", { ttlMs }))) {
      result.skipped++;
      result.results.push(undefined);
    } else {
      try {
        const r = await fn(item, index);
        await kv.set(slot, "done", { ttlMs });
        result.succeeded++;
        result.results.push(r);
      } catch (err) {
        await kv.del(slot);
        result.failed.push({ index, key, error: errorText(err) });
        result.results.push(undefined);
      }
    }
    await opts.ctx.progress(index + 1, items.length, `${index + 1} of ${items.length}`);
  }
  return result;
}
