import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSuiteModules } from "../src/server";

/**
 * handoff_churn_risk through the guard and the MCP client on the sandbox. The health-drop half of the selection is
 * recomputed here from the raw rows (the health-v2 formula written out again); the churn half takes cs_churn_risk's
 * probabilities, another tool's published figures.
 */
const TOOL = "handoff_churn_risk";
const config = guardConfig({
  GUARD_QUIET_HOURS: "off",
  GUARD_TOKEN_SECRET: "churn-handoff-secret-0123456789abcdef",
});
const now = () => new Date();
// biome-ignore lint/suspicious/noExplicitAny: the test reads structured results field by field
const d = (r: { data?: unknown }): any => r.data;
const DAY = 86_400_000;
const minus = (day: string, n: number) => new Date(Date.parse(day) - n * DAY).toISOString().slice(0, 10);
const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));
const monthBefore = (day: string) => {
  const d = new Date(Date.parse(day));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};
const typeThePhrase = (h: GuardedHarness) =>
  h.answerWith((p) => ({
    action: "accept",
    content: { confirmation: String(p.message.split("type: ").at(-1)) },
  }));

/** health-v2 from SQL for the windows ending on `asOf` (null: no term in force then, or too new). */
async function healthFromSql(db: SqlDb, id: string, asOf: string): Promise<number | null> {
  const acc = await db.one<{ created_date: string }>("SELECT created_date FROM sb_accounts WHERE id = ?", [
    id,
  ]);
  const term = await db.one<{ seats: number }>(
    "SELECT seats FROM sb_subscriptions WHERE account_id = ? AND start_date <= ? AND renewal_date > ? ORDER BY start_date DESC LIMIT 1",
    [id, asOf, asOf],
  );
  const seats = Number(term?.seats ?? 0);
  if (!term || seats <= 0 || String(acc?.created_date) > minus(asOf, 60)) return null;
  const usage = async (from: string, to: string) =>
    db.one<{ e: number; a: number; n: number }>(
      "SELECT COALESCE(SUM(events), 0) AS e, COALESCE(SUM(active_users), 0) AS a, COUNT(*) AS n FROM sb_usage_daily WHERE account_id = ? AND day >= ? AND day < ?",
      [id, from, to],
    );
  const last = await usage(minus(asOf, 30), asOf);
  const prev = await usage(minus(asOf, 60), minus(asOf, 30));
  const [l30, p30] = [Number(last?.e), Number(prev?.e)];
  const daily = Number(last?.n) ? Math.round(Number(last?.a) / Number(last?.n)) : 0;
  const mau = await db.one<{ active_users: number }>(
    "SELECT active_users FROM sb_usage_monthly WHERE account_id = ? AND month = ?",
    [id, monthBefore(asOf)],
  );
  const perSeat = mau ? Math.round((Number(mau.active_users) / seats) * 100) / 100 : null;
  const tk = await db.one<{ n: number; urgent: number; bad: number }>(
    `SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN priority = 'urgent' THEN 1 ELSE 0 END), 0) AS urgent,
       COALESCE(SUM(CASE WHEN csat = 'bad' THEN 1 ELSE 0 END), 0) AS bad
     FROM sb_tickets WHERE account_id = ? AND substr(created_at, 1, 10) >= ? AND substr(created_at, 1, 10) <= ?`,
    [id, minus(asOf, 90), asOf],
  );
  const np = await db.one<{ s: number; n: number }>(
    "SELECT COALESCE(SUM(score), 0) AS s, COUNT(*) AS n FROM sb_nps_responses WHERE account_id = ? AND substr(responded_at, 1, 10) >= ? AND substr(responded_at, 1, 10) <= ?",
    [id, minus(asOf, 180), asOf],
  );
  const nps = Number(np?.n) ? Math.round((Number(np?.s) / Number(np?.n)) * 10) / 10 : null;
  const trend = p30 > 0 ? (l30 - p30) / p30 : l30 > 0 ? 0 : -1;
  const adoption = perSeat ?? daily / seats;
  const load = Number(tk?.n) + 2 * Number(tk?.urgent) + 3 * Number(tk?.bad);
  return Math.round(
    35 * clamp(1 + trend * 2, 0, 1) +
      20 * clamp(adoption / 0.7, 0, 1) +
      25 * clamp(1 - load / 30, 0, 1) +
      (nps === null ? 12 : 20 * clamp(nps / 10, 0, 1)),
  );
}

interface Plan {
  account_id: string;
  account_name: string;
  owner: { id: string; name: string };
  health: number;
  drop: number | null;
  probability: number | null;
  flags: { deal_id: string; before: string | null; after: string }[];
  task: { deal_id: string | null; due_date: string };
}

describe("handoff_churn_risk: health drop or churn risk → owner task and renewal-deal flag, through the suite", () => {
  let guardDb: SqlDb;
  let kv: KeyValue;
  let h: GuardedHarness;
  let db: SqlDb;
  let today: string;

  beforeAll(async () => {
    guardDb = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "suite-churn-guard-")) });
    await migrate(guardDb, guardMigrations);
    kv = await openKv({});
    const guard = createGuard({ config, sql: async () => guardDb, kv: async () => kv, now, sandbox: true });
    h = await connectGuarded({ modules: createSuiteModules(), guard, env: {}, elicitation: true });
    h.as("alice");
    expect((await h.call("onboarding_status", {})).isError).toBe(false); // loads the sandbox
    db = await h.runtime.sql();
    today = String((await db.one<{ today: string }>("SELECT today FROM sb_meta"))?.today);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await guardDb?.close();
    await kv?.close();
  });

  it("selects exactly the accounts the rule names, recomputed from the rows", async () => {
    const args = { health_drop: 20, days: 30, min_probability: 0.8 };
    const dry = await h.call(TOOL, { ...args, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    const plan = (
      d(dry) as {
        plan: { count: number; sample: Plan[]; by_owner: Record<string, number>; deals_flagged: number };
      }
    ).plan;
    const churn = await h.call("churn_risk", { limit: 100, min_probability: 0.8 });
    const likely = new Set((d(churn).accounts as { account_id: string }[]).map((a) => a.account_id));
    expect(d(churn).total.accounts).toBeLessThanOrEqual(100);
    const customers = await db.query<{ id: string }>(
      "SELECT id FROM sb_accounts WHERE lifecycle = 'customer' ORDER BY id",
    );
    const dropped = new Set<string>();
    for (const { id } of customers) {
      const [then, nowScore] = [
        await healthFromSql(db, id, minus(today, 30)),
        await healthFromSql(db, id, today),
      ];
      if (then !== null && nowScore !== null && then - nowScore >= 20) dropped.add(id);
    }
    const want = new Set([...dropped, ...likely]);
    expect(plan.count ?? 1).toBe(want.size);
    expect(Object.values(plan.by_owner).reduce((x, y) => x + y, 0)).toBe(want.size);
    for (const p of plan.sample) expect(want.has(p.account_id), p.account_id).toBe(true);
    // every open renewal deal of the selected accounts is flagged, and no other deal
    const deals = await db.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM sb_deals WHERE type = 'renewal' AND stage NOT IN ('closed_won', 'closed_lost')
        AND account_id IN (${[...want].map(() => "?").join(",")})`,
      [...want],
    );
    expect(plan.deals_flagged).toBe(Number(deals[0]?.n));
    // the issue names Ivyhill Inc (health 29, in commit); on today's sandbox it is healthy, so the rule leaves it out
    const ivy = await db.one<{ id: string }>("SELECT id FROM sb_accounts WHERE name = 'Ivyhill Inc'");
    expect(want.has(String(ivy?.id))).toBe(false);
    const one = await h.call(TOOL, { account_id: ivy?.id, dry_run: true });
    expect(one.isError).toBe(true);
    expect(one.text).toMatch(/Ivyhill Inc is not at risk by the rule .*health 86/);
    console.info(
      `churn hand-off: ${want.size} accounts (${dropped.size} by a 20-point drop in 30 d, ${likely.size} at p ≥ 0.8), ${plan.deals_flagged} renewal deals; Ivyhill Inc health ${await healthFromSql(db, String(ivy?.id), today)}`,
    );
  }, 120_000);

  it("one account: the task goes to the CRM owner, its renewal deals are flagged, once; journalled", async () => {
    // the account most likely to churn that has an open renewal deal
    const churn = await h.call("churn_risk", { limit: 100 });
    const withDeal = await db.query<{ account_id: string }>(
      "SELECT DISTINCT account_id FROM sb_deals WHERE type = 'renewal' AND stage NOT IN ('closed_won', 'closed_lost')",
    );
    const open = new Set(withDeal.map((d) => d.account_id));
    const target = (d(churn).accounts as { account_id: string; probability: number }[]).find(
      (a) => open.has(a.account_id) && a.probability >= Number(d(churn).meta.inputs.threshold),
    );
    expect(target, churn.text).toBeDefined();
    const id = target?.account_id as string;
    const dry = await h.call(TOOL, { account_id: id, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    const [p] = (d(dry) as { plan: { sample: Plan[] } }).plan.sample as Plan[];
    const owner = await db.one<{ owner_id: string }>("SELECT owner_id FROM sb_accounts WHERE id = ?", [id]);
    expect(p?.owner.id).toBe(owner?.owner_id);
    expect(p?.flags.length).toBeGreaterThan(0);
    expect(await db.query("SELECT id FROM sb_tasks WHERE account_id = ?", [id])).toEqual([]); // the preview wrote nothing
    typeThePhrase(h);
    const r = await h.call(TOOL, { account_id: id });
    expect(r.isError, r.text).toBe(false);
    expect(d(r)).toMatchObject({ tasks_created: 1, deals_flagged: p?.flags.length });
    const tasks = await db.query<{ owner_id: string; source: string; deal_id: string; principal: string }>(
      "SELECT owner_id, source, deal_id, principal FROM sb_tasks WHERE account_id = ?",
      [id],
    );
    expect(tasks).toEqual([
      {
        owner_id: owner?.owner_id,
        source: "handoff_churn_risk",
        deal_id: p?.task.deal_id,
        principal: "alice",
      },
    ]);
    for (const f of p?.flags ?? []) {
      const d = await db.one<{ next_step: string }>("SELECT next_step FROM sb_deals WHERE id = ?", [
        f.deal_id,
      ]);
      expect(d?.next_step).toBe(f.after);
      expect(d?.next_step).toMatch(/^Churn risk \(RevOps/);
    }
    const journal = await db.query<{ entity: string }>(
      "SELECT DISTINCT entity FROM sb_changes WHERE principal = 'alice' ORDER BY entity",
    );
    expect(journal.map((j) => j.entity)).toEqual(["deal", "task"]);
    // a second hand-off finds the open task: nothing to do
    const again = await h.call(TOOL, { account_id: id, dry_run: true });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/Nothing to hand off/);
  }, 120_000);

  it("bulk: counts per owner and a sample; a human approves it out of band; it runs once", async () => {
    const args = { health_drop: 100, min_probability: 0.9 };
    const dry = await h.call(TOOL, { ...args, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    const plan = (d(dry) as { plan: { count: number; sample: Plan[] } }).plan;
    expect(plan.count).toBeGreaterThan(1);
    expect(plan.sample.length).toBe(Math.min(5, plan.count));
    typeThePhrase(h);
    const queued = await h.call(TOOL, args);
    expect(queued.isError).toBe(true);
    expect(queued.text).toMatch(/high risk: it changes \d+ records/);
    const approval = approvalIdIn(queued.text) as string;
    await approvalsAdmin({ sql: async () => guardDb, config, now }).approve(approval, "carol");
    const r = await h.call(TOOL, { ...args, approval_id: approval });
    expect(r.isError, r.text).toBe(false);
    expect(d(r).tasks_created).toBe(plan.count);
    const n = await db.one<{ n: number }>(
      "SELECT COUNT(DISTINCT account_id) AS n FROM sb_tasks WHERE source = 'handoff_churn_risk'",
    );
    expect(Number(n?.n)).toBe(plan.count + 1);
    const none = await h.call(TOOL, { ...args, dry_run: true });
    expect(none.isError).toBe(true);
    expect(none.text).toMatch(/Nothing to hand off/);
  }, 120_000);
});
