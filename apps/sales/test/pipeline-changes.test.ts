import { SandboxCrm, sandboxToday } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSalesServer } from "../src/server";

type Server = Awaited<ReturnType<typeof connectInProcess>>;
interface Bucket {
  bucket: string;
  deals: number;
  dollars: number;
  by_type: Record<string, { deals: number; dollars: number }>;
  examples: { id: string; name: string; detail: string }[];
}
const OPEN = "'prospecting', 'qualification', 'proposal', 'negotiation'";
const RANK = (col: string) =>
  `CASE ${col} WHEN 'prospecting' THEN 0 WHEN 'qualification' THEN 1 WHEN 'proposal' THEN 2 WHEN 'negotiation' THEN 3 END`;

/** Every bucket's deals and dollars per type, straight from the sandbox tables with SQL (no code under test). */
async function bucketsBySql(db: SqlDb, from: string, to: string, today: string) {
  const stageAt = (op: string) =>
    `(SELECT h.to_stage FROM sb_deal_stage_history h WHERE h.deal_id = d.id AND substr(h.changed_at, 1, 10) ${op} ?
      ORDER BY h.changed_at DESC, h.id DESC LIMIT 1)`;
  const push = `EXISTS (SELECT 1 FROM sb_changes c WHERE c.entity = 'deal' AND c.record_id = d.id AND c.field = 'close_date'
      AND substr(c.at, 1, 10) BETWEEN ? AND ? AND substr(c.before_value, 2, 10) BETWEEN ? AND ? AND substr(c.after_value, 2, 10) > ?)`;
  const rows = await db.query<Record<string, unknown>>(
    `SELECT x.type, bucket, COUNT(*) AS deals, SUM(x.dollars) AS dollars FROM (
       SELECT type, 'new' AS bucket, amount AS dollars FROM sb_deals d WHERE created_date BETWEEN ? AND ?
       UNION ALL SELECT type, 'advanced', amount FROM (SELECT d.*, ${stageAt("<")} AS st, ${stageAt("<=")} AS en FROM sb_deals d) d
         WHERE st IN (${OPEN}) AND en IN (${OPEN}) AND ${RANK("en")} > ${RANK("st")}
       UNION ALL SELECT type, CASE en WHEN 'closed_won' THEN 'won' ELSE 'lost' END, amount
         FROM (SELECT d.*, ${stageAt("<")} AS st, ${stageAt("<=")} AS en FROM sb_deals d) d
         WHERE en IN ('closed_won', 'closed_lost') AND (st IS NULL OR st <> en)
       UNION ALL SELECT type, 'slipped', amount FROM (SELECT d.*, ${stageAt("<=")} AS en FROM sb_deals d) d
         WHERE ${push} OR (en IN (${OPEN}) AND close_date BETWEEN ? AND ? AND close_date < ?)
       UNION ALL SELECT d.type, 'amount_changed', SUM(CAST(c.after_value AS INTEGER) - CAST(c.before_value AS INTEGER))
         FROM sb_changes c JOIN sb_deals d ON d.id = c.record_id
         WHERE c.entity = 'deal' AND c.field = 'amount' AND substr(c.at, 1, 10) BETWEEN ? AND ?
         GROUP BY d.id, d.type HAVING SUM(CAST(c.after_value AS INTEGER) - CAST(c.before_value AS INTEGER)) <> 0
     ) x GROUP BY x.type, bucket`,
    [from, to, from, to, from, to, to, from, to, from, to, to, from, to, today, from, to],
  );
  const out: Record<string, Record<string, { deals: number; dollars: number }>> = {};
  for (const r of rows) {
    const b = String(r.bucket);
    out[b] = { ...out[b], [String(r.type)]: { deals: Number(r.deals), dollars: Number(r.dollars) } };
  }
  return out;
}

const byType = (buckets: Bucket[]) =>
  Object.fromEntries(
    buckets
      .filter((b) => b.deals > 0)
      .map((b) => [b.bucket, Object.fromEntries(Object.entries(b.by_type).filter(([, v]) => v.deals > 0))]),
  );

describe("pipeline_changes on the sandbox, recomputed with SQL", () => {
  let s: Server;
  let db: SqlDb;
  let today: string;
  const dir = tempDataDir("pipeline-changes");
  beforeAll(async () => {
    s = await connectInProcess([createSalesServer()], {
      env: { REVOPS_TOOLSETS: "all", REVOPS_DATA_DIR: dir },
    });
    await s.call("deals_list", { limit: 1 }); // loads the company
    db = await openSql({ dataDir: dir });
    today = await sandboxToday(db);
    // a close date pushed out of this week and an amount cut, journalled like any tool write
    const crm = new SandboxCrm(db);
    const week = (await crm.listDeals({ status: "open", closeFrom: today, closeTo: today, limit: 1 }))
      .rows[0];
    const open = (await crm.listDeals({ status: "open", limit: 2 })).rows;
    const origin = { principal: "test" };
    const target = week ?? open[0];
    if (target) await crm.updateDeal(target.id, { closeDate: "2099-01-31" }, origin);
    if (open[1]) await crm.updateDeal(open[1].id, { amount: Math.max(0, open[1].amount - 1_000) }, origin);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await db?.close();
  });

  it("matches SQL for the last 7 days (the default) with the writes in it", async () => {
    const r = await s.call("pipeline_changes", {});
    expect(r.isError, r.text).toBe(false);
    const from = r.data.from as string;
    expect(r.data.to).toBe(today);
    expect(byType(r.data.buckets)).toEqual(await bucketsBySql(db, from, today, today));
    const amount = (r.data.buckets as Bucket[]).find((b) => b.bucket === "amount_changed");
    expect(amount?.dollars).toBe(-1_000);
    expect(r.data.meta).toMatchObject({ as_of: today, source: "sandbox" });
  });

  it("matches SQL for a past quarter, split by deal type, with examples", async () => {
    const r = await s.call("pipeline_changes", { from: "2026-07-01", to: "2026-09-30", examples: 2 });
    expect(r.isError, r.text).toBe(false);
    const buckets = r.data.buckets as Bucket[];
    expect(byType(buckets)).toEqual(await bucketsBySql(db, "2026-07-01", "2026-09-30", today));
    for (const b of buckets) {
      expect(b.examples.length).toBe(Math.min(2, b.deals));
      expect(b.deals).toBe(Object.values(b.by_type).reduce((t, v) => t + v.deals, 0));
    }
    expect(buckets.find((b) => b.bucket === "won")?.deals).toBeGreaterThan(0);
  });

  it("names the fields of a backwards period", async () => {
    const r = await s.call("pipeline_changes", { from: "2026-10-02", to: "2026-10-01" });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/from/);
  });
});

// Vendor "today" is the real date: every seeded date is relative to it.
const TODAY = new Date().toISOString().slice(0, 10);
const ago = (n: number) => new Date(Date.parse(TODAY) - n * 86_400_000).toISOString().slice(0, 10);
const sfTime = (n: number) => `${ago(n)}T10:00:00.000+0000`;
const hsTime = (n: number) => `${ago(n)}T10:00:00.000Z`;
const PERIOD = { from: ago(10), to: ago(3) };
/** One scenario on every vendor: what each deal's history did within PERIOD. */
const EXPECTED = {
  new: [1, 5_000],
  advanced: [1, 10_000],
  won: [1, 20_000],
  lost: [0, 0],
  slipped: [1, 7_000],
  amount_changed: [1, -10_000],
};

async function vendorServer(env: Record<string, string>): Promise<Server> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  return connectInProcess([createSalesServer()], { env: { REVOPS_TOOLSETS: "all" } });
}
const expectScenario = async (s: Server) => {
  const r = await s.call("pipeline_changes", PERIOD);
  expect(r.isError, r.text).toBe(false);
  expect(
    Object.fromEntries((r.data.buckets as Bucket[]).map((b) => [b.bucket, [b.deals, b.dollars]])),
  ).toEqual(EXPECTED);
  const detail = (b: string) => (r.data.buckets as Bucket[]).find((x) => x.bucket === b)?.examples[0]?.detail;
  expect(detail("advanced")).toBe("prospecting → proposal");
  expect(detail("slipped")).toBe(`close date ${ago(5)} → ${ago(-30)}`);
};

describe("pipeline_changes on Salesforce (OpportunityHistory through jsforce)", () => {
  let s: Server;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const opp = (Name: string, StageName: string, Amount: number, created: number, CloseDate = ago(-60)) => ({
      Name,
      StageName,
      Amount,
      CloseDate,
      Type: "New Customer",
      CreatedDate: sfTime(created),
    });
    const fake = await startSalesforceFake({
      User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
      Opportunity: [
        opp("Advance", "Proposal/Price Quote", 10_000, 60),
        opp("Won", "Closed Won", 20_000, 90, ago(4)),
        opp("Fresh", "Prospecting", 5_000, 6),
        opp("Pushed", "Qualification", 7_000, 50, ago(-30)),
        opp("Cut", "Qualification", 30_000, 50),
        opp("Quiet", "Prospecting", 1_000, 100),
      ],
      OpportunityHistory: [
        { opportunity: 0, StageName: "Prospecting", Amount: 10_000, CreatedDate: sfTime(60) },
        { opportunity: 0, StageName: "Proposal/Price Quote", Amount: 10_000, CreatedDate: sfTime(5) },
        { opportunity: 1, StageName: "Negotiation/Review", Amount: 20_000, CreatedDate: sfTime(90) },
        { opportunity: 1, StageName: "Closed Won", Amount: 20_000, CreatedDate: sfTime(4) },
        { opportunity: 2, StageName: "Prospecting", Amount: 5_000, CreatedDate: sfTime(6) },
        {
          opportunity: 3,
          StageName: "Qualification",
          Amount: 7_000,
          CloseDate: ago(5),
          CreatedDate: sfTime(50),
        },
        {
          opportunity: 3,
          StageName: "Qualification",
          Amount: 7_000,
          CloseDate: ago(-30),
          CreatedDate: sfTime(8),
        },
        { opportunity: 4, StageName: "Qualification", Amount: 40_000, CreatedDate: sfTime(50) },
        { opportunity: 4, StageName: "Qualification", Amount: 30_000, CreatedDate: sfTime(7) },
        { opportunity: 5, StageName: "Prospecting", Amount: 1_000, CreatedDate: sfTime(100) },
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

  it("classifies the period's stage, close-date and amount history", () => expectScenario(s));
});

describe("pipeline_changes on HubSpot (propertiesWithHistory through @hubspot/api-client)", () => {
  let s: Server;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const deal = (
      dealname: string,
      dealstage: string,
      amount: number,
      created: number,
      close = ago(-60),
    ) => ({
      dealname,
      dealstage,
      amount: String(amount),
      closedate: `${close}T00:00:00Z`,
      dealtype: "newbusiness",
      createdate: hsTime(created),
    });
    const fake = await startHubSpotFake({
      deals: [
        deal("Advance", "presentationscheduled", 10_000, 60),
        deal("Won", "closedwon", 20_000, 90, ago(4)),
        deal("Fresh", "appointmentscheduled", 5_000, 6),
        deal("Pushed", "qualifiedtobuy", 7_000, 50, ago(-30)),
        deal("Cut", "qualifiedtobuy", 30_000, 50),
        deal("Quiet", "appointmentscheduled", 1_000, 100),
      ],
      dealHistory: [
        ["1001", "dealstage", "appointmentscheduled", hsTime(60)],
        ["1001", "dealstage", "presentationscheduled", hsTime(5)],
        ["1002", "dealstage", "contractsent", hsTime(90)],
        ["1002", "dealstage", "closedwon", hsTime(4)],
        ["1004", "closedate", `${ago(5)}T00:00:00Z`, hsTime(50)],
        ["1004", "closedate", `${ago(-30)}T00:00:00Z`, hsTime(8)],
        ["1005", "amount", "40000", hsTime(50)],
        ["1005", "amount", "30000", hsTime(7)],
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

  it("classifies the period's stage, close-date and amount history", () => expectScenario(s));
});

describe("pipeline_changes on HubSpot with more deals than one history batch", () => {
  it("reads property history 50 deals a call, as HubSpot requires", async () => {
    const fake = await startHubSpotFake({
      deals: Array.from({ length: 120 }, (_, i) => ({
        dealname: `Deal ${i}`,
        dealstage: "appointmentscheduled",
        amount: "1000",
        closedate: `${ago(-60)}T00:00:00Z`,
        createdate: hsTime(5),
      })),
    });
    const s = await vendorServer({
      SALES_CRM: "hubspot",
      HUBSPOT_ACCESS_TOKEN: "pat-test",
      REVOPS_TEST_VENDOR_BASE_URL: fake.url,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    });
    try {
      const r = await s.call("pipeline_changes", PERIOD);
      expect(r.isError, r.text).toBe(false);
      expect((r.data.buckets as Bucket[]).find((b) => b.bucket === "new")?.deals).toBe(120);
      const batches = fake.requests.filter((q) => q.path === "/crm/v3/objects/deals/batch/read");
      expect(batches.map((q) => (JSON.parse(q.body) as { inputs: unknown[] }).inputs.length)).toEqual([
        50, 50, 20,
      ]);
    } finally {
      await s.close();
      await fake.close();
      vi.unstubAllEnvs();
    }
  });
});
