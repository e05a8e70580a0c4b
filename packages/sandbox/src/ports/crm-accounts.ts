import type { AccountCandidates, AccountQuery } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { num, Where } from "./sql.js";

export const ACCOUNT_CANDIDATES = 2000;
const MAX_GRAMS = 16;

/** "https://www.Acme.com/x" → "acme.com". */
export function bareDomain(v: string): string {
  return v
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/^www\./, "")
    .replace(/[/?#].*$/, "");
}

/** Lower-case letters and digits of a name, single-spaced. */
export function normalName(v: string): string {
  return v
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** The distinct three-letter pieces of each word of a name (a shorter word is its own piece), at most `max`. */
export function nameGrams(name: string, max = MAX_GRAMS): string[] {
  const grams = new Set<string>();
  for (const word of normalName(name).split(" ").filter(Boolean)) {
    if (word.length <= 3) grams.add(word);
    for (let i = 0; i + 3 <= word.length; i++) grams.add(word.slice(i, i + 3));
  }
  const all = [...grams];
  if (all.length <= max) return all;
  // spread the kept pieces over the whole name, so a typo anywhere leaves most of them intact
  return Array.from({ length: max }, (_, i) => all[Math.floor((i * all.length) / max)] as string);
}

export const likeEscape = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Accounts that share at least one three-letter piece with `name` (any, without a name) and match the exact
 * filters: domain, owner and industry, case-insensitive. Ordered by id; the app ranks by name similarity.
 */
export async function sandboxAccountCandidates(db: SqlDb, q: AccountQuery): Promise<AccountCandidates> {
  const limit = Math.max(1, Math.min(ACCOUNT_CANDIDATES, Math.floor(q.limit ?? ACCOUNT_CANDIDATES)));
  const w = new Where();
  const grams = q.name ? nameGrams(q.name) : [];
  if (q.name && grams.length === 0) return { rows: [], capped: false };
  if (grams.length > 0) {
    w.add(
      `(${grams.map(() => "lower(a.name) LIKE ? ESCAPE '\\'").join(" OR ")})`,
      ...grams.map((g) => `%${likeEscape(g)}%`),
    );
  }
  if (q.domain?.trim()) w.add("lower(a.domain) = ?", bareDomain(q.domain));
  if (q.industry?.trim()) w.add("lower(a.industry) = ?", q.industry.trim().toLowerCase());
  if (q.owner?.trim()) {
    const o = q.owner.trim().toLowerCase();
    w.add("(lower(u.id) = ? OR lower(u.name) = ? OR lower(u.email) = ?)", o, o, o);
  }
  const rows = await db.query<Record<string, unknown>>(
    `SELECT a.id, a.name, a.domain, a.industry, a.owner_id, u.name AS owner_name, a.arr, a.lifecycle
     FROM sb_accounts a JOIN sb_users u ON u.id = a.owner_id ${w.sql()} ORDER BY a.id LIMIT ${limit + 1}`,
    w.params,
  );
  return {
    rows: rows.slice(0, limit).map((r) => ({
      id: String(r.id),
      name: String(r.name),
      domain: String(r.domain),
      industry: String(r.industry),
      ownerId: String(r.owner_id),
      ownerName: String(r.owner_name),
      arr: num(r.arr),
      lifecycle: String(r.lifecycle),
    })),
    capped: rows.length > limit,
  };
}
