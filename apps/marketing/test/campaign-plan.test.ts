import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSandboxLoaded, SANDBOX_DEFAULTS, sandboxToday } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxMarketing } from "../src/integrations/sandbox/marketing";
import { createMarketingServer } from "../src/server";

// Channel economics are recomputed from sb_campaigns, sb_leads and sb_deals with SQL, never from the tool's code.

type Channel = {
  channel: string;
  campaigns: number;
  spend: number;
  leads: number;
  opps: number;
  pipeline: number;
};
type Range = { low: number; expected: number; high: number };
type PlanRow = {
  channel: string;
  share: number;
  budget: number;
  leads: Range;
  opportunities: Range;
  pipeline: Range;
};

let s: Awaited<ReturnType<typeof connectInProcess>>;
let db: SqlDb;
let dir: string;
let today: string;
let channels: Channel[];

const n = (v: unknown) => Number(v ?? 0);
const r2 = (x: number) => Math.round(x * 100) / 100;

beforeAll(async () => {
  s = await connectInProcess([createMarketingServer()]);
  dir = mkdtempSync(join(tmpdir(), "campaign-plan-test-"));
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db, { seed: SANDBOX_DEFAULTS.seed, scale: SANDBOX_DEFAULTS.scale });
  today = await sandboxToday(db);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT c.channel, COUNT(*) AS campaigns, SUM(c.spend) AS spend, SUM(x.leads) AS leads, SUM(x.opps) AS opps,
       SUM(x.pipeline) AS pipeline
     FROM sb_campaigns c JOIN (
       SELECT c2.id, COUNT(l.id) AS leads, COUNT(d.id) AS opps, COALESCE(SUM(d.amount), 0) AS pipeline
       FROM sb_campaigns c2 LEFT JOIN sb_leads l ON l.campaign_id = c2.id
       LEFT JOIN sb_deals d ON d.id = l.converted_deal_id GROUP BY c2.id
     ) x ON x.id = c.id
     WHERE c.status = 'completed' AND c.end_date < ? AND c.spend > 0
     GROUP BY c.channel ORDER BY c.channel`,
    [today],
  );
  channels = rows.map((r) => ({
    channel: String(r.channel),
    campaigns: n(r.campaigns),
    spend: n(r.spend),
    leads: n(r.leads),
    opps: n(r.opps),
    pipeline: n(r.pipeline),
  }));
}, 120_000);

afterAll(async () => {
  await s.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The credibility-weighted rate per dollar the method states: n/(n+10) own, the rest the all-channel rate. */
function rate(c: Channel, metric: "leads" | "pipeline", set: Channel[]): number {
  const spend = set.reduce((a, x) => a + x.spend, 0);
  const all = set.reduce((a, x) => a + x[metric], 0) / spend;
  const units = metric === "leads" ? c.leads : c.opps;
  const z = units / (units + 10);
  return z * (c[metric] / c.spend) + (1 - z) * all;
}

const base = { start: "2027-01-04", end: "2027-03-31" };

describe("campaign_plan on the sandbox", () => {
  it("reports each channel's history as SQL counts it", async () => {
    const r = await s.call("campaign_plan", { ...base, goal: "pipeline", target: 300000, budget: 60000 });
    expect(r.isError, r.text).toBe(false);
    expect(channels.length).toBeGreaterThan(3);
    expect(r.data.history).toEqual(
      channels.map((c) => ({
        channel: c.channel,
        campaigns: c.campaigns,
        spend: c.spend,
        leads: c.leads,
        opportunities: c.opps,
        pipeline: c.pipeline,
        cost_per_lead: c.leads > 0 ? r2(c.spend / c.leads) : null,
        cost_per_opportunity: c.opps > 0 ? r2(c.spend / c.opps) : null,
        pipeline_per_dollar: r2(c.pipeline / c.spend),
      })),
    );
    expect(r.data.meta.as_of).toBe(today);
    expect(r.data.meta.inputs.campaigns_used).toBe(channels.reduce((a, c) => a + c.campaigns, 0));
  });

  it("splits the budget exactly, at most 40% a channel, in proportion to the goal rate below the cap", async () => {
    for (const goal of ["pipeline", "leads"] as const) {
      const budget = 60000;
      const r = await s.call("campaign_plan", { ...base, goal, target: 1, budget });
      expect(r.isError, r.text).toBe(false);
      const plan = r.data.plan as PlanRow[];
      expect(plan.reduce((a, p) => a + p.budget, 0)).toBe(budget);
      const uncapped = plan.filter((p) => p.share < 0.4 - 1e-6);
      const perRate = uncapped.map((p) => {
        const c = channels.find((x) => x.channel === p.channel) as Channel;
        return p.share / rate(c, goal, channels);
      });
      // shares are rounded to 4 digits: equal within that rounding
      for (const x of perRate) expect(x / (perRate[0] as number)).toBeCloseTo(1, 2);
      for (const p of plan) {
        expect(p.share).toBeLessThanOrEqual(0.4 + 1e-9);
        const c = channels.find((x) => x.channel === p.channel) as Channel;
        // expected figures: the channel's dollars times its stated rate
        expect(p[goal].expected).toBeCloseTo(p.budget * rate(c, goal, channels), 0);
        expect(p[goal].low).toBeLessThanOrEqual(p[goal].high);
      }
      const total = r.data.total[goal] as Range;
      expect(total.expected).toBeCloseTo(
        plan.reduce(
          (a, p) =>
            a + p.budget * rate(channels.find((x) => x.channel === p.channel) as Channel, goal, channels),
          0,
        ),
        0,
      );
      expect(total.low).toBeLessThanOrEqual(total.expected);
      expect(total.high).toBeGreaterThanOrEqual(total.expected);
      expect(r.data.chance_of_target).toBe(1);
    }
  });

  it("says when the budget cannot reach the target, and what budget the mix would need", async () => {
    const r = await s.call("campaign_plan", { ...base, goal: "leads", target: 5000, budget: 20000 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.chance_of_target).toBe(0);
    const expected = (r.data.total.leads as Range).expected;
    expect(r.data.budget_for_target).toBe(Math.round((20000 * 5000) / expected));
    expect(r.data.meta.caveats.join(" ")).toMatch(/unlikely to reach the target: 0% .* about \$[\d,]+/);
  });

  it("flags thin channels, channels without history, audience and extrapolated scale", async () => {
    const r = await s.call("campaign_plan", {
      ...base,
      goal: "pipeline",
      target: 100000,
      budget: 900000,
      channels: ["email", "webinar"],
      audience: "CFOs at mid-market SaaS",
    });
    expect(r.isError, r.text).toBe(false);
    const caveats = r.data.meta.caveats.join(" ");
    const email = channels.find((c) => c.channel === "email") as Channel;
    expect(caveats).toContain(`email (${email.campaigns} campaigns, ${email.opps} opportunities)`);
    expect(caveats).toContain('not those of "CFOs at mid-market SaaS"');
    expect(caveats).toMatch(/above past scale.*email/);
    expect((r.data.plan as PlanRow[]).map((p) => p.channel)).toEqual(["email", "webinar"]);
    // two channels cannot keep to 40% each: the cap gives way to an even split at most
    for (const p of r.data.plan as PlanRow[]) expect(p.share).toBeLessThanOrEqual(0.5);
  });

  it("times opportunities by the median and 75th percentile lead-to-deal days SQL finds", async () => {
    const lags = (
      await db.query<{ d: number }>(
        `SELECT CAST(julianday(substr(d.created_date, 1, 10)) - julianday(substr(l.created_at, 1, 10)) AS INTEGER) AS d
         FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id JOIN sb_campaigns c ON c.id = l.campaign_id
         WHERE c.status = 'completed' AND c.end_date < ? AND c.spend > 0 ORDER BY d`,
        [today],
      )
    ).map((x) => n(x.d));
    const mid =
      lags.length % 2
        ? (lags[(lags.length - 1) / 2] as number)
        : ((lags[lags.length / 2 - 1] as number) + (lags[lags.length / 2] as number)) / 2;
    const p75 = lags[Math.ceil(0.75 * lags.length) - 1] as number;
    const add = (iso: string, d: number) =>
      new Date(Date.parse(`${iso}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
    const r = await s.call("campaign_plan", { ...base, goal: "leads", target: 100, budget: 10000 });
    expect(r.data.timeline).toEqual([
      { phase: "prepare", from: today, to: "2027-01-03" },
      { phase: "in market: leads arrive", from: base.start, to: base.end },
      {
        phase: "opportunities created (median to 75th percentile lead-to-deal days)",
        from: add(base.start, Math.round(mid)),
        to: add(base.end, p75),
      },
    ]);
  });

  it("is repeatable and refuses bad dates and channels with no history, naming the field", async () => {
    const args = { ...base, goal: "pipeline", target: 250000, budget: 50000 };
    const a = await s.call("campaign_plan", args);
    const b = await s.call("campaign_plan", args);
    expect(a.data).toEqual(b.data);
    const past = await s.call("campaign_plan", { ...args, start: "2020-01-01" });
    expect(past.isError).toBe(true);
    expect(past.text).toContain("start");
    const backwards = await s.call("campaign_plan", { ...args, end: "2027-01-01" });
    expect(backwards.isError).toBe(true);
    expect(backwards.text).toContain("end");
    const none = await s.call("campaign_plan", { ...args, budget: -5 });
    expect(none.isError).toBe(true);
    expect(none.text).toContain("budget");
  });
});

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("campaign outcomes port", () => {
  it("reads the same history from the sandbox on PostgreSQL as on SQLite", async () => {
    const schema = `plan_port_${process.pid}_${Date.now()}`;
    const admin = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    const sep = PG_URL.includes("?") ? "&" : "?";
    const pg = await openSql({
      databaseUrl: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      dataDir: tmpdir(),
    });
    try {
      await ensureSandboxLoaded(pg, { seed: SANDBOX_DEFAULTS.seed, scale: SANDBOX_DEFAULTS.scale });
      const fromPg = await new SandboxMarketing(pg).campaignOutcomes();
      const fromSqlite = await new SandboxMarketing(db).campaignOutcomes();
      expect(fromPg.campaigns.length).toBe(30);
      expect(fromPg).toEqual(fromSqlite);
    } finally {
      await pg.close();
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    }
  }, 120_000);
});
