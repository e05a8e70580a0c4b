import { ensureSandboxLoaded, leastLoaded, milestonesFor, resetSandbox } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { TEST_ENGINES, testDatabase } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OnboardingWriteError, SandboxOnboarding } from "../src/integrations/sandbox/onboarding";

describe.each(TEST_ENGINES)("sandbox onboarding on %s", (engine) => {
  let drop: () => Promise<void>;
  let db: SqlDb;
  let port: SandboxOnboarding;
  let dealId: string;
  beforeAll(async () => {
    ({ db, drop } = await testDatabase(engine, "onboarding_store"));
    await ensureSandboxLoaded(db, { scale: 0.3 });
    port = new SandboxOnboarding(db);
    const d = await db.one<{ id: string }>(
      "SELECT id FROM sb_deals WHERE stage = 'closed_won' AND id NOT IN (SELECT deal_id FROM sb_onboarding_plans) ORDER BY close_date DESC, id LIMIT 1",
    );
    dealId = String(d?.id);
  });
  afterAll(async () => {
    await drop?.();
  });

  it("seeds onboarding history for recent closed-won new business, deterministically", async () => {
    const plans = await port.plans();
    expect(plans.length).toBeGreaterThan(3);
    const won = await db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_deals WHERE stage = 'closed_won' AND type = 'new_business' AND close_date >= '2026-05-27' AND close_date < '2026-11-23'",
    );
    expect(plans).toHaveLength(Number(won?.n));
    // every seeded plan is owned by a CSM of its segment; nothing is done after today
    const csms = new Map((await port.csmLoads()).map((c) => [c.id, c.segment]));
    for (const p of plans) {
      expect(csms.get(p.ownerId)).toBe(p.segment);
      expect(p.milestones.every((m) => m.doneDate === null || m.doneDate < "2026-11-23")).toBe(true);
    }
  });

  it("creates one plan per deal, journaled; a retry with its key recovers it, another key is refused", async () => {
    const deal = await port.wonDeal(dealId);
    if (!deal) throw new Error("no deal");
    const owner = leastLoaded(await port.csmLoads(), deal.segment);
    const milestones = milestonesFor(deal.segment, deal.plan, deal.closeDate);
    const origin = { principal: "alice", planHash: "h1", idempotencyKey: "k1" };
    const first = await port.createPlan({ deal, ownerId: String(owner?.id), milestones }, origin);
    expect(first).toMatchObject({ recovered: false, plan: { id: `onb_${dealId}`, ownerId: owner?.id } });
    expect(first.plan.milestones).toHaveLength(milestones.length);
    const again = await port.createPlan({ deal, ownerId: String(owner?.id), milestones }, origin);
    expect(again.recovered).toBe(true);
    const other = port.createPlan(
      { deal, ownerId: String(owner?.id), milestones },
      { ...origin, idempotencyKey: "k2" },
    );
    await expect(other).rejects.toBeInstanceOf(OnboardingWriteError);
    await expect(other).rejects.toThrow(`already has onboarding plan onb_${dealId}`);
    const journal = await db.query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE entity = 'onboarding_plan' AND record_id = ? ORDER BY field",
      [`onb_${dealId}`],
    );
    expect(journal.map((j) => j.field)).toEqual(["deal_id", "milestones", "owner_id"]);
  });

  it("a reset empties the plans and the next load seeds the same history again", async () => {
    const before = (await port.plans()).filter((p) => p.dealId !== dealId);
    await resetSandbox(db);
    expect(await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_onboarding_plans")).toMatchObject({
      n: 0,
    });
    await ensureSandboxLoaded(db, { scale: 0.3 });
    expect(await port.plans()).toEqual(before);
    expect((await port.csmLoads()).length).toBe(6);
  });
});
