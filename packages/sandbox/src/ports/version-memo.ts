import type { SqlDb } from "@revops/store";

/**
 * The company's data as of now: its load (a reset or reload writes a new sb_meta row) and the change journal every
 * sandbox write appends to in the same transaction.
 */
async function dataVersion(db: SqlDb): Promise<string> {
  const r = await db.one<{ loaded_at: string | null; n: number; last: string | null }>(
    "SELECT (SELECT loaded_at FROM sb_meta WHERE id = 'sandbox') AS loaded_at, COUNT(*) AS n, MAX(at) AS last FROM sb_changes",
  );
  return `${r?.loaded_at ?? ""}|${r?.n ?? 0}|${r?.last ?? ""}`;
}

/** Kept results per database: a few keys each (a tool's windows), the newest version only. */
const memos = new WeakMap<SqlDb, Map<string, { version: string; value: Promise<unknown> }>>();
const MAX_KEYS = 32;

/**
 * `compute()` once per key while the data is unchanged: whole-history passes (renewal features, stage history) are
 * what an analytics call costs at scale, and their answer only moves when a write or a reload does. Callers get
 * the shared value: they must not mutate it.
 */
export async function whileUnchanged<T>(db: SqlDb, key: string, compute: () => Promise<T>): Promise<T> {
  const version = await dataVersion(db);
  let byKey = memos.get(db);
  if (!byKey) {
    byKey = new Map();
    memos.set(db, byKey);
  }
  const hit = byKey.get(key);
  if (hit?.version === version) return hit.value as Promise<T>;
  const value = compute();
  byKey.delete(key);
  byKey.set(key, { version, value });
  if (byKey.size > MAX_KEYS) byKey.delete(byKey.keys().next().value as string);
  // a failed read is not kept: the next call tries again
  value.catch(() => {
    if (byKey.get(key)?.value === value) byKey.delete(key);
  });
  return value;
}

/** The same for lists, each caller getting its own array (sorting it leaves the kept one alone). */
export async function listWhileUnchanged<T>(
  db: SqlDb,
  key: string,
  compute: () => Promise<T[]>,
): Promise<T[]> {
  return [...(await whileUnchanged(db, key, compute))];
}
