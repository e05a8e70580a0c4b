import { approvalIdIn, type GuardedHarness } from "@revops/guards/testing";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GuardedSandbox, guardedSandbox, planHashIn } from "./guarded";

const TOOL = "onboarding_plan";

describe("onboarding on the sandbox, through the guard and the MCP client", () => {
  let g: GuardedSandbox;
  let h: GuardedHarness;
  let db: SqlDb;
  let deals: string[] = [];
  const plansOf = (id: string) =>
    db.query<{ id: string; owner_id: string; principal: string; plan_hash: string }>(
      "SELECT id, owner_id, principal, plan_hash FROM sb_onboarding_plans WHERE deal_id = ?",
      [id],
    );

  beforeAll(async () => {
    g = await guardedSandbox("onboarding_status");
    ({ h, db } = g);
    // closed-won new business older than the seeded history: no plan yet
    deals = (
      await db.query<{ id: string }>(
        "SELECT id FROM sb_deals WHERE stage = 'closed_won' AND type = 'new_business' AND id NOT IN (SELECT deal_id FROM sb_onboarding_plans) ORDER BY close_date DESC, id LIMIT 3",
      )
    ).map((r) => r.id);
    expect(deals).toHaveLength(3);
  }, 120_000);
  afterAll(() => g?.close());

  it("dry run shows the plan (milestones, owner, rule) and writes nothing", async () => {
    const r = await h.call(TOOL, { deal_id: deals[0], dry_run: true });
    expect(r.isError, r.text).toBeFalsy();
    expect(r.text).toMatch(/Dry run, nothing was changed/);
    expect(r.text).toContain(`Create onboarding plan onb_${deals[0]}`);
    expect(r.text).toMatch(/Kickoff|Executive kickoff/);
    expect(r.text).toMatch(/least-loaded CSM/);
    expect(r.text).toMatch(/live in the suite's database/);
    expect(await plansOf(deals[0] as string)).toEqual([]);
  });

  it("confirmed: creates the plan once, journaled; a second plan for the deal is refused naming the first", async () => {
    const hash = planHashIn((await h.call(TOOL, { deal_id: deals[0], dry_run: true })).text);
    h.answerWith((p) => ({
      action: "accept",
      content: { confirmation: String(p.message.split("type: ").at(-1)) },
    }));
    const r = await h.call(TOOL, { deal_id: deals[0] });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({
      plan_id: `onb_${deals[0]}`,
      deal_id: deals[0],
      recovered: false,
      written: { system: "revops", id: `onb_${deals[0]}` },
    });
    const rows = await plansOf(deals[0] as string);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ principal: "alice", plan_hash: hash });
    // the owner is the least-loaded CSM of the segment, as the team stood before the write
    const segment = String((r.data as { segment: string }).segment);
    const loads = await db.query<{ id: string; n: number }>(
      `SELECT m.id, COUNT(p.id) AS n FROM sb_cs_managers m LEFT JOIN sb_onboarding_plans p ON p.owner_id = m.id AND p.deal_id <> ?
         AND EXISTS (SELECT 1 FROM sb_onboarding_milestones x WHERE x.plan_id = p.id AND x.done_date IS NULL)
        WHERE m.segment = ? GROUP BY m.id ORDER BY COUNT(p.id), m.id`,
      [deals[0], segment],
    );
    expect(rows[0]?.owner_id).toBe(loads[0]?.id);
    const journal = await db.query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE entity = 'onboarding_plan' AND record_id = ? ORDER BY field",
      [`onb_${deals[0]}`],
    );
    expect(journal.map((j) => j.field)).toEqual(["deal_id", "milestones", "owner_id"]);
    const again = await h.call(TOOL, { deal_id: deals[0], dry_run: true });
    expect(again.isError).toBe(true);
    expect(again.text).toContain(`already has onboarding plan onb_${deals[0]}`);
    expect(await plansOf(deals[0] as string)).toHaveLength(1);
  });

  it("approval queue: a changed argument after the preview is refused; the approved plan runs once", async () => {
    g.config.CONFIRMATION_MODE = "approval";
    try {
      const queued = await h.call(TOOL, { deal_id: deals[1] });
      const id = approvalIdIn(queued.text) as string;
      expect(id).toBeDefined();
      await g.approve(id);
      const changed = await h.call(TOOL, { deal_id: deals[2], approval_id: id });
      expect(changed.isError).toBe(true);
      expect(changed.text).toMatch(/other arguments/);
      expect(await plansOf(deals[2] as string)).toEqual([]);
      const ran = await h.call(TOOL, { deal_id: deals[1], approval_id: id });
      expect(ran.isError, ran.text).toBe(false);
      expect(await plansOf(deals[1] as string)).toHaveLength(1);
    } finally {
      g.config.CONFIRMATION_MODE = "inband";
    }
  });

  it("refuses a deal that is not closed-won new business, naming the field", async () => {
    const open = await db.one<{ id: string }>(
      "SELECT id FROM sb_deals WHERE stage NOT LIKE 'closed%' ORDER BY id LIMIT 1",
    );
    const r = await h.call(TOOL, { deal_id: open?.id, dry_run: true });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/deal_id: deal .* only a closed-won deal starts onboarding/);
  });

  it("onboarding_status: every figure recomputed from the raw rows in SQL", async () => {
    const r = await h.call("onboarding_status", { limit: 50 });
    expect(r.isError, r.text).toBe(false);
    const o = r.data as Record<string, unknown> & { meta: { caveats: string[] }; off_track: unknown[] };
    const today = String((await db.one<{ today: string }>("SELECT today FROM sb_meta"))?.today);
    const stallDay = new Date(Date.parse(today) - 14 * 86_400_000).toISOString().slice(0, 10);
    const one = async (sql: string, params: unknown[] = []) =>
      Number(Object.values((await db.one<Record<string, unknown>>(sql, params)) ?? {})[0]);
    const open =
      "EXISTS (SELECT 1 FROM sb_onboarding_milestones x WHERE x.plan_id = p.id AND x.done_date IS NULL)";
    expect(o.accounts_onboarding).toBe(await one(`SELECT COUNT(*) FROM sb_onboarding_plans p WHERE ${open}`));
    expect(o.completed).toBe(await one(`SELECT COUNT(*) FROM sb_onboarding_plans p WHERE NOT ${open}`));
    expect(o.milestones).toEqual({
      done: await one("SELECT COUNT(*) FROM sb_onboarding_milestones WHERE done_date IS NOT NULL"),
      overdue: await one(
        "SELECT COUNT(*) FROM sb_onboarding_milestones WHERE done_date IS NULL AND due_date < ?",
        [today],
      ),
      stalled: await one(
        "SELECT COUNT(*) FROM sb_onboarding_milestones WHERE done_date IS NULL AND due_date < ?",
        [stallDay],
      ),
    });
    const offTrack = await one(
      "SELECT COUNT(DISTINCT plan_id) FROM sb_onboarding_milestones WHERE done_date IS NULL AND due_date < ?",
      [today],
    );
    expect(o.off_track_count).toBe(offTrack);
    expect(o.off_track).toHaveLength(offTrack);
    const ttv = (
      await db.query<{ d: number }>(
        `SELECT CAST(julianday(x.done_date) - julianday(p.start_date) AS INTEGER) AS d FROM sb_onboarding_plans p
           JOIN sb_onboarding_milestones x ON x.plan_id = p.id WHERE x.is_value = 1 AND x.done_date IS NOT NULL ORDER BY d`,
      )
    ).map((x) => Number(x.d));
    expect(ttv.length).toBeGreaterThan(0);
    const mid = Math.floor(ttv.length / 2);
    expect(o.time_to_value_days).toEqual({
      accounts: ttv.length,
      median: ttv.length % 2 ? ttv[mid] : ((ttv[mid - 1] as number) + (ttv[mid] as number)) / 2,
    });
    expect(o.meta).toMatchObject({ as_of: today, source: "revops" });
    expect(o.meta.caveats.join(" ")).toMatch(/suite's database/);
  });
});
