import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSalesServer } from "../src/server";

type Server = Awaited<ReturnType<typeof connectInProcess>>;
interface Row {
  group: string;
  closed: number;
  won: number;
  win_rate: number | null;
  win_rate_dollars: number | null;
  won_dollars: number;
  closed_dollars: number;
  avg_won_deal: number | null;
  median_cycle_days: number | null;
}

const GROUP_SQL: Record<string, string> = {
  type: "d.type",
  segment: "a.size_band",
  owner: "u.name",
  source: "COALESCE((SELECT MIN(l.source) FROM sb_leads l WHERE l.converted_deal_id = d.id), 'none')",
  amount_band: `CASE WHEN d.amount < 10000 THEN '<10k' WHEN d.amount < 30000 THEN '10-30k'
    WHEN d.amount < 100000 THEN '30-100k' ELSE '100k+' END`,
};
const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = Math.floor(a.length / 2);
  return a.length % 2 ? (a[m] as number) : ((a[m - 1] as number) + (a[m] as number)) / 2;
};
const r3 = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);

/** The report's rows straight from the sandbox tables with SQL (no code under test). */
async function rowsBySql(db: SqlDb, by: string, from: string, to: string): Promise<Row[]> {
  const deals = await db.query<{ g: string; won: number; amount: number; days: number }>(
    `SELECT ${GROUP_SQL[by]} AS g, CASE WHEN d.stage = 'closed_won' THEN 1 ELSE 0 END AS won, d.amount,
       CAST(ROUND(julianday(d.close_date) - julianday(substr(d.created_date, 1, 10))) AS INTEGER) AS days
     FROM sb_deals d JOIN sb_accounts a ON a.id = d.account_id JOIN sb_users u ON u.id = d.owner_id
     WHERE d.stage IN ('closed_won', 'closed_lost') AND d.close_date BETWEEN ? AND ?`,
    [from, to],
  );
  const groups = new Map<string, typeof deals>();
  for (const d of deals) groups.set(String(d.g), [...(groups.get(String(d.g)) ?? []), d]);
  return [...groups.entries()].map(([group, ds]) => {
    const won = ds.filter((d) => Number(d.won) === 1);
    const wonDollars = won.reduce((t, d) => t + Number(d.amount), 0);
    const closedDollars = ds.reduce((t, d) => t + Number(d.amount), 0);
    return {
      group,
      closed: ds.length,
      won: won.length,
      win_rate: r3(won.length, ds.length),
      win_rate_dollars: r3(wonDollars, closedDollars),
      won_dollars: wonDollars,
      closed_dollars: closedDollars,
      avg_won_deal: won.length ? Math.round(wonDollars / won.length) : null,
      median_cycle_days: won.length ? median(won.map((d) => Number(d.days))) : null,
    };
  });
}

describe("sales_report on the sandbox, recomputed with SQL", () => {
  let s: Server;
  let db: SqlDb;
  const dir = tempDataDir("sales-report");
  beforeAll(async () => {
    s = await connectInProcess([createSalesServer()], {
      env: { REVOPS_TOOLSETS: "all", REVOPS_DATA_DIR: dir },
    });
    await s.call("deals_list", { limit: 1 }); // loads the company
    db = await openSql({ dataDir: dir });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await db?.close();
  });

  it.each(["type", "segment", "amount_band", "source", "owner"])("matches SQL by %s", async (by) => {
    const r = await s.call("sales_report", { by, from: "2025-10-01", to: "2026-09-30" });
    expect(r.isError, r.text).toBe(false);
    const sortRows = (rows: Row[]) => [...rows].sort((a, b) => a.group.localeCompare(b.group));
    expect(sortRows(r.data.rows)).toEqual(sortRows(await rowsBySql(db, by, "2025-10-01", "2026-09-30")));
    expect(r.data.total.closed).toBe((r.data.rows as Row[]).reduce((t, x) => t + x.closed, 0));
  });

  it("lists loss reasons as the stage lost in, matching SQL", async () => {
    const r = await s.call("sales_report", { from: "2025-10-01", to: "2026-09-30", type: "new_business" });
    expect(r.isError, r.text).toBe(false);
    const lost = await db.query<{ reason: string; n: number; dollars: number }>(
      `SELECT 'lost in ' || h.from_stage AS reason, COUNT(*) AS n, SUM(d.amount) AS dollars
       FROM sb_deals d JOIN sb_deal_stage_history h ON h.deal_id = d.id AND h.to_stage = 'closed_lost'
       WHERE d.stage = 'closed_lost' AND d.type = 'new_business' AND d.close_date BETWEEN ? AND ?
       GROUP BY h.from_stage`,
      ["2025-10-01", "2026-09-30"],
    );
    expect(
      Object.fromEntries(
        (r.data.loss_reasons as { reason: string; deals: number; dollars: number }[]).map((x) => [
          x.reason,
          [x.deals, x.dollars],
        ]),
      ),
    ).toEqual(Object.fromEntries(lost.map((x) => [x.reason, [Number(x.n), Number(x.dollars)]])));
    expect(r.data.meta.caveats.join(" ")).toMatch(/no loss reason/);
  });

  it("names the field of a bad dimension", async () => {
    const r = await s.call("sales_report", { by: "color" });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/by/);
  });
});

// Vendor "today" is the real date: every seeded date is relative to it.
const TODAY = new Date().toISOString().slice(0, 10);
const ago = (n: number) => new Date(Date.parse(TODAY) - n * 86_400_000).toISOString().slice(0, 10);
const PERIOD = { from: ago(30), to: TODAY };

async function vendorServer(env: Record<string, string>): Promise<Server> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  return connectInProcess([createSalesServer()], { env: { REVOPS_TOOLSETS: "all" } });
}
/** One scenario on every vendor: two wins, two losses (one with a recorded reason where the CRM has the field). */
async function expectScenario(s: Server, priceReason: string) {
  const byType = await s.call("sales_report", { ...PERIOD, by: "type" });
  expect(byType.isError, byType.text).toBe(false);
  const pick = (rows: Row[]) =>
    Object.fromEntries(rows.map((r) => [r.group, [r.closed, r.won, r.won_dollars, r.closed_dollars]]));
  expect(pick(byType.data.rows)).toEqual({
    new_business: [3, 1, 10_000, 35_000],
    expansion: [1, 1, 30_000, 30_000],
  });
  expect(byType.data.total).toMatchObject({ closed: 4, won: 2, win_rate: 0.5, win_rate_dollars: 0.615 });
  expect(byType.data.loss_reasons).toEqual([
    { reason: priceReason, deals: 1, dollars: 20_000 },
    { reason: "lost in prospecting", deals: 1, dollars: 5_000 },
  ]);
  const bySegment = await s.call("sales_report", { ...PERIOD, by: "segment" });
  expect(pick(bySegment.data.rows)).toEqual({
    "1-50": [3, 1, 10_000, 35_000],
    "201-1000": [1, 1, 30_000, 30_000],
  });
  expect(bySegment.data.rows.find((r: Row) => r.group === "201-1000")?.median_cycle_days).toBe(60);
}

describe("sales_report on Salesforce (jsforce)", () => {
  let s: Server;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const sfTime = (n: number) => `${ago(n)}T10:00:00.000+0000`;
    const opp = (
      Name: string,
      StageName: string,
      Amount: number,
      Type: string,
      account: string,
      created: number,
    ) => ({
      Name,
      StageName,
      Amount,
      Type,
      AccountId: account,
      CloseDate: ago(10),
      CreatedDate: sfTime(created),
      LeadSource: "Web",
    });
    // ids: the user 1, accounts 2 and 3, then the opportunities
    const fake = await startSalesforceFake({
      User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
      Account: [
        { Name: "Small Co", NumberOfEmployees: 30 },
        { Name: "Mid Co", NumberOfEmployees: 500 },
      ],
      Opportunity: [
        opp("W1", "Closed Won", 10_000, "New Customer", "001000000000000002", 40),
        opp("W2", "Closed Won", 30_000, "Existing Customer - Upgrade", "001000000000000003", 70),
        opp("L1", "Closed Lost", 20_000, "New Customer", "001000000000000002", 50),
        opp("L2", "Closed Lost", 5_000, "New Customer", "001000000000000002", 20),
        opp("Open", "Prospecting", 99_000, "New Customer", "001000000000000002", 20),
      ],
      OpportunityHistory: [
        { opportunity: 2, StageName: "Prospecting", CreatedDate: sfTime(50) },
        { opportunity: 2, StageName: "Proposal/Price Quote", CreatedDate: sfTime(30) },
        { opportunity: 2, StageName: "Closed Lost", CreatedDate: sfTime(10) },
        { opportunity: 3, StageName: "Prospecting", CreatedDate: sfTime(20) },
        { opportunity: 3, StageName: "Closed Lost", CreatedDate: sfTime(10) },
      ],
    });
    s = await vendorServer({
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: "00D-static-token",
      REVOPS_TEST_VENDOR_BASE_URL: fake.url,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    });
    close = () => fake.close();
  });
  afterAll(async () => {
    await s?.close();
    await close?.();
    vi.unstubAllEnvs();
  });

  it("reports by type and segment, losses by the stage before Closed Lost", () =>
    expectScenario(s, "lost in proposal"));
});

describe("sales_report on HubSpot (@hubspot/api-client)", () => {
  let s: Server;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const hsTime = (n: number) => `${ago(n)}T10:00:00.000Z`;
    const deal = (
      dealname: string,
      dealstage: string,
      amount: number,
      dealtype: string,
      created: number,
    ) => ({
      dealname,
      dealstage,
      amount: String(amount),
      dealtype,
      closedate: `${ago(10)}T00:00:00Z`,
      createdate: hsTime(created),
      hs_analytics_source: "ORGANIC_SEARCH",
    });
    const fake = await startHubSpotFake({
      companies: [
        { name: "Small Co", numberofemployees: "30" },
        { name: "Mid Co", numberofemployees: "500" },
      ],
      deals: [
        deal("W1", "closedwon", 10_000, "newbusiness", 40),
        deal("W2", "closedwon", 30_000, "existingbusiness", 70),
        { ...deal("L1", "closedlost", 20_000, "newbusiness", 50), closed_lost_reason: "Price" },
        deal("L2", "closedlost", 5_000, "newbusiness", 20),
        deal("Open", "appointmentscheduled", 99_000, "newbusiness", 20),
      ],
      // deals are numbered first (1001–1005), then the companies (1006, 1007)
      associations: [
        ["deals", "1001", "companies", "1006"],
        ["deals", "1002", "companies", "1007"],
        ["deals", "1003", "companies", "1006"],
        ["deals", "1004", "companies", "1006"],
      ],
      dealHistory: [
        ["1004", "dealstage", "appointmentscheduled", hsTime(20)],
        ["1004", "dealstage", "closedlost", hsTime(10)],
      ],
    });
    s = await vendorServer({
      SALES_CRM: "hubspot",
      HUBSPOT_ACCESS_TOKEN: "pat-test",
      REVOPS_TEST_VENDOR_BASE_URL: fake.url,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    });
    close = () => fake.close();
  });
  afterAll(async () => {
    await s?.close();
    await close?.();
    vi.unstubAllEnvs();
  });

  it("reports by type and segment, losses by closed_lost_reason, else the stage before", () =>
    expectScenario(s, "Price"));
});
