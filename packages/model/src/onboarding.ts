import type { WriteOrigin } from "./writes.js";

/** Onboarding segments: the account's size band decides how long and deep onboarding is. */
export type OnboardingSegment = "smb" | "mid_market" | "enterprise";

export interface MilestoneDraft {
  seq: number;
  name: string;
  dueDate: string;
  value: boolean;
}

/** A customer-success manager and how many unfinished onboardings they own. */
export interface CsmLoad {
  id: string;
  name: string;
  segment: OnboardingSegment;
  openPlans: number;
}

/** A won deal as onboarding needs it: the account, its size segment and product plan. */
export interface WonDeal {
  dealId: string;
  dealName: string;
  stage: string;
  type: string;
  closeDate: string;
  accountId: string;
  accountName: string;
  segment: OnboardingSegment;
  plan: string | null;
}

export interface OnboardingMilestone extends MilestoneDraft {
  doneDate: string | null;
}

export interface OnboardingPlan {
  id: string;
  dealId: string;
  accountId: string;
  accountName: string;
  segment: OnboardingSegment;
  ownerId: string;
  ownerName: string;
  startDate: string;
  milestones: OnboardingMilestone[];
}

export interface NewOnboardingPlan {
  deal: WonDeal;
  ownerId: string;
  milestones: MilestoneDraft[];
}

export interface OnboardingPort {
  /** The deal with its account's segment and plan; undefined when there is no such deal. */
  wonDeal(dealId: string): Promise<WonDeal | undefined>;
  /** Plans of these deals, by deal id. */
  plansOfDeals(dealIds: readonly string[]): Promise<Map<string, OnboardingPlan>>;
  /** Every CSM with their unfinished onboardings (the owner rule's input). */
  csmLoads(): Promise<CsmLoad[]>;
  /** Creates the plan once per deal; a retry with the same idempotency key returns it as recovered. */
  createPlan(
    p: NewOnboardingPlan,
    origin: WriteOrigin,
  ): Promise<{ plan: OnboardingPlan; recovered: boolean }>;
  /** Every onboarding plan with its milestones. */
  plans(): Promise<OnboardingPlan[]>;
}
