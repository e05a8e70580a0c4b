import type { RenewalHistory, RenewalTermFeatures } from "@revops/model";
import { sqlNumber as num, sandboxToday } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

export const CHURN_LEAD_DAYS = 60;
export const CHURN_WINDOWS = { tickets: 90, nps: 180, activities: 90 } as const;

type Dialect = "sqlite" | "postgres";

const minusDays = (d: Dialect, col: string, n: number) =>
  d === "sqlite" ? `date(${col}, '-${n} days')` : `to_char(CAST(${col} AS date) - ${n}, 'YYYY-MM-DD')`;
const monthsBack = (d: Dialect, col: string, k: number) =>
  d === "sqlite"
    ? `strftime('%Y-%m', date(${col}, 'start of month', '-${k} months'))`
    : `to_char(date_trunc('month', CAST(${col} AS date)) - interval '${k} months', 'YYYY-MM')`;

/** Start of a window, no earlier than the coverage day (a `?` pair: the coverage twice). */
const clipped = (col: string) => `CASE WHEN ${col} < ? THEN ? ELSE ${col} END`;

function featuresSql(d: Dialect, asOf: string, where: string): string {
  return `
WITH w AS MATERIALIZED (
  SELECT c.*, ${clipped("c.tk0")} AS tk_from, ${clipped("c.nps0")} AS nps_from, ${clipped("c.act0")} AS act_from
  FROM (
    SELECT v.*, ${minusDays(d, "v.as_of", CHURN_WINDOWS.tickets)} AS tk0,
      ${minusDays(d, "v.as_of", CHURN_WINDOWS.nps)} AS nps0, ${minusDays(d, "v.as_of", CHURN_WINDOWS.activities)} AS act0,
      ${monthsBack(d, "v.as_of", 1)} AS m1, ${monthsBack(d, "v.as_of", 2)} AS m2, ${monthsBack(d, "v.as_of", 3)} AS m3,
      ${monthsBack(d, "v.as_of", 6)} AS m6
    FROM (
      SELECT s.id AS term_id, s.account_id, a.name AS account_name, u.name AS owner_name, s.plan, s.seats, s.arr,
        s.renewal_date, s.status, a.created_date, ${asOf} AS as_of
      FROM sb_subscriptions s JOIN sb_accounts a ON a.id = s.account_id JOIN sb_users u ON u.id = a.owner_id
      WHERE ${where}
    ) v
  ) c
),
-- one grouped pass per source instead of a probe per figure
tk AS (
  SELECT w.term_id, COUNT(*) AS tk_n, SUM(CASE WHEN t.priority IN ('urgent', 'high') THEN 1 ELSE 0 END) AS tk_hi,
    SUM(CASE WHEN t.csat = 'bad' AND t.solved_at < w.as_of THEN 1 ELSE 0 END) AS tk_bad,
    SUM(CASE WHEN t.tags LIKE '%escalation%' THEN 1 ELSE 0 END) AS tk_esc
  FROM w JOIN sb_tickets t ON t.account_id = w.account_id AND t.created_at >= w.tk_from AND t.created_at < w.as_of
  GROUP BY w.term_id
),
np AS (
  SELECT w.term_id, COUNT(*) AS nps_n, SUM(n.score) AS nps_sum, SUM(CASE WHEN n.score <= 6 THEN 1 ELSE 0 END) AS nps_det
  FROM w JOIN sb_nps_responses n
    ON n.account_id = w.account_id AND n.responded_at >= w.nps_from AND n.responded_at < w.as_of
  GROUP BY w.term_id
),
um AS (
  SELECT w.term_id, MAX(CASE WHEN m.month = w.m1 THEN m.active_users END) AS mau1,
    MAX(CASE WHEN m.month = w.m2 THEN m.active_users END) AS mau2,
    AVG(CASE WHEN m.month <= w.m3 THEN m.active_users * 1.0 END) AS mau_base
  FROM w JOIN sb_usage_monthly m ON m.account_id = w.account_id AND m.month >= w.m6 AND m.month <= w.m1
  GROUP BY w.term_id
)
SELECT w.*, COALESCE(tk.tk_n, 0) AS tk_n, COALESCE(tk.tk_hi, 0) AS tk_hi, COALESCE(tk.tk_bad, 0) AS tk_bad,
  COALESCE(tk.tk_esc, 0) AS tk_esc, COALESCE(np.nps_n, 0) AS nps_n, np.nps_sum, COALESCE(np.nps_det, 0) AS nps_det,
  (SELECT COUNT(*) FROM sb_activities x WHERE x.account_id = w.account_id AND x.deal_id IS NULL
    AND x.occurred_at >= w.act_from AND x.occurred_at < w.as_of) AS act_n,
  um.mau1, um.mau2, um.mau_base
FROM w LEFT JOIN tk ON tk.term_id = w.term_id LEFT JOIN np ON np.term_id = w.term_id
  LEFT JOIN um ON um.term_id = w.term_id
ORDER BY w.renewal_date, w.term_id`;
}

const nullable = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toFeatures(r: Record<string, unknown>): RenewalTermFeatures {
  return {
    termId: String(r.term_id),
    accountId: String(r.account_id),
    accountName: String(r.account_name),
    ownerName: String(r.owner_name),
    plan: String(r.plan),
    seats: num(r.seats),
    arr: num(r.arr),
    renewalDate: String(r.renewal_date),
    status: r.status as RenewalTermFeatures["status"],
    asOf: String(r.as_of),
    accountCreated: String(r.created_date),
    tickets: {
      from: String(r.tk_from),
      count: num(r.tk_n),
      urgentHigh: num(r.tk_hi),
      badCsat: num(r.tk_bad),
      escalated: num(r.tk_esc),
    },
    nps: {
      from: String(r.nps_from),
      responses: num(r.nps_n),
      scoreSum: num(r.nps_sum),
      detractors: num(r.nps_det),
    },
    activities: { from: String(r.act_from), count: num(r.act_n) },
    monthlyActives: {
      last: nullable(r.mau1),
      prev: nullable(r.mau2),
      baseline:
        r.mau_base === null || r.mau_base === undefined ? null : Math.round(num(r.mau_base) * 100) / 100,
    },
  };
}

const dialectOf = (db: SqlDb): Dialect => (db.dialect === "postgres" ? "postgres" : "sqlite");

/** Oldest record of any current customer, per source: one index probe per customer. */
async function coverage(db: SqlDb): Promise<RenewalHistory["coverage"]> {
  const r = await db.one<Record<string, unknown>>(
    `SELECT MIN(x.tk) AS tickets, MIN(x.np) AS nps, MIN(x.act) AS activities FROM (
       SELECT (SELECT MIN(t.created_at) FROM sb_tickets t WHERE t.account_id = a.id) AS tk,
         (SELECT MIN(n.responded_at) FROM sb_nps_responses n WHERE n.account_id = a.id) AS np,
         (SELECT MIN(y.occurred_at) FROM sb_activities y WHERE y.account_id = a.id AND y.deal_id IS NULL) AS act
       FROM sb_accounts a WHERE a.lifecycle = 'customer'
     ) x`,
  );
  const day = (v: unknown) => (v === null || v === undefined ? null : String(v).slice(0, 10));
  return { tickets: day(r?.tickets), nps: day(r?.nps), activities: day(r?.activities) };
}

const clipParams = (c: RenewalHistory["coverage"]) =>
  [c.tickets, c.nps, c.activities].flatMap((v) => [v ?? "0000-00-00", v ?? "0000-00-00"]);

/** Every past renewal with its features as of `CHURN_LEAD_DAYS` before the renewal date. */
export async function renewalHistory(db: SqlDb): Promise<RenewalHistory> {
  const d = dialectOf(db);
  const cov = await coverage(db);
  const rows = await db.query<Record<string, unknown>>(
    featuresSql(d, minusDays(d, "s.renewal_date", CHURN_LEAD_DAYS), "s.status IN ('renewed', 'cancelled')"),
    clipParams(cov),
  );
  return {
    terms: rows.map(toFeatures),
    coverage: cov,
    leadDays: CHURN_LEAD_DAYS,
    windows: { ...CHURN_WINDOWS },
  };
}

/** Current customers' active terms (renewal ahead) with their features as of the dataset's today. */
export async function upcomingRenewals(db: SqlDb): Promise<RenewalTermFeatures[]> {
  const d = dialectOf(db);
  const today = await sandboxToday(db);
  const cov = await coverage(db);
  const where = "s.status = 'active' AND a.lifecycle = 'customer'";
  const rows = await db.query<Record<string, unknown>>(featuresSql(d, "CAST(? AS TEXT)", where), [
    ...clipParams(cov),
    today,
  ]);
  return rows.map(toFeatures);
}
