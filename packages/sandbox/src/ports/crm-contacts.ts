import type { ContactCandidates, ContactQuery } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { likeEscape, nameGrams } from "./crm-accounts.js";
import { Where } from "./sql.js";

export const CONTACT_CANDIDATES = 2000;

/** `(col LIKE %g1% OR …)` over a text's three-letter pieces; false when the text has none. */
function gramsLike(w: Where, column: string, text: string): boolean {
  const grams = nameGrams(text);
  if (grams.length === 0) return false;
  w.add(
    `(${grams.map(() => `lower(${column}) LIKE ? ESCAPE '\\'`).join(" OR ")})`,
    ...grams.map((g) => `%${likeEscape(g)}%`),
  );
  return true;
}

/** Contacts sharing a three-letter piece with each text given (name, title, account name) and containing the email. */
export async function sandboxContactCandidates(db: SqlDb, q: ContactQuery): Promise<ContactCandidates> {
  const limit = Math.max(1, Math.min(CONTACT_CANDIDATES, Math.floor(q.limit ?? CONTACT_CANDIDATES)));
  const w = new Where();
  if (q.name && !gramsLike(w, "c.name", q.name)) return { rows: [], capped: false };
  if (q.title && !gramsLike(w, "c.title", q.title)) return { rows: [], capped: false };
  if (q.email?.trim())
    w.add("lower(c.email) LIKE ? ESCAPE '\\'", `%${likeEscape(q.email.trim().toLowerCase())}%`);
  const account = q.account?.trim();
  if (account) {
    const byId = new Where();
    const named = gramsLike(byId, "a.name", account);
    w.add(
      named ? `(lower(a.id) = ? OR ${byId.clauses[0]})` : "lower(a.id) = ?",
      account.toLowerCase(),
      ...byId.params,
    );
  }
  const rows = await db.query<Record<string, unknown>>(
    `SELECT c.id, c.name, c.title, c.email, c.account_id, a.name AS account_name
     FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id ${w.sql()} ORDER BY c.id LIMIT ${limit + 1}`,
    w.params,
  );
  return {
    rows: rows.slice(0, limit).map((r) => ({
      id: String(r.id),
      name: String(r.name),
      title: String(r.title),
      email: String(r.email),
      accountId: String(r.account_id),
      accountName: String(r.account_name),
    })),
    capped: rows.length > limit,
  };
}
