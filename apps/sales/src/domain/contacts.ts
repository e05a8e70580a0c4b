import type { ContactRow } from "@revops/model";
import { MIN_NAME_SCORE, nameScore } from "./fuzzy";

/** What was typed for a contact search; each text is matched like an account name. */
export interface ContactSearch {
  name?: string;
  email?: string;
  account?: string;
  title?: string;
}

/**
 * Candidates scored against every field given (the mean of name, title and account scores; an email or account id
 * that matches exactly counts 1), best first, those with any field under MIN_NAME_SCORE dropped.
 */
export function rankContacts(
  q: ContactSearch,
  rows: readonly ContactRow[],
): (ContactRow & { score: number })[] {
  const email = q.email?.trim().toLowerCase();
  const account = q.account?.trim();
  return rows
    .map((r) => {
      const parts: number[] = [];
      if (q.name) parts.push(nameScore(q.name, r.name));
      if (q.title) parts.push(nameScore(q.title, r.title));
      if (account)
        parts.push(
          account.toLowerCase() === r.accountId.toLowerCase() ? 1 : nameScore(account, r.accountName),
        );
      if (email)
        parts.push(r.email.toLowerCase() === email ? 1 : r.email.toLowerCase().includes(email) ? 0.9 : 0);
      const score = parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : 1;
      return { ...r, score, worst: Math.min(1, ...parts) };
    })
    .filter((r) => r.worst >= MIN_NAME_SCORE)
    .map(({ worst: _worst, ...r }) => r)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
}
