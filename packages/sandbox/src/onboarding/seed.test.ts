import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../../test/db.js";
import { dayOf } from "../dates.js";
import { ensureSandboxLoaded, resetSandbox } from "../load.js";
import { segmentOf } from "./playbook.js";
import { csmLoads } from "./seed.js";

const TODAY = "2026-11-23";

interface Milestone {
  plan_id: string;
  seq: number;
  due_date: string;
  done_date: string | null;
  is_value: number;
}

/** The README's onboarding figures, computed from the seeded rows. */
async function onboardingFacts(db: SqlDb) {
  const plans = await db.query<{ id: string; start_date: string }>(
    "SELECT id, start_date FROM sb_onboarding_plans ORDER BY id",
  );
  const milestones = await db.query<Milestone>(
    "SELECT plan_id, seq, due_date, done_date, is_value FROM sb_onboarding_milestones ORDER BY plan_id, seq",
  );
  const today = dayOf(TODAY);
  const overdue = milestones.filter((m) => m.done_date === null && dayOf(m.due_date) < today);
  const ofPlan = (id: string) => milestones.filter((m) => m.plan_id === id);
  const open = plans.filter((p) => ofPlan(p.id).some((m) => m.done_date === null));
  const timesToValue = plans
    .map((p) => {
      const v = ofPlan(p.id).find((m) => Number(m.is_value) === 1 && m.done_date !== null);
      return v ? dayOf(String(v.done_date)) - dayOf(p.start_date) : undefined;
    })
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
  return {
    plans: plans.length,
    onboarding: open.length,
    complete: plans.length - open.length,
    done: milestones.filter((m) => m.done_date !== null).length,
    overdue: overdue.length,
    stalled: overdue.filter((m) => dayOf(m.due_date) < today - 14).length,
    offTrack: new Set(overdue.map((m) => m.plan_id)).size,
    valuePlans: timesToValue.length,
    medianTimeToValue: timesToValue[Math.floor(timesToValue.length / 2)],
    doneFromToday: milestones.filter((m) => m.done_date !== null && m.done_date >= TODAY).length,
  };
}

describe.each(ENGINES)("seeded onboarding history on %s", (engine) => {
  let target: TestTarget;
  let db: SqlDb;
  beforeAll(async () => {
    target = await makeTarget(engine);
    db = await target.open();
    await ensureSandboxLoaded(db);
  });
  afterAll(async () => {
    await db?.close();
    await target?.cleanup();
  });

  it("matches the README's figures at scale 1", async () => {
    expect(await onboardingFacts(db)).toEqual(SEEDED);
  });

  it("gives every plan a CSM of its segment, least loaded first, and counts their open plans", async () => {
    const owners = await db.query<{ segment: string; size_band: string; csm_segment: string }>(
      `SELECT p.segment, a.size_band, m.segment AS csm_segment FROM sb_onboarding_plans p
         JOIN sb_accounts a ON a.id = p.account_id JOIN sb_cs_managers m ON m.id = p.owner_id`,
    );
    expect(owners).toHaveLength(SEEDED.plans);
    for (const o of owners) expect([o.segment, o.csm_segment]).toEqual([segmentOf(o.size_band), o.segment]);
    const loads = await csmLoads(db);
    expect(loads.map((l) => l.segment)).toEqual([
      "smb",
      "smb",
      "mid_market",
      "mid_market",
      "enterprise",
      "enterprise",
    ]);
    expect(loads.reduce((n, l) => n + l.openPlans, 0)).toBe(SEEDED.onboarding);
  });

  it("seeds the same history again after a reset, keeping the CS team", async () => {
    const before = await db.query("SELECT * FROM sb_onboarding_milestones ORDER BY plan_id, seq");
    await resetSandbox(db);
    expect(await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_onboarding_plans")).toMatchObject({
      n: 0,
    });
    expect((await csmLoads(db)).map((l) => l.openPlans)).toEqual([0, 0, 0, 0, 0, 0]);
    await ensureSandboxLoaded(db);
    expect(await db.query("SELECT * FROM sb_onboarding_milestones ORDER BY plan_id, seq")).toEqual(before);
  });
});

/** Measured by SQL at seed 42, scale 1 (packages/sandbox/README.md). */
const SEEDED = {
  plans: 21,
  onboarding: 7,
  complete: 14,
  done: 111,
  overdue: 12,
  stalled: 11,
  offTrack: 4,
  valuePlans: 16,
  medianTimeToValue: 43,
  doneFromToday: 0,
};
