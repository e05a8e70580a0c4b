import { openSql, type SqlDb } from "@revops/store";
import {
  connectInProcess,
  type RunningFake,
  type SalesforceState,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSalesServer } from "../src/server";

// Vendor "today" is the real date: the quarter and every seeded date follow it, so no figure depends on when this runs.
const TODAY = new Date().toISOString().slice(0, 10);
const YEAR = Number(TODAY.slice(0, 4));
const Q = Math.floor((Number(TODAY.slice(5, 7)) - 1) / 3) + 1;
const QUARTER = `${YEAR}-Q${Q}`;
const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const MONTHS = [0, 1, 2].map((i) => ({
  start: iso(YEAR, (Q - 1) * 3 + 1 + i, 1),
  end: iso(YEAR, (Q - 1) * 3 + 2 + i, 0),
}));
const [FROM, TO] = [MONTHS[0]?.start as string, MONTHS[2]?.end as string];
const DAY = 86_400_000;
const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / DAY + 1;

/** The test's own reading of Salesforce's picklists (not the adapter's tables). */
const STAGE: Record<string, string> = {
  Prospecting: "prospecting",
  "Proposal/Price Quote": "proposal",
  "Negotiation/Review": "negotiation",
  "Closed Won": "closed_won",
  "Closed Lost": "closed_lost",
};
const TYPE: Record<string, string> = {
  "New Customer": "new_business",
  "Existing Customer - Upgrade": "expansion",
  "Existing Customer - Renewal": "renewal",
};
const PROBABILITY: Record<string, number> = {
  prospecting: 10,
  qualification: 25,
  proposal: 50,
  negotiation: 75,
};
const pct = (n: number) => Math.round(n * 1000) / 10;

describe("quota_attainment over Salesforce through the MCP client: CRM quotas, configured ones fill the rest", () => {
  let fake: RunningFake<SalesforceState>;
  let s: Awaited<ReturnType<typeof connectInProcess>>;
  let db: SqlDb;
  let ids: Record<string, string>;
  const dir = tempDataDir("quota-vendor");

  beforeAll(async () => {
    const deal = (owner: number, StageName: string, Type: string, Amount: number, CloseDate: string) => ({
      Name: `${StageName} ${Type} ${Amount}`,
      StageName,
      Type,
      Amount,
      CloseDate,
      owner,
    });
    const deals = [
      deal(0, "Closed Won", "New Customer", 40_000, FROM),
      deal(0, "Closed Won", "Existing Customer - Upgrade", 15_000, TO),
      deal(0, "Closed Won", "Existing Customer - Renewal", 70_000, FROM),
      deal(0, "Negotiation/Review", "New Customer", 20_000, TO),
      deal(1, "Closed Won", "New Customer", 30_000, FROM),
      deal(1, "Proposal/Price Quote", "Existing Customer - Upgrade", 10_000, TO),
      deal(1, "Closed Lost", "New Customer", 99_000, FROM),
      deal(2, "Closed Won", "New Customer", 5_000, FROM),
      deal(2, "Prospecting", "New Customer", 50_000, FROM),
    ];
    fake = await startSalesforceFake({
      User: [
        { Name: "Ada Lovelace", Email: "ada@example.com" },
        { Name: "Brian Kernighan", Email: "bk@example.com" },
        { Name: "Cleo Park", Email: "cleo@example.com" },
      ],
      Opportunity: deals.map(({ owner: _, ...d }) => d),
      forecasts: {
        // Ada: three monthly periods; Brian: a yearly one that the quarter takes its days' share of; Cleo: none
        Period: [
          ...MONTHS.map((m) => ({ StartDate: m.start, EndDate: m.end, Type: "Month" })),
          { StartDate: iso(YEAR, 1, 1), EndDate: iso(YEAR, 12, 31), Type: "Year" },
        ],
        ForecastingQuota: [
          { owner: 0, period: 0, QuotaAmount: 20_000 },
          { owner: 0, period: 1, QuotaAmount: 25_000 },
          { owner: 0, period: 2, QuotaAmount: 30_000 },
          { owner: 1, period: 3, QuotaAmount: 400_000 },
        ],
      },
    });
    const users = [...(fake.state.objects.User?.values() ?? [])];
    ids = Object.fromEntries(users.map((u) => [String(u.Name), u.Id]));
    [...(fake.state.objects.Opportunity?.values() ?? [])].forEach((o, i) => {
      o.OwnerId = users[deals[i]?.owner as number]?.Id;
    });
    vi.stubEnv("SALES_CRM", "salesforce");
    vi.stubEnv("SALESFORCE_ACCESS_TOKEN", "00D-static-token");
    vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
    vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
    s = await connectInProcess([createSalesServer()], {
      env: { REVOPS_TOOLSETS: "planning", REVOPS_DATA_DIR: dir },
    });
    await s.call("pipeline_settings", {}); // creates the settings tables beside the vendor CRM
    db = await openSql({ dataDir: dir });
    // configured quotas: Cleo's fills the CRM's gap; Ada's differs from her CRM quota, which wins
    for (const [name, amount] of [
      ["Cleo Park", 12_000],
      ["Ada Lovelace", 1_000],
    ] as const)
      await db.run(
        "INSERT INTO sb_quotas (owner_id, quarter, amount, updated_at, principal) VALUES (?, ?, ?, ?, ?)",
        [ids[name], QUARTER, amount, `${TODAY}T00:00:00Z`, "test"],
      );
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await db?.close();
    await fake?.close();
    vi.unstubAllEnvs();
  });

  /** Every figure from the fake's raw rows (Opportunity, ForecastingQuota, Period) and sb_quotas, by hand. */
  async function expected() {
    const periods = new Map([...(fake.state.objects.Period?.values() ?? [])].map((p) => [p.Id, p]));
    const crm = new Map<string, number>();
    for (const q of fake.state.objects.ForecastingQuota?.values() ?? []) {
      const p = periods.get(String(q.PeriodId));
      const [ps, pe] = [String(p?.StartDate), String(p?.EndDate)];
      const inside = days([ps, FROM].sort()[1] as string, [pe, TO].sort()[0] as string);
      const owner = String(q.QuotaOwnerId);
      crm.set(owner, (crm.get(owner) ?? 0) + (Number(q.QuotaAmount) * inside) / days(ps, pe));
    }
    const configured = await db.query<{ owner_id: string; amount: number }>(
      "SELECT owner_id, amount FROM sb_quotas WHERE quarter = ?",
      [QUARTER],
    );
    const quota = new Map<string, { amount: number; source: string }>();
    // only the org's users: the sandbox's own seeded quotas share this data directory
    const users = new Set(Object.values(ids));
    for (const c of configured.filter((c) => users.has(c.owner_id)))
      quota.set(c.owner_id, { amount: Number(c.amount), source: "configured" });
    for (const [o, a] of crm) quota.set(o, { amount: Math.round(a), source: "crm" });
    const opps = [...(fake.state.objects.Opportunity?.values() ?? [])].map((o) => ({
      owner: String(o.OwnerId),
      stage: STAGE[String(o.StageName)] as string,
      type: TYPE[String(o.Type)] as string,
      amount: Number(o.Amount),
    }));
    const line = (mine: typeof opps, q: number | null) => {
      const won = (t: string) =>
        mine.filter((d) => d.stage === "closed_won" && d.type === t).reduce((s, d) => s + d.amount, 0);
      const open = mine.filter((d) => !d.stage.startsWith("closed") && d.type !== "renewal");
      const bookings = won("new_business") + won("expansion");
      const pipeline = open.reduce((s, d) => s + d.amount, 0);
      const weighted = Math.round(
        open.reduce((s, d) => s + (d.amount * (PROBABILITY[d.stage] ?? 0)) / 100, 0),
      );
      const gap = q === null ? null : Math.max(0, q - bookings);
      return {
        bookings,
        renewal: won("renewal"),
        quota: q,
        attainment_pct: q ? pct(bookings / q) : null,
        open_pipeline: pipeline,
        weighted_pipeline: weighted,
        gap,
        coverage: gap ? Math.round((pipeline / gap) * 100) / 100 : null,
        projected_attainment_pct: q ? pct((bookings + weighted) / q) : null,
      };
    };
    const reps = Object.values(ids)
      .sort()
      .map((id) => ({
        owner_id: id,
        quota_source: quota.get(id)?.source ?? null,
        ...line(
          opps.filter((d) => d.owner === id),
          quota.get(id)?.amount ?? null,
        ),
      }));
    const team = line(
      opps,
      [...quota.values()].reduce((t, q) => t + q.amount, 0),
    );
    return { reps, team };
  }

  it("takes each rep's quota from the CRM where it has one (monthly summed, yearly prorated), else configured", async () => {
    const r = await s.call("quota_attainment", {});
    expect(r.isError, r.text).toBe(false);
    expect(r.data.quarter).toBe(QUARTER);
    const want = await expected();
    // biome-ignore lint/suspicious/noExplicitAny: the structured result is compared field by field
    const got = r.data.reps.map((l: any) => ({
      owner_id: l.owner_id,
      quota_source: l.quota_source,
      bookings: l.bookings,
      renewal: l.won.renewal,
      quota: l.quota,
      attainment_pct: l.attainment_pct,
      open_pipeline: l.open_pipeline,
      weighted_pipeline: l.weighted_pipeline,
      gap: l.gap,
      coverage: l.coverage,
      projected_attainment_pct: l.projected_attainment_pct,
    }));
    expect(got).toEqual(want.reps);
    const { renewal, ...team } = want.team;
    expect(r.data.team).toMatchObject({ ...team, won: { renewal } });
    expect(got.map((l: { quota_source: string }) => l.quota_source)).toEqual(
      Object.keys(ids)
        .sort((a, b) => String(ids[a]).localeCompare(String(ids[b])))
        .map((n) => (n === "Cleo Park" ? "configured" : "crm")),
    );
    const caveats = r.data.meta.caveats.join(" ");
    expect(caveats).toMatch(
      /Quotas of 2 reps come from Salesforce Collaborative Forecasts quotas \(ForecastingQuota\)/,
    );
    expect(caveats).toMatch(/one reaching outside it counts by its share of days inside/);
    expect(caveats).toMatch(/The CRM's quota is used over a different configured one for Ada Lovelace/);
    expect(r.data.meta.inputs.quota_source).toBe(
      "Salesforce Collaborative Forecasts quotas (ForecastingQuota): 2 reps (4 periods); pipeline_settings: 1 reps",
    );
    expect(r.text).toMatch(/Cleo Park: .*\(configured\)/);
  });

  it("falls back to configured quotas, and says why, when Collaborative Forecasts is off", async () => {
    const saved = { ...fake.state.objects };
    for (const o of ["ForecastingQuota", "Period", "ForecastingType"]) delete fake.state.objects[o];
    try {
      const r = await s.call("quota_attainment", { quarter: QUARTER });
      expect(r.isError, r.text).toBe(false);
      const byId = new Map(r.data.reps.map((l: { owner_id: string }) => [l.owner_id, l]));
      expect(byId.get(ids["Ada Lovelace"] as string)).toMatchObject({
        quota: 1_000,
        quota_source: "configured",
      });
      expect(byId.get(ids["Brian Kernighan"] as string)).toMatchObject({ quota: null, quota_source: null });
      expect(r.data.meta.caveats.join(" ")).toMatch(
        /INVALID_TYPE for ForecastingQuota: Collaborative Forecasts is off.*Quotas come from pipeline_settings/,
      );
    } finally {
      Object.assign(fake.state.objects, saved);
    }
  });
});
