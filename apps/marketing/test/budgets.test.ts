import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

// ad_budgets is recomputed from sb_campaigns and sb_budget_allocations with SQL; budget_allocate runs through the
// official MCP client behind the real guard (approval queue, caps ledger in SQL).

const config = guardConfig({
  CONFIRMATION_MODE: "approval",
  SPEND_CAP_PER_CALL: 500,
  SPEND_CAP_PER_CAMPAIGN: 800,
  SPEND_CAP_PER_DAY: 1000,
  SPEND_CAP_PER_MONTH: 10000,
});

let guardSql: SqlDb;
let kv: KeyValue;
let data: SqlDb;
let mcp: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;
let today: string;
let running: { id: string; name: string }[];

const n = (v: unknown) => Number(v ?? 0);
/** A call through the MCP client; a result without structured content reads as an empty object. */
const call = async (tool: string, args: Record<string, unknown>) => {
  const r = await mcp.call(tool, args);
  return { ...r, data: r.data ?? {} };
};
const allocations = async () =>
  data.query<Record<string, unknown>>(
    "SELECT campaign_id, amount, currency, period_start, period_end, plan_hash, principal FROM sb_budget_allocations ORDER BY created_at, id",
  );

/** Dry run, queue, a human approves, then the same call with the approval id: the whole confirmed path. */
async function approveAndRun(args: Record<string, unknown>) {
  const queued = await call("budget_allocate", args);
  const id = approvalIdIn(queued.text) as string;
  expect(id, queued.text).toBeDefined();
  await admin.approve(id, "marketing-director");
  const done = await call("budget_allocate", { ...args, approval_id: id });
  return { id, done };
}

beforeAll(async () => {
  const dataDir = tempDataDir("budgets");
  guardSql = await openSql({ dataDir: tempDataDir("budgets-guard") });
  kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv });
  mcp = await connectGuarded({
    modules: [createMarketingServer()],
    guard,
    env: { REVOPS_DATA_DIR: dataDir },
  });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
  await call("ad_budgets", {}); // loads the sandbox company
  data = await openSql({ dataDir });
  today = String((await data.one<{ today: string }>("SELECT today FROM sb_meta"))?.today);
  running = await data.query<{ id: string; name: string }>(
    "SELECT id, name FROM sb_campaigns WHERE status IN ('active', 'planned') ORDER BY start_date, id",
  );
}, 120_000);

afterAll(async () => {
  await mcp?.close();
  await data?.close();
  await guardSql?.close();
  await kv?.close();
});

describe("ad_budgets on the sandbox", () => {
  it("paces every running campaign as SQL computes it, with channel totals and overspend alerts", async () => {
    const r = await call("ad_budgets", {});
    expect(r.isError, r.text).toBe(false);
    const rows = await data.query<Record<string, unknown>>(
      `SELECT c.id, c.channel, c.budget, c.spend,
         COALESCE((SELECT SUM(a.amount) FROM sb_budget_allocations a WHERE a.campaign_id = c.id), 0) AS allocated,
         julianday(c.end_date) - julianday(c.start_date) + 1 AS days,
         MIN(MAX(julianday(?) - julianday(c.start_date) + 1, 0), julianday(c.end_date) - julianday(c.start_date) + 1) AS elapsed
       FROM sb_campaigns c WHERE c.status IN ('active', 'planned') ORDER BY c.start_date, c.id`,
      [today],
    );
    expect(rows.length).toBeGreaterThan(2);
    const expected = rows.map((x) => {
      const total = n(x.budget) + n(x.allocated);
      const elapsed = n(x.elapsed);
      const forecast =
        elapsed === 0 ? Math.max(total, n(x.spend)) : Math.round((n(x.spend) / elapsed) * n(x.days));
      const plan = (total * elapsed) / n(x.days);
      return {
        id: x.id,
        channel: x.channel,
        budget: n(x.budget),
        allocated: n(x.allocated),
        spend: n(x.spend),
        forecast,
        over_by: Math.max(0, forecast - total),
        pace: elapsed === 0 ? null : Math.round((n(x.spend) / plan) * 1000) / 1000,
      };
    });
    expect(
      r.data.campaigns.map(({ name, status, start, end, ...rest }: Record<string, unknown>) => rest),
    ).toEqual(expected);
    for (const ch of r.data.channels) {
      const mine = expected.filter((e) => e.channel === ch.channel);
      expect(ch).toEqual({
        channel: ch.channel,
        campaigns: mine.length,
        budget: mine.reduce((s, e) => s + e.budget, 0),
        allocated: mine.reduce((s, e) => s + e.allocated, 0),
        spend: mine.reduce((s, e) => s + e.spend, 0),
        forecast: mine.reduce((s, e) => s + e.forecast, 0),
        over_by: mine.reduce((s, e) => s + e.over_by, 0),
      });
    }
    const over = expected.filter((e) => e.over_by > 0);
    expect(r.data.alerts).toHaveLength(over.length);
    for (const [i, e] of over.entries())
      expect(r.data.alerts[i]).toContain(`${e.id} (${e.channel}) will overspend`);
    expect(r.data.meta.as_of).toBe(today);
    expect(r.data.meta.caveats.join(" ")).toContain("no ad platform");
  });
});

describe("budget_allocate on the sandbox, through the MCP client", () => {
  it("dry run shows the spend plan and writes nothing", async () => {
    const c = running[0] as { id: string; name: string };
    const r = await call("budget_allocate", { campaign_id: c.id, amount: 400, dry_run: true });
    expect(r.isError, r.text).toBeFalsy();
    expect(r.text).toContain("Dry run, nothing was changed");
    expect(r.text).toContain(c.name);
    expect(r.data.plan).toMatchObject({
      action: "allocate",
      amount: 400,
      currency: "USD",
      campaign_id: c.id,
      records: [{ id: c.id, name: c.name }],
    });
    expect(r.data.approval_required.join(" ")).toContain("moves money");
    expect(await allocations()).toEqual([]);
  });

  it("a human's approval executes exactly that plan once; the approval cannot be reused", async () => {
    const c = running[0] as { id: string; name: string };
    const args = { campaign_id: c.id, amount: 400, note: "Q4 push" };
    const budget = n(
      (await data.one<{ budget: number }>("SELECT budget FROM sb_campaigns WHERE id = ?", [c.id]))?.budget,
    );
    const { id, done } = await approveAndRun(args);
    expect(done.isError, done.text).toBe(false);
    expect(done.data).toMatchObject({
      campaign_id: c.id,
      amount: 400,
      currency: "USD",
      planned_budget: budget + 400,
    });
    expect(done.data.written).toEqual({ system: "revops", id: done.data.allocation_id });
    const again = await call("budget_allocate", { ...args, approval_id: id });
    expect(again.isError).toBe(true);
    expect(again.text).toContain("Already executed");
    const rows = await allocations();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ campaign_id: c.id, amount: 400, currency: "USD" });
    expect(String(rows[0]?.plan_hash)).toMatch(/^[0-9a-f]{16,}$/);
    expect(
      n(
        (
          await data.one<{ n: number }>(
            "SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'budget_allocation'",
          )
        )?.n,
      ),
    ).toBe(1);
    // ad_budgets reads the allocation back
    const b = await call("ad_budgets", {});
    expect(b.data.campaigns.find((x: { id: string }) => x.id === c.id)).toMatchObject({ allocated: 400 });
  });

  it("refuses plans over a cap, naming the cap: per call, per campaign, per day", async () => {
    const [a, b] = [running[0], running[1]] as [{ id: string }, { id: string }];
    const perCall = await call("budget_allocate", { campaign_id: b.id, amount: 600, dry_run: true });
    expect(perCall.isError).toBe(true);
    expect(perCall.text).toContain("per-call cap $500");
    // 400 already planned for a: 450 more is over its 800
    const perCampaign = await call("budget_allocate", { campaign_id: a.id, amount: 450 });
    expect(perCampaign.isError).toBe(true);
    expect(perCampaign.text).toMatch(/per-campaign cap \$800: \$400 used, \$400 remaining/);
    const ok = await approveAndRun({ campaign_id: b.id, amount: 450 });
    expect(ok.done.isError, ok.done.text).toBe(false);
    // 850 spent today: 200 more is over the daily 1,000
    const perDay = await call("budget_allocate", { campaign_id: b.id, amount: 200, dry_run: true });
    expect(perDay.isError).toBe(true);
    expect(perDay.text).toMatch(/daily cap \(UTC day\) \$1,000: \$850 used, \$150 remaining/);
    expect((await allocations()).map((r) => n(r.amount))).toEqual([400, 450]);
  });

  it("refuses unknown and finished campaigns, naming the field", async () => {
    const none = await call("budget_allocate", { campaign_id: "cmp_9999", amount: 10, dry_run: true });
    expect(none.isError).toBe(true);
    expect(none.text).toContain("no campaign cmp_9999");
    const ended = await data.one<{ id: string }>(
      "SELECT id FROM sb_campaigns WHERE status = 'completed' ORDER BY id",
    );
    const r = await call("budget_allocate", { campaign_id: ended?.id, amount: 10, dry_run: true });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("has ended");
    expect(r.text).toContain("campaign_id");
  });
});
