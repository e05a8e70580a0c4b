import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSandboxLoaded, SANDBOX_DEFAULTS } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, resultTokens } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

// Every expectation is recomputed from sb_leads and sb_deals with SQL (SQLite), never from the tools' code.

type Counts = {
  key: string;
  leads: number;
  mqls: number;
  sqls: number;
  opps: number;
  won: number;
  revenue: number;
  toOpp: number[];
  toWon: number[];
  oppToWon: number[];
};

let s: Awaited<ReturnType<typeof connectInProcess>>;
let db: SqlDb;
let dir: string;

const n = (v: unknown) => Number(v ?? 0);
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);
function med(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const at = (i: number) => s[i] as number;
  const m = s.length % 2 ? at((s.length - 1) / 2) : (at(s.length / 2 - 1) + at(s.length / 2)) / 2;
  return Math.round(m * 10) / 10;
}

/** The funnel grouped by a SQL key expression over leads l (created in the range) and their deals d. */
async function expected(keyExpr: string, where = "1 = 1"): Promise<Map<string, Counts>> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${keyExpr} AS k, COUNT(*) AS leads,
       SUM(CASE WHEN l.status IN ('mql', 'sql', 'converted') THEN 1 ELSE 0 END) AS mqls,
       SUM(CASE WHEN l.status IN ('sql', 'converted') THEN 1 ELSE 0 END) AS sqls,
       COUNT(d.id) AS opps,
       SUM(CASE WHEN d.stage = 'closed_won' THEN 1 ELSE 0 END) AS won,
       SUM(CASE WHEN d.stage = 'closed_won' THEN d.amount ELSE 0 END) AS revenue
     FROM sb_leads l LEFT JOIN sb_deals d ON d.id = l.converted_deal_id WHERE ${where} GROUP BY ${keyExpr}`,
  );
  const out = new Map<string, Counts>();
  for (const r of rows)
    out.set(String(r.k), {
      key: String(r.k),
      leads: n(r.leads),
      mqls: n(r.mqls),
      sqls: n(r.sqls),
      opps: n(r.opps),
      won: n(r.won),
      revenue: n(r.revenue),
      toOpp: [],
      toWon: [],
      oppToWon: [],
    });
  const days = await db.query<Record<string, unknown>>(
    `SELECT ${keyExpr} AS k,
       julianday(d.created_date) - julianday(substr(l.created_at, 1, 10)) AS to_opp,
       CASE WHEN d.stage = 'closed_won' THEN julianday(d.close_date) - julianday(substr(l.created_at, 1, 10)) END AS to_won,
       CASE WHEN d.stage = 'closed_won' THEN julianday(d.close_date) - julianday(d.created_date) END AS opp_to_won
     FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id WHERE ${where}`,
  );
  for (const r of days) {
    const c = out.get(String(r.k)) as Counts;
    // intervals out of order (a later stage dated first) are left out, as the tools say
    if (n(r.to_opp) >= 0) c.toOpp.push(n(r.to_opp));
    if (r.to_won !== null && n(r.to_won) >= 0) c.toWon.push(n(r.to_won));
    if (r.opp_to_won !== null && n(r.opp_to_won) >= 0) c.oppToWon.push(n(r.opp_to_won));
  }
  return out;
}

async function allRows(tool: string, args: Record<string, unknown>) {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const r = await s.call(tool, { ...args, limit: 10, ...(cursor ? { cursor } : {}) });
    expect(r.isError, r.text).toBe(false);
    rows.push(...r.data.rows);
    cursor = r.data.next_cursor ?? undefined;
  } while (cursor);
  return rows;
}

beforeAll(async () => {
  s = await connectInProcess([createMarketingServer()]);
  dir = mkdtempSync(join(tmpdir(), "funnel-test-"));
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db, { seed: SANDBOX_DEFAULTS.seed, scale: SANDBOX_DEFAULTS.scale });
});
afterAll(async () => {
  await s.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectLeadRow(row: Record<string, unknown>, c: Counts) {
  expect(row).toMatchObject({
    leads: c.leads,
    opportunities: c.opps,
    won: c.won,
    won_revenue: c.revenue,
    lead_to_opportunity_rate: ratio(c.opps, c.leads),
    lead_to_won_rate: ratio(c.won, c.leads),
    median_days_to_opportunity: med(c.toOpp),
    median_days_to_won: med(c.toWon),
  });
}

describe("leads_by_source", () => {
  it("names both rates and matches SQL per source, with totals", async () => {
    const r = await s.call("leads_by_source", { limit: 100 });
    expect(r.isError, r.text).toBe(false);
    const want = await expected("l.source");
    expect(r.data.rows.map((x: { source: string }) => x.source).sort()).toEqual([...want.keys()].sort());
    for (const row of r.data.rows) expectLeadRow(row, want.get(row.source) as Counts);
    const all = (await expected("'all'")).get("all") as Counts;
    expectLeadRow(r.data.totals, all);
    expect(r.data.totals.leads).toBe(1000);
    // measured by SQL at seed 42, scale 1: 42 of 227 organic leads became opportunities, 12 were won
    const organic = r.data.rows.find((x: { source: string }) => x.source === "organic");
    expect([organic.leads, organic.opportunities, organic.won]).toEqual([227, 42, 12]);
    expect([organic.lead_to_opportunity_rate, organic.lead_to_won_rate]).toEqual([0.185, 0.053]);
    expect(r.data).not.toHaveProperty("sources");
    expect(JSON.stringify(r.data)).not.toMatch(/win_conversion/);
    // most leads first
    const leads = r.data.rows.map((x: { leads: number }) => x.leads);
    expect(leads).toEqual([...leads].sort((a: number, b: number) => b - a));
  });

  it("matches SQL by cohort month and source over every page, newest cohort first", async () => {
    const rows = await allRows("leads_by_source", { group_by: "month_source" });
    const want = await expected("substr(l.created_at, 1, 7) || '|' || l.source");
    expect(rows.length).toBe(want.size);
    for (const row of rows) expectLeadRow(row, want.get(`${row.month}|${row.source}`) as Counts);
    const months = rows.map((x) => String(x.month));
    expect(months).toEqual([...months].sort().reverse());
    const byMonth = await allRows("leads_by_source", { group_by: "month" });
    const wantMonth = await expected("substr(l.created_at, 1, 7)");
    expect(byMonth.length).toBe(wantMonth.size);
    for (const row of byMonth) expectLeadRow(row, wantMonth.get(String(row.month)) as Counts);
  });

  it("filters by creation date, the end date included", async () => {
    const r = await s.call("leads_by_source", { from: "2026-01-01", to: "2026-06-30", limit: 100 });
    const want = await expected("l.source", "l.created_at >= '2026-01-01' AND l.created_at < '2026-07-01'");
    for (const row of r.data.rows) expectLeadRow(row, want.get(row.source) as Counts);
    expect(r.data.totals.leads).toBe([...want.values()].reduce((t, c) => t + c.leads, 0));
    expect(r.data.meta.inputs).toMatchObject({ from: "2026-01-01", to: "2026-06-30", group_by: "source" });
    expect((await s.call("leads_by_source", { from: "2026-06-30", to: "2026-01-01" })).text).toMatch(
      /from is after to/,
    );
  });

  it("flags cohorts too young to have converted and refuses a cursor from another grouping", async () => {
    const r = await s.call("leads_by_source", { group_by: "month", limit: 2 });
    expect(r.data.meta.caveats.join(" ")).toMatch(
      /younger than the median lead-to-won time \(\d+(\.\d)? days\)/,
    );
    const other = await s.call("leads_by_source", { group_by: "source", cursor: r.data.next_cursor });
    expect(other.isError).toBe(true);
    expect(other.text).toMatch(/cursor/i);
  });

  it("keeps every default page inside the result budget", async () => {
    for (const group_by of ["source", "month", "month_source"])
      for (const name of ["leads_by_source", "funnel_report"]) {
        const r = await s.client.callTool({ name, arguments: { group_by } });
        const tokens = resultTokens(r as never);
        expect(tokens.structured, `${name} ${group_by}`).toBeLessThanOrEqual(1500);
        expect(tokens.text, `${name} ${group_by}`).toBeLessThanOrEqual(1500);
      }
  });
});

describe("funnel_report", () => {
  it("counts each stage, its rate and the measured times like SQL, by source and month", async () => {
    for (const [group_by, key] of [
      ["source", "l.source"],
      ["month_source", "substr(l.created_at, 1, 7) || '|' || l.source"],
    ] as const) {
      const rows = await allRows("funnel_report", { group_by });
      const want = await expected(key);
      expect(rows.length).toBe(want.size);
      for (const row of rows) {
        const c = want.get(
          group_by === "source" ? String(row.source) : `${row.month}|${row.source}`,
        ) as Counts;
        expect(row).toEqual({
          ...(group_by === "month_source" ? { month: row.month } : {}),
          source: row.source,
          leads: c.leads,
          mqls: c.mqls,
          sqls: c.sqls,
          opportunities: c.opps,
          won: c.won,
          lead_to_mql_rate: ratio(c.mqls, c.leads),
          mql_to_sql_rate: ratio(c.sqls, c.mqls),
          sql_to_opportunity_rate: ratio(c.opps, c.sqls),
          opportunity_to_won_rate: ratio(c.won, c.opps),
          days_lead_to_mql: null,
          days_mql_to_sql: null,
          days_sql_to_opportunity: null,
          days_lead_to_opportunity: med(c.toOpp),
          days_opportunity_to_won: med(c.oppToWon),
        });
      }
    }
  });

  it("states what the sandbox cannot date, and totals all leads", async () => {
    const r = await s.call("funnel_report", {});
    expect(r.isError, r.text).toBe(false);
    const all = (await expected("'all'")).get("all") as Counts;
    expect(r.data.totals).toMatchObject({
      leads: 1000,
      mqls: all.mqls,
      sqls: all.sqls,
      opportunities: all.opps,
      won: all.won,
    });
    expect(r.data.totals.days_opportunity_to_won).toBe(med(all.oppToWon));
    expect(r.data.meta.inputs.dated_stages).toBe("opportunity,won");
    const caveats = r.data.meta.caveats.join(" ");
    expect(caveats).toMatch(/No dates recorded for: mql, sql/);
    expect(caveats).toMatch(/no MQL or SQL dates exist/);
    expect(r.data.meta.as_of).toBe(SANDBOX_DEFAULTS.today);
  });
});
