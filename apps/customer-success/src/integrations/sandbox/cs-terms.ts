import type { SubscriptionTerm, TermHistory } from "@revops/model";
import { sqlNumber as num } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

/** Terms overlapping [from, to] with each account's oldest start: indexed on renewal date, one group-by. */
export async function subscriptionTerms(db: SqlDb, from: string, to: string): Promise<TermHistory> {
  const [rows, cov] = await Promise.all([
    db.query<Record<string, unknown>>(
      `SELECT s.id, s.account_id, s.plan, s.seats, s.arr, s.start_date, s.renewal_date, s.status, f.first_start
       FROM sb_subscriptions s
       JOIN (SELECT account_id, MIN(start_date) AS first_start FROM sb_subscriptions GROUP BY account_id) f
         ON f.account_id = s.account_id
       WHERE s.renewal_date >= ? AND s.start_date <= ?
       ORDER BY s.account_id, s.start_date, s.id`,
      [from, to],
    ),
    db.one<{ d: string | null }>("SELECT MIN(renewal_date) AS d FROM sb_subscriptions"),
  ]);
  return {
    terms: rows.map((r) => ({
      id: String(r.id),
      accountId: String(r.account_id),
      plan: String(r.plan),
      seats: num(r.seats),
      arr: num(r.arr),
      start: String(r.start_date),
      renewal: String(r.renewal_date),
      status: r.status as SubscriptionTerm["status"],
      accountFirstStart: String(r.first_start),
    })),
    completeFrom: cov?.d ?? null,
  };
}
