import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSuiteModules } from "../src/server";

const TOOL = "handoff_closed_won";
const SINCE = "2025-12-01";
const config = guardConfig({
  GUARD_QUIET_HOURS: "off",
  GUARD_TOKEN_SECRET: "handoff-test-secret-0123456789abcdef",
});
const now = () => new Date();
const typeThePhrase = (h: GuardedHarness) =>
  h.answerWith((p) => ({
    action: "accept",
    content: { confirmation: String(p.message.split("type: ").at(-1)) },
  }));

describe("handoff_closed_won: closed-won deals → onboarding plans and CS owners, through the suite", () => {
  let guardDb: SqlDb;
  let kv: KeyValue;
  let h: GuardedHarness;
  let db: SqlDb;
  /** Closed-won new business since SINCE without a plan, straight from the rows. */
  const unplanned = async () =>
    (
      await db.query<{ id: string }>(
        "SELECT id FROM sb_deals WHERE stage = 'closed_won' AND type = 'new_business' AND close_date >= ? AND id NOT IN (SELECT deal_id FROM sb_onboarding_plans) ORDER BY id",
        [SINCE],
      )
    ).map((r) => r.id);

  beforeAll(async () => {
    guardDb = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "suite-handoff-guard-")) });
    await migrate(guardDb, guardMigrations);
    kv = await openKv({});
    const guard = createGuard({ config, sql: async () => guardDb, kv: async () => kv, now, sandbox: true });
    h = await connectGuarded({
      modules: createSuiteModules(),
      guard,
      env: { SANDBOX_SCALE: "0.3" },
      elicitation: true,
    });
    h.as("alice");
    expect((await h.call("onboarding_status", {})).isError).toBe(false); // loads the sandbox (the harness serves every toolset, names not namespaced)
    db = await h.runtime.sql();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await guardDb?.close();
    await kv?.close();
  });

  it("one deal: a changed argument after the approved preview is refused; the approved one runs once", async () => {
    const [a, b] = await unplanned();
    config.CONFIRMATION_MODE = "approval";
    try {
      const queued = await h.call(TOOL, { deal_id: a });
      const id = approvalIdIn(queued.text) as string;
      expect(id, queued.text).toBeDefined();
      await approvalsAdmin({ sql: async () => guardDb, config, now }).approve(id, "carol");
      const changed = await h.call(TOOL, { deal_id: b, approval_id: id });
      expect(changed.isError).toBe(true);
      expect(changed.text).toMatch(/other arguments/);
      const ran = await h.call(TOOL, { deal_id: a, approval_id: id });
      expect(ran.isError, ran.text).toBe(false);
      expect(ran.data).toMatchObject({ created: 1, plans: [{ deal_id: a, plan_id: `onb_${a}` }] });
    } finally {
      config.CONFIRMATION_MODE = "inband";
    }
    expect(await unplanned()).not.toContain(a);
    expect(await unplanned()).toContain(b);
    const again = await h.call(TOOL, { deal_id: a, dry_run: true });
    expect(again.isError).toBe(true);
    expect(again.text).toContain(`already has onboarding plan onb_${a}`);
  });

  it("bulk: the preview counts the plans with a sample and per-owner counts; confirmed, it creates them once", async () => {
    const todo = await unplanned();
    expect(todo.length).toBeGreaterThan(1);
    const dry = await h.call(TOOL, { since: SINCE, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    expect(dry.text).toContain(`Hand off ${todo.length} closed-won deals`);
    const plan = (
      dry.data as { plan: { count: number; sample: unknown[]; by_owner: Record<string, number> } }
    ).plan;
    expect(plan.count).toBe(todo.length);
    expect(plan.sample.length).toBe(Math.min(5, todo.length));
    expect(Object.values(plan.by_owner).reduce((x, y) => x + y, 0)).toBe(todo.length);
    expect(await unplanned()).toEqual(todo); // nothing written by the preview
    // several records: in-band confirmation is not enough, a human approves the bulk plan
    typeThePhrase(h);
    const queued = await h.call(TOOL, { since: SINCE });
    expect(queued.isError).toBe(true);
    expect(queued.text).toMatch(/high risk: it changes \d+ records/);
    expect(await unplanned()).toEqual(todo);
    const id = approvalIdIn(queued.text) as string;
    await approvalsAdmin({ sql: async () => guardDb, config, now }).approve(id, "carol");
    const r = await h.call(TOOL, { since: SINCE, approval_id: id });
    expect(r.isError, r.text).toBe(false);
    expect((r.data as { created: number }).created).toBe(todo.length);
    expect(await unplanned()).toEqual([]);
    const owners = await db.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM sb_onboarding_plans p JOIN sb_cs_managers m ON m.id = p.owner_id AND m.segment = p.segment
        WHERE p.deal_id IN (${todo.map(() => "?").join(",")})`,
      todo,
    );
    expect(Number(owners[0]?.n)).toBe(todo.length); // each owned by a CSM of its own segment
    const journal = await db.query<{ n: number }>(
      "SELECT COUNT(DISTINCT record_id) AS n FROM sb_changes WHERE entity = 'onboarding_plan' AND principal = 'alice'",
    );
    expect(Number(journal[0]?.n)).toBe(todo.length + 1);
    const none = await h.call(TOOL, { since: SINCE, dry_run: true });
    expect(none.isError).toBe(true);
    expect(none.text).toMatch(/Nothing to hand off/);
  });
});
