import type { SqlDb } from "@revops/store";
import { modelVisibleTokens, type SandboxServer, withSandboxServer } from "@revops/testing";
import { describe, expect, it } from "vitest";
import { createCustomerSuccessServer } from "../src/server";

/** retention_report against the bridge and cohorts recomputed here in SQL from sb_subscriptions and sb_accounts. */
let db: SqlDb;
let s: SandboxServer["s"];
let today: string;
withSandboxServer(
  "cs-retention",
  () => [createCustomerSuccessServer()],
  (h) => {
    ({ db, s, today } = h);
  },
);

const yearBefore = (day: string) => new Date(Date.parse(day) - 365 * 86_400_000).toISOString().slice(0, 10);

/** Per account: ARR in force on from and on to, and its moves in (from, to]; then summed per cohort quarter. */
const COHORT_SQL = `
WITH f AS (SELECT account_id, MIN(start_date) AS first_start FROM sb_subscriptions GROUP BY account_id),
cov AS (SELECT MIN(renewal_date) AS d FROM sb_subscriptions),
acct AS (
  SELECT f.account_id,
    CASE WHEN f.first_start >= (SELECT d FROM cov)
      THEN substr(f.first_start, 1, 4) || '-Q' || ((CAST(substr(f.first_start, 6, 2) AS INTEGER) + 2) / 3)
      ELSE 'before ' || (SELECT d FROM cov) END AS cohort,
    (SELECT COALESCE(SUM(arr), 0) FROM sb_subscriptions s WHERE s.account_id = f.account_id
      AND s.start_date <= :from AND s.renewal_date > :from) AS s_arr,
    (SELECT COALESCE(SUM(arr), 0) FROM sb_subscriptions s WHERE s.account_id = f.account_id
      AND s.start_date <= :to AND s.renewal_date > :to) AS e_arr,
    (SELECT COALESCE(SUM(s.arr), 0) FROM sb_subscriptions s WHERE s.account_id = f.account_id
      AND s.start_date > :from AND s.start_date <= :to AND NOT EXISTS (SELECT 1 FROM sb_subscriptions p
        WHERE p.account_id = s.account_id AND p.renewal_date = s.start_date)) AS new_arr,
    (SELECT COALESCE(SUM(s.arr - p.arr), 0) FROM sb_subscriptions s JOIN sb_subscriptions p
      ON p.account_id = s.account_id AND p.renewal_date = s.start_date
      WHERE s.account_id = f.account_id AND s.start_date > :from AND s.start_date <= :to AND s.arr > p.arr) AS exp_arr,
    (SELECT COALESCE(SUM(p.arr - s.arr), 0) FROM sb_subscriptions s JOIN sb_subscriptions p
      ON p.account_id = s.account_id AND p.renewal_date = s.start_date
      WHERE s.account_id = f.account_id AND s.start_date > :from AND s.start_date <= :to AND s.arr < p.arr) AS con_arr,
    (SELECT COALESCE(SUM(s.arr), 0) FROM sb_subscriptions s WHERE s.account_id = f.account_id
      AND s.renewal_date > :from AND s.renewal_date <= :to AND NOT EXISTS (SELECT 1 FROM sb_subscriptions n
        WHERE n.account_id = s.account_id AND n.start_date = s.renewal_date)) AS churn_arr
  FROM f
)
SELECT cohort, SUM(s_arr) AS starting_arr, SUM(new_arr) AS new, SUM(exp_arr) AS expansion,
  SUM(con_arr) AS contraction, SUM(churn_arr) AS churn, SUM(e_arr) AS ending_arr,
  SUM(CASE WHEN s_arr > 0 THEN 1 ELSE 0 END) AS starting_accounts,
  SUM(CASE WHEN s_arr > 0 AND e_arr = 0 AND churn_arr > 0 THEN 1 ELSE 0 END) AS churned_accounts,
  SUM(CASE WHEN s_arr > 0 THEN MIN(s_arr, e_arr) ELSE 0 END) AS kept,
  SUM(CASE WHEN s_arr > 0 THEN e_arr ELSE 0 END) AS retained
FROM acct WHERE s_arr > 0 OR e_arr > 0 OR new_arr > 0 OR churn_arr > 0
GROUP BY cohort`;

interface Cohort {
  cohort: string;
  starting_arr: number;
  new: number;
  expansion: number;
  contraction: number;
  churn: number;
  ending_arr: number;
  starting_accounts: number;
  churned_accounts: number;
  grr: number | null;
  nrr: number | null;
}

async function expected(from: string, to: string): Promise<Cohort[]> {
  const rows = await db.query<Record<string, unknown>>(
    COHORT_SQL.replaceAll(":from", `'${from}'`).replaceAll(":to", `'${to}'`),
  );
  return rows.map((r) => {
    const n = (k: string) => Number(r[k]);
    return {
      cohort: String(r.cohort),
      starting_arr: n("starting_arr"),
      new: n("new"),
      expansion: n("expansion"),
      contraction: n("contraction"),
      churn: n("churn"),
      ending_arr: n("ending_arr"),
      starting_accounts: n("starting_accounts"),
      churned_accounts: n("churned_accounts"),
      grr: n("starting_arr") > 0 ? n("kept") / n("starting_arr") : null,
      nrr: n("starting_arr") > 0 ? n("retained") / n("starting_arr") : null,
    };
  });
}

const adds = (c: Cohort) => c.starting_arr + c.new + c.expansion - c.contraction - c.churn;

describe("retention_report", () => {
  for (const period of [
    {},
    { from: "2025-04-01", to: "2026-03-31" },
    { from: "2025-01-01", to: "2026-11-23" },
  ]) {
    it(`recomputes the bridge and every cohort from the terms (${JSON.stringify(period)})`, async () => {
      const r = await s.call("retention_report", period);
      const to = (period as { to?: string }).to ?? today;
      const from = (period as { from?: string }).from ?? yearBefore(to);
      expect(r.data.period).toEqual({ from, to });
      const want = await expected(from, to);
      const got = r.data.cohorts as Cohort[];
      expect(got.map((c) => c.cohort).sort()).toEqual(want.map((c) => c.cohort).sort());
      for (const w of want) {
        const g = got.find((c) => c.cohort === w.cohort) as Cohort;
        const { grr, nrr, ...dollars } = w;
        expect(g).toMatchObject(dollars);
        expect(adds(g)).toBe(g.ending_arr);
        if (grr === null) expect(g.grr).toBeNull();
        else expect(g.grr).toBeCloseTo(grr, 4);
        if (nrr === null) expect(g.nrr).toBeNull();
        else expect(g.nrr).toBeCloseTo(nrr, 4);
      }
      const total = r.data.total as Cohort;
      const sum = (k: keyof Cohort) => want.reduce((t, c) => t + Number(c[k]), 0);
      for (const k of ["starting_arr", "new", "expansion", "contraction", "churn", "ending_arr"] as const)
        expect(total[k]).toBe(sum(k));
      // the bridge adds up to the dollar, and every mover is a real movement
      expect(adds(total)).toBe(total.ending_arr);
      expect(total.churn).toBeGreaterThan(0);
      expect(total.expansion).toBeGreaterThan(0);
      expect(total.contraction).toBeGreaterThan(0);
      expect(total.grr).toBeLessThan(1);
      expect(r.data.meta.method).toMatch(/^arr-bridge-v1/);
    });
  }

  it("ends on today's book: ending ARR is every customer's ARR, churn is the cancelled terms", async () => {
    const r = await s.call("retention_report", {});
    const book = await db.one<{ arr: number }>(
      "SELECT SUM(arr) AS arr FROM sb_accounts WHERE lifecycle = 'customer'",
    );
    expect(r.data.total.ending_arr).toBe(Number(book?.arr));
    const cancelled = await db.one<{ arr: number; n: number }>(
      "SELECT SUM(arr) AS arr, COUNT(*) AS n FROM sb_subscriptions WHERE status = 'cancelled' AND renewal_date > ? AND renewal_date <= ?",
      [yearBefore(today), today],
    );
    expect(r.data.total.churn).toBe(Number(cancelled?.arr));
    expect(r.data.total.churned_accounts).toBe(Number(cancelled?.n));
  });

  it("refuses periods it cannot answer, naming the field", async () => {
    const future = await s.client.callTool({ name: "retention_report", arguments: { to: "2030-01-01" } });
    expect(future.isError).toBe(true);
    expect(JSON.stringify(future.content)).toMatch(/to 2030-01-01 is after today/);
    const early = await s.client.callTool({ name: "retention_report", arguments: { from: "2020-01-01" } });
    expect(early.isError).toBe(true);
    expect(JSON.stringify(early.content)).toMatch(/before the subscription history/);
    const backwards = await s.client.callTool({
      name: "retention_report",
      arguments: { from: "2026-06-01", to: "2026-01-01" },
    });
    expect(JSON.stringify(backwards.content)).toMatch(/from 2026-06-01 is not before to/);
  });

  it("stays within the token budget", async () => {
    const { tools } = await s.client.listTools();
    const t = tools.find((x) => x.name === "retention_report");
    if (!t) throw new Error("retention_report is not listed");
    const tokens = modelVisibleTokens(t);
    console.info(`retention_report: ${tokens} model-visible tokens`);
    expect(tokens).toBeLessThanOrEqual(120);
  });
});
