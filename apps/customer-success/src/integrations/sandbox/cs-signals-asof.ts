import { dayOf, isoDay, SqlWhere as Where } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

/** `YYYY-MM` of the calendar month before the one containing `day`. */
export function lastFullMonth(day: number): string {
  const d = new Date(day * 86_400_000);
  return isoDay(Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0) / 86_400_000)).slice(0, 7);
}

/**
 * Health signals of today's customers as they stood on a past day `asOf` (the same windows as today's, ending
 * that day: usage over the 60 days before it, tickets over 90 and NPS over 180 days up to and including it, the
 * term in force that day). Raw rows with the column names of the today query; correlated lookups on the
 * (account, time) indexes, the same SQL on SQLite and PostgreSQL.
 */
export async function signalsRowsAsOf(
  db: SqlDb,
  asOf: string,
  accountIds?: readonly string[],
): Promise<{ rows: Record<string, unknown>[]; usageMonth: string }> {
  const t = dayOf(asOf);
  const d = (n: number) => isoDay(t - n);
  const usageMonth = lastFullMonth(t);
  const term =
    "FROM sb_subscriptions s WHERE s.account_id = a.id AND s.start_date <= ? AND s.renewal_date > ?";
  const usage = "FROM sb_usage_daily x WHERE x.account_id = a.id AND x.day >= ? AND x.day < ?";
  const tk = "FROM sb_tickets k WHERE k.account_id = a.id AND k.created_at >= ? AND k.created_at < ?";
  const np =
    "FROM sb_nps_responses n WHERE n.account_id = a.id AND n.responded_at >= ? AND n.responded_at < ?";
  const w = new Where().add("a.lifecycle = 'customer'");
  if (accountIds) w.in("a.id", accountIds);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT a.id, a.name, a.arr, a.size_band, a.industry, a.created_date, a.owner_id, u.name AS owner_name,
  (SELECT s.renewal_date ${term} ORDER BY s.renewal_date LIMIT 1) AS renewal_date,
  (SELECT s.seats ${term} ORDER BY s.renewal_date LIMIT 1) AS seats,
  (SELECT s.plan ${term} ORDER BY s.renewal_date LIMIT 1) AS plan,
  (SELECT SUM(x.events) ${usage}) AS last30,
  (SELECT SUM(x.events) ${usage}) AS prev30,
  (SELECT SUM(x.active_users) ${usage}) AS active30_sum,
  (SELECT COUNT(*) ${usage}) AS active30_days,
  (SELECT m.active_users FROM sb_usage_monthly m WHERE m.account_id = a.id AND m.month = ?) AS mau,
  (SELECT COUNT(*) ${tk}) AS tickets,
  (SELECT COUNT(*) ${tk} AND k.priority = 'urgent') AS urgent,
  (SELECT COUNT(*) ${tk} AND k.csat = 'bad') AS bad,
  (SELECT AVG(n.score * 1.0) ${np}) AS avg_score,
  (SELECT COUNT(*) ${np}) AS responses
FROM sb_accounts a JOIN sb_users u ON u.id = a.owner_id ${w.sql()} ORDER BY a.arr DESC, a.id`,
    [
      ...[asOf, asOf, asOf, asOf, asOf, asOf],
      ...[d(30), asOf, d(60), d(30), d(30), asOf, d(30), asOf],
      usageMonth,
      ...[d(90), d(-1), d(90), d(-1), d(90), d(-1)],
      ...[d(180), d(-1), d(180), d(-1)],
      ...w.params,
    ],
  );
  return { rows, usageMonth };
}
