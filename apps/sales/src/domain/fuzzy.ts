import { nameGrams, normalName } from "@revops/sandbox";

/** Edit distance (insert, delete, substitute: 1 each). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

const editSimilarity = (a: string, b: string) =>
  a.length + b.length === 0 ? 1 : 1 - levenshtein(a, b) / Math.max(a.length, b.length);

/** Dice coefficient of the two names' three-letter pieces. */
function gramSimilarity(a: string, b: string): number {
  const x = new Set(nameGrams(a, 1000));
  const y = new Set(nameGrams(b, 1000));
  if (x.size + y.size === 0) return 0;
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return (2 * common) / (x.size + y.size);
}

/** Below this a candidate is not shown. */
export const MIN_NAME_SCORE = 0.5;

/**
 * How well `name` matches what was typed, 0–1: exact 1, name prefix .95, word prefix .9, contained .85; otherwise
 * .8 × the best of edit similarity (whole name, same-length prefix, each word) and shared three-letter pieces —
 * so "Northwnd" still finds "Northwind" (.71).
 */
export function nameScore(query: string, name: string): number {
  const q = normalName(query);
  const n = normalName(name);
  if (!q) return 1;
  if (!n) return 0;
  if (n === q) return 1;
  if (n.startsWith(q)) return 0.95;
  const words = n.split(" ");
  if (words.some((w) => w.startsWith(q))) return 0.9;
  if (n.includes(q)) return 0.85;
  const fuzzy = Math.max(
    editSimilarity(q, n),
    editSimilarity(q, n.slice(0, q.length)),
    ...words.map((w) => editSimilarity(q, w)),
    gramSimilarity(q, n),
  );
  return 0.8 * fuzzy;
}

/** Candidates scored against the query, best first (then name, id), those under MIN_NAME_SCORE dropped. */
export function rankByName<T extends { id: string; name: string }>(
  query: string | undefined,
  rows: readonly T[],
): (T & { score: number })[] {
  return rows
    .map((r) => ({ ...r, score: query ? nameScore(query, r.name) : 1 }))
    .filter((r) => r.score >= MIN_NAME_SCORE)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
}
