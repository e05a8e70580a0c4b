import type { CsmLoad, MilestoneDraft, OnboardingSegment } from "@revops/model";
import { dayOf, isoDay } from "../dates.js";

export function segmentOf(sizeBand: string): OnboardingSegment {
  if (sizeBand === "1000+") return "enterprise";
  if (sizeBand === "201-1000") return "mid_market";
  return "smb";
}

interface Step {
  name: string;
  /** Days after the deal's close date. */
  day: number;
  /** Reaching it is the customer's first value: time to value ends here. */
  value?: true;
}

const PLAYBOOK: Record<OnboardingSegment, Step[]> = {
  smb: [
    { name: "Kickoff call", day: 3 },
    { name: "Workspace and admins set up", day: 10 },
    { name: "First data source connected", day: 21 },
    { name: "First dashboard in use", day: 30, value: true },
    { name: "Team training", day: 35 },
    { name: "Go-live review", day: 45 },
  ],
  mid_market: [
    { name: "Kickoff call", day: 5 },
    { name: "Technical setup", day: 14 },
    { name: "Data sources connected", day: 30 },
    { name: "First dashboard in use", day: 45, value: true },
    { name: "Team training", day: 50 },
    { name: "Go-live review", day: 60 },
  ],
  enterprise: [
    { name: "Executive kickoff", day: 7 },
    { name: "Technical setup", day: 21 },
    { name: "Security review", day: 30 },
    { name: "Data sources connected", day: 45 },
    { name: "First dashboard in use", day: 60, value: true },
    { name: "Team training", day: 75 },
    { name: "Go-live review", day: 90 },
  ],
};

/** The enterprise plan (SSO, audit) adds its own milestone whatever the account's size. */
const ENTERPRISE_PLAN_STEP: Step = { name: "Single sign-on configured", day: 25 };

/** The milestones of a new customer's onboarding, due relative to the deal's close date. */
export function milestonesFor(
  segment: OnboardingSegment,
  plan: string | null,
  closeDate: string,
): MilestoneDraft[] {
  const steps = [...PLAYBOOK[segment], ...(plan === "enterprise" ? [ENTERPRISE_PLAN_STEP] : [])].sort(
    (a, b) => a.day - b.day,
  );
  const start = dayOf(closeDate);
  return steps.map((s, i) => ({
    seq: i + 1,
    name: s.name,
    dueDate: isoDay(start + s.day),
    value: s.value === true,
  }));
}

export const OWNER_RULE = "least-loaded CSM of the segment (fewest unfinished onboardings; ties by id)";

/** The owner rule: the segment's CSM with the fewest unfinished onboardings, ties broken by id. */
export function leastLoaded(csms: readonly CsmLoad[], segment: OnboardingSegment): CsmLoad | undefined {
  return csms
    .filter((c) => c.segment === segment)
    .sort((a, b) => a.openPlans - b.openPlans || a.id.localeCompare(b.id))[0];
}

/** A milestone open more than this many days past due is stalled. */
export const STALL_DAYS = 14;
