import type { CsmLoad } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { dayOf, isoDay } from "../dates.js";
import { Rng } from "../random.js";
import { leastLoaded, milestonesFor, segmentOf } from "./playbook.js";

/** Closed-won new business this many days before today has an onboarding history on a fresh sandbox. */
export const SEEDED_ONBOARDING_DAYS = 180;
/** About this share of seeded onboardings stop progressing at some milestone (ground truth: off track). */
const STALL_SHARE = 0.25;

interface WonRow {
  id: string;
  account_id: string;
  close_date: string;
  size_band: string;
  plan: string | null;
}

/** The CSM team with its unfinished onboardings, as the owner rule reads it. */
export async function csmLoads(db: SqlDb): Promise<CsmLoad[]> {
  const rows = await db.query<{ id: string; name: string; segment: string; open_plans: number | string }>(
    `SELECT m.id, m.name, m.segment, COUNT(p.id) AS open_plans
       FROM sb_cs_managers m
       LEFT JOIN sb_onboarding_plans p ON p.owner_id = m.id
        AND EXISTS (SELECT 1 FROM sb_onboarding_milestones x WHERE x.plan_id = p.id AND x.done_date IS NULL)
      GROUP BY m.id, m.name, m.segment ORDER BY m.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    segment: r.segment as CsmLoad["segment"],
    openPlans: Number(r.open_plans),
  }));
}

/**
 * Onboarding history for recent closed-won new business, inside the load's transaction: each plan follows the
 * playbook; milestones finish a few days either side of due, and about a quarter stall at one milestone.
 */
export async function seedOnboarding(tx: SqlDb, seed: number, today: string): Promise<number> {
  const since = isoDay(dayOf(today) - SEEDED_ONBOARDING_DAYS);
  const won = await tx.query<WonRow>(
    `SELECT d.id, d.account_id, d.close_date, a.size_band,
            (SELECT s.plan FROM sb_subscriptions s WHERE s.account_id = d.account_id ORDER BY s.start_date DESC, s.id LIMIT 1) AS plan
       FROM sb_deals d JOIN sb_accounts a ON a.id = d.account_id
      WHERE d.stage = 'closed_won' AND d.type = 'new_business' AND d.close_date >= ? AND d.close_date < ?
      ORDER BY d.close_date, d.id`,
    [since, today],
  );
  const csms = await csmLoads(tx);
  const todayN = dayOf(today);
  for (const d of won) {
    const segment = segmentOf(d.size_band);
    const owner = leastLoaded(csms, segment);
    if (!owner) continue;
    const r = new Rng(seed, `onboarding:${d.id}`);
    const steps = milestonesFor(segment, d.plan, d.close_date);
    const stallAt = r.next() < STALL_SHARE ? r.int(1, steps.length - 1) : steps.length;
    let open = false;
    const milestones = steps.map((m, i) => {
      const done = dayOf(m.dueDate) + r.int(-3, 6);
      open ||= i >= stallAt || done >= todayN;
      return [`onb_${d.id}`, m.seq, m.name, m.dueDate, open ? null : isoDay(done), m.value ? 1 : 0];
    });
    await tx.run(
      "INSERT INTO sb_onboarding_plans (id, deal_id, account_id, segment, plan, owner_id, start_date, created_at, principal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'seed')",
      [
        `onb_${d.id}`,
        d.id,
        d.account_id,
        segment,
        d.plan,
        owner.id,
        d.close_date,
        `${d.close_date}T16:00:00Z`,
      ],
    );
    await tx.insertMany(
      "sb_onboarding_milestones",
      ["plan_id", "seq", "name", "due_date", "done_date", "is_value"],
      milestones,
    );
    if (open) owner.openPlans++;
  }
  return won.length;
}
