import type { RecordFields, RecordRow } from "@revops/model";

/** The items in runs of at most n (a vendor's batch limit). */
export function chunked<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

/** Every id read back holds every value the change sets: the batch landed. */
export function holdsAll(rows: readonly RecordRow[], ids: readonly string[], f: RecordFields): boolean {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.every((id) => {
    const r = byId.get(id);
    return r !== undefined && Object.entries(f).every(([k, v]) => (r.fields[k] ?? null) === (v ?? null));
  });
}
