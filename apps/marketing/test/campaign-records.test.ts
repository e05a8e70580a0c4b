import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

// campaign_get, campaign_save and pacing_report through the official MCP client behind the real guard; figures
// recomputed from the sandbox tables with SQL, pipeline checked against attribution and campaign_performance.

const config = guardConfig({
  CONFIRMATION_MODE: "approval",
  SPEND_CAP_PER_CALL: 5000,
  SPEND_CAP_PER_CAMPAIGN: 8000,
  SPEND_CAP_PER_DAY: 10000,
  SPEND_CAP_PER_MONTH: 50000,
});

let guardSql: SqlDb;
let kv: KeyValue;
let data: SqlDb;
let mcp: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;
let today: string;

const n = (v: unknown) => Number(v ?? 0);
const call = async (tool: string, args: Record<string, unknown>) => {
  const r = await mcp.call(tool, args);
  return { ...r, data: r.data ?? {} };
};
async function approveAndRun(tool: string, args: Record<string, unknown>) {
  const queued = await call(tool, args);
  const id = approvalIdIn(queued.text) as string;
  expect(id, queued.text).toBeDefined();
  await admin.approve(id, "marketing-director");
  return { id, done: await call(tool, { ...args, approval_id: id }) };
}
const campaign = (id: string) =>
  data.one<Record<string, unknown>>("SELECT * FROM sb_campaigns WHERE id = ?", [id]);

beforeAll(async () => {
  const dataDir = tempDataDir("campaign-records");
  guardSql = await openSql({ dataDir: tempDataDir("campaign-records-guard") });
  kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv });
  mcp = await connectGuarded({
    modules: [createMarketingServer()],
    guard,
    env: { REVOPS_DATA_DIR: dataDir },
  });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
  await call("campaigns_list", {}); // loads the sandbox company
  data = await openSql({ dataDir });
  today = String((await data.one<{ today: string }>("SELECT today FROM sb_meta"))?.today);
}, 120_000);

afterAll(async () => {
  await mcp?.close();
  await data?.close();
  await guardSql?.close();
  await kv?.close();
});

describe("campaign_get", () => {
  it("gives the campaign as the tables hold it, and the pipeline attribution and campaign_performance give", async () => {
    const top = await call("campaign_performance", { rank_by: "pipeline", top: 1 });
    const id = String(top.data.campaigns[0].id);
    const r = await call("campaign_get", { campaign_id: id });
    expect(r.isError, r.text).toBe(false);
    const c = await campaign(id);
    const touches = await data.query<{ touch_type: string; n: number }>(
      "SELECT touch_type, COUNT(*) AS n FROM sb_campaign_touches WHERE campaign_id = ? GROUP BY touch_type ORDER BY COUNT(*) DESC, touch_type",
      [id],
    );
    expect(r.data).toMatchObject({
      id,
      name: c?.name,
      channel: c?.channel,
      status: c?.status,
      start_date: c?.start_date,
      end_date: c?.end_date,
      budget: n(c?.budget),
      spend: n(c?.spend),
      allocated: 0,
      remaining: n(c?.budget) - n(c?.spend),
      touches: touches.map((t) => ({ type: t.touch_type, count: n(t.n) })),
      assets: [],
    });
    const attribution = await call("attribution", { top: 50 });
    const credited = attribution.data.campaigns.find((x: { id: string }) => x.id === id);
    expect(r.data.pipeline).toMatchObject({
      model: "linear",
      pipeline: top.data.campaigns[0].pipeline,
      revenue: top.data.campaigns[0].revenue,
    });
    if (credited) expect(r.data.pipeline.pipeline).toBe(credited.pipeline);
    expect(r.data.meta.caveats.join(" ")).toContain("links no assets");
  });

  it("names the field when the campaign does not exist", async () => {
    const r = await call("campaign_get", { campaign_id: "cmp_9999" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("campaign_id");
  });
});

describe("campaign_save on the sandbox", () => {
  it("a dry run shows each field before → after from a fresh read and writes nothing", async () => {
    const c = await data.one<Record<string, unknown>>(
      "SELECT * FROM sb_campaigns WHERE status = 'planned' ORDER BY id",
    );
    const r = await call("campaign_save", { campaign_id: c?.id, status: "active", dry_run: true });
    expect(r.isError, r.text).toBeFalsy();
    expect(r.data.plan).toMatchObject({
      action: "update",
      record_type: "campaign",
      changes: [{ field: "status", before: "planned", after: "active" }],
      counts_toward_caps: false,
    });
    expect((await campaign(String(c?.id)))?.status).toBe("planned");
  });

  it("an approved change lands once, journalled; the approval cannot be reused", async () => {
    const c = await data.one<Record<string, unknown>>(
      "SELECT * FROM sb_campaigns WHERE status = 'planned' ORDER BY id",
    );
    const args = { campaign_id: c?.id, status: "active", name: `${c?.name} (relaunch)` };
    const { id, done } = await approveAndRun("campaign_save", args);
    expect(done.isError, done.text).toBe(false);
    expect(done.data).toMatchObject({ campaign_id: c?.id, action: "updated", recovered: false });
    expect(done.data.changes).toEqual([
      { field: "name", before: c?.name, after: `${c?.name} (relaunch)` },
      { field: "status", before: "planned", after: "active" },
    ]);
    expect(await campaign(String(c?.id))).toMatchObject({ status: "active", name: `${c?.name} (relaunch)` });
    const again = await call("campaign_save", { ...args, approval_id: id });
    expect(again.isError).toBe(true);
    const journal = await data.query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE entity = 'campaign' AND record_id = ? ORDER BY field",
      [c?.id],
    );
    expect(journal.map((j) => j.field)).toEqual(["name", "status"]);
  });

  it("a budget increase is a spend plan checked against the caps; within them it lands", async () => {
    const c = await data.one<Record<string, unknown>>(
      "SELECT * FROM sb_campaigns WHERE status = 'active' ORDER BY id",
    );
    const over = await call("campaign_save", {
      campaign_id: c?.id,
      budget: n(c?.budget) + 6000,
      dry_run: true,
    });
    expect(over.isError).toBe(true);
    expect(over.text).toContain("per-call cap");
    const plan = await call("campaign_save", {
      campaign_id: c?.id,
      budget: n(c?.budget) + 1500,
      dry_run: true,
    });
    expect(plan.data.plan).toMatchObject({ amount: 1500, campaign_id: c?.id, counts_toward_caps: true });
    expect(plan.data.approval_required.join(" ")).toContain("moves money");
    const { done } = await approveAndRun("campaign_save", {
      campaign_id: c?.id,
      budget: n(c?.budget) + 1500,
    });
    expect(done.isError, done.text).toBe(false);
    expect(n((await campaign(String(c?.id)))?.budget)).toBe(n(c?.budget) + 1500);
  });

  it("creates a campaign that campaign_get then reads; a taken name or bad dates name the field", async () => {
    const args = {
      name: "Winter Webinar Series",
      channel: "webinar",
      start_date: "2027-01-12",
      end_date: "2027-02-20",
      budget: 2500,
      owner_id: String((await data.one<{ id: string }>("SELECT id FROM sb_users ORDER BY id"))?.id),
    };
    const { done } = await approveAndRun("campaign_save", args);
    expect(done.isError, done.text).toBe(false);
    expect(done.data).toMatchObject({ action: "created", budget: 2500 });
    const got = await call("campaign_get", { campaign_id: done.data.campaign_id });
    expect(got.data).toMatchObject({
      name: args.name,
      status: "planned",
      budget: 2500,
      owner: { id: args.owner_id },
    });
    const dup = await call("campaign_save", { ...args, name: "winter webinar SERIES", dry_run: true });
    expect(dup.isError).toBe(true);
    expect(dup.text).toContain("name");
    const bad = await call("campaign_save", {
      ...args,
      name: "Other",
      end_date: "2027-01-01",
      dry_run: true,
    });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("end_date");
    const missing = await call("campaign_save", { name: "Lonely", dry_run: true });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/start_date, end_date, channel/);
  });
});

describe("pacing_report on the sandbox", () => {
  it("recomputes every campaign's and channel's period figures with SQL", async () => {
    await approveAndRun("budget_allocate", {
      campaign_id: String(
        (
          await data.one<{ id: string }>(
            "SELECT id FROM sb_campaigns WHERE status = 'active' ORDER BY id DESC",
          )
        )?.id,
      ),
      amount: 300,
    });
    const r = await call("pacing_report", { period: "quarter" });
    expect(r.isError, r.text).toBe(false);
    const { start, end } = r.data.period as { start: string; end: string };
    expect(start <= today && today <= end).toBe(true);
    const rows = await data.query<Record<string, unknown>>(
      `WITH p AS (SELECT julianday(?) AS ps, julianday(?) AS pe, julianday(?) AS t),
       c AS (SELECT c.id, c.channel, c.budget, c.spend, julianday(c.start_date) AS s, julianday(c.end_date) AS e
             FROM sb_campaigns c, p WHERE c.start_date <= ? AND c.end_date >= ?)
       SELECT c.id, c.channel, c.budget, c.spend,
         MAX(1, c.e - c.s + 1) AS flight,
         MAX(0, MIN(c.e, p.pe) - MAX(c.s, p.ps) + 1) AS in_period,
         MAX(0, MIN(p.t, c.e) - c.s + 1) AS elapsed_flight,
         MAX(0, MIN(p.t, c.e, p.pe) - MAX(c.s, p.ps) + 1) AS elapsed_in_period,
         COALESCE((SELECT SUM(a.amount * MAX(0, MIN(julianday(a.period_end), p.pe) - MAX(julianday(a.period_start), p.ps) + 1)
                   / MAX(1, julianday(a.period_end) - julianday(a.period_start) + 1))
                   FROM sb_budget_allocations a WHERE a.campaign_id = c.id), 0) AS planned
       FROM c, p ORDER BY c.id`,
      [start, end, today, end, start],
    );
    expect(rows.length).toBeGreaterThan(2);
    const expected = rows.map((x) => {
      const budget = (n(x.budget) * n(x.in_period)) / n(x.flight);
      const spend = n(x.elapsed_flight) ? (n(x.spend) * n(x.elapsed_in_period)) / n(x.elapsed_flight) : 0;
      const exp = n(x.in_period) ? ((budget + n(x.planned)) * n(x.elapsed_in_period)) / n(x.in_period) : 0;
      const forecast = n(x.elapsed_in_period)
        ? (spend / n(x.elapsed_in_period)) * n(x.in_period)
        : budget + n(x.planned);
      return {
        id: x.id,
        channel: x.channel,
        budget: Math.round(budget),
        planned: Math.round(n(x.planned)),
        spend: Math.round(spend),
        expected: Math.round(exp),
        forecast: Math.round(forecast),
        over_by: Math.max(0, Math.round(forecast - budget - n(x.planned))),
        pace: exp === 0 ? null : Math.round((spend / exp) * 1000) / 1000,
      };
    });
    expect(r.data.campaigns.map(({ name, ...rest }: Record<string, unknown>) => rest)).toEqual(expected);
    expect(expected.some((e) => e.planned > 0)).toBe(true);
    for (const ch of r.data.channels) {
      const mine = expected.filter((e) => e.channel === ch.channel);
      const sum = (k: "budget" | "planned" | "spend" | "forecast") => mine.reduce((s, e) => s + e[k], 0);
      expect(ch).toMatchObject({
        campaigns: mine.length,
        budget: sum("budget"),
        planned: sum("planned"),
        spend: sum("spend"),
        forecast: sum("forecast"),
        over_by: Math.max(0, sum("forecast") - sum("budget") - sum("planned")),
      });
    }
    expect(r.data.alerts).toHaveLength(
      r.data.channels.filter((c: { over_by: number }) => c.over_by > 0).length,
    );
    expect(r.data.meta.as_of).toBe(today);
  });
});
