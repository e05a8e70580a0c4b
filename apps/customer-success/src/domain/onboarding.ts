import type { CsmLoad, MilestoneDraft, OnboardingPlan, WonDeal } from "@revops/model";
import { leastLoaded, milestonesFor, STALL_DAYS } from "@revops/sandbox";

export interface OnboardingDraft {
  deal: WonDeal;
  owner: CsmLoad;
  milestones: MilestoneDraft[];
}

/**
 * Plans for won deals in order, each owned by its segment's least-loaded CSM; every plan drafted counts towards
 * its owner's load, so a bulk hand-off spreads deals instead of giving them all to one person.
 */
export function draftOnboardings(
  deals: readonly WonDeal[],
  csms: readonly CsmLoad[],
): (OnboardingDraft | undefined)[] {
  const load = csms.map((c) => ({ ...c }));
  return deals.map((deal) => {
    const owner = leastLoaded(load, deal.segment);
    if (!owner) return undefined;
    owner.openPlans++;
    return { deal, owner, milestones: milestonesFor(deal.segment, deal.plan, deal.closeDate) };
  });
}

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

export interface PlanStatus {
  plan: OnboardingPlan;
  complete: boolean;
  done: number;
  overdue: number;
  stalled: number;
  /** Days from the close date to the first-value milestone, once reached. */
  timeToValue: number | null;
  /** The first open milestone, with how many days it is past due (0 when not yet due). */
  next: { name: string; dueDate: string; daysOverdue: number } | undefined;
}

/** One plan as of a day: overdue = open past its due date; stalled = overdue by more than STALL_DAYS. */
export function planStatus(plan: OnboardingPlan, today: string): PlanStatus {
  const open = plan.milestones.filter((m) => m.doneDate === null);
  const overdue = open.filter((m) => m.dueDate < today);
  const value = plan.milestones.find((m) => m.value && m.doneDate !== null);
  const first = open[0];
  return {
    plan,
    complete: open.length === 0,
    done: plan.milestones.length - open.length,
    overdue: overdue.length,
    stalled: overdue.filter((m) => daysBetween(m.dueDate, today) > STALL_DAYS).length,
    timeToValue: value?.doneDate ? daysBetween(plan.startDate, value.doneDate) : null,
    next: first && {
      name: first.name,
      dueDate: first.dueDate,
      daysOverdue: Math.max(0, daysBetween(first.dueDate, today)),
    },
  };
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
