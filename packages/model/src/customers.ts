/** Features of one yearly term as of `asOf` (every figure from records dated strictly before that day). */
export interface RenewalTermFeatures {
  termId: string;
  accountId: string;
  accountName: string;
  ownerName: string;
  plan: string;
  seats: number;
  arr: number;
  renewalDate: string;
  /** `renewed` or `cancelled` for past renewals (the label), `active` for a customer's current term. */
  status: "renewed" | "cancelled" | "active";
  /** The day the features are computed as of: `leadDays` before the renewal for history, today for upcoming. */
  asOf: string;
  /** The account's creation date in the book (tenure). */
  accountCreated: string;
  /** Tickets created in [from, asOf): `from` is the window start, clipped to the history coverage. */
  tickets: { from: string; count: number; urgentHigh: number; badCsat: number; escalated: number };
  /** NPS responses in [from, asOf). */
  nps: { from: string; responses: number; scoreSum: number; detractors: number };
  /** Customer-success activities (not on deals) in [from, asOf). */
  activities: { from: string; count: number };
  /** Monthly active users: the last complete month before `asOf`, the one before, the mean of the 4 before those. */
  monthlyActives: { last: number | null; prev: number | null; baseline: number | null };
}

export interface RenewalHistory {
  /** Every term that came up for renewal (renewed or cancelled), oldest renewal first. */
  terms: RenewalTermFeatures[];
  /**
   * The first day each source holds records of retained (current) customers. Windows before it are incomplete
   * for retained accounts (but not for churned ones), so each window is clipped to it.
   */
  coverage: { tickets: string | null; nps: string | null; activities: string | null };
  /** Days before the renewal the history's features are computed as of. */
  leadDays: number;
  /** Window lengths in days. */
  windows: { tickets: number; nps: number; activities: number };
}

/** Key-feature use of one current customer over the 30 days before today. */
export interface FeatureUse {
  accountId: string;
  events: number;
  keyFeatureUses: number;
  /** Days with at least one key-feature use. */
  keyFeatureDays: number;
}

/** One yearly subscription term of the account book: what ARR bridges and cohorts are built from. */
export interface SubscriptionTerm {
  id: string;
  accountId: string;
  plan: string;
  seats: number;
  arr: number;
  start: string;
  /** The renewal (or, for a cancelled term, the churn) date: the term is in force on [start, renewal). */
  renewal: string;
  status: "renewed" | "cancelled" | "active";
  /** The start of the account's oldest term in the book (its first term when on or after `complete_from`). */
  accountFirstStart: string;
}

export interface TermHistory {
  /** Terms in force at some point of [from, to]. */
  terms: SubscriptionTerm[];
  /** First day from which every term in force is in the book (older, finished terms were not kept). */
  completeFrom: string | null;
}

/** An open renewal deal in the CRM: what the renewal book shows beside a term. */
export interface RenewalDealRow {
  id: string;
  name: string;
  accountId: string;
  stage: string;
  forecastCategory: string;
  closeDate: string;
  amount: number;
  ownerName: string;
}

/** Customer-success fields of one account beside its firmographics: region, lifecycle, CSM and tags. */
export interface CustomerBookRow {
  accountId: string;
  name: string;
  arr: number;
  sizeBand: string;
  industry: string;
  region: string;
  lifecycle: string;
  csmId: string | null;
  csmName: string | null;
  tags: string[];
}

/** What one bulk change sets on every account it names; absent fields are left alone. */
export interface CustomerChanges {
  addTags?: string[];
  removeTags?: string[];
  /** A CSM id (`csm_03`). */
  csmId?: string;
  lifecycle?: string;
}

/** One health-weights version: fractions per component summing to 1. */
export interface HealthWeightsVersion {
  version: number;
  weights: Record<string, number>;
  note: string | null;
  principal: string | null;
  createdAt: string | null;
}
