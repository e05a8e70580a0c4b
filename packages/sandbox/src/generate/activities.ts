import { isoTime } from "../dates.js";
import { allocate, Rng } from "../random.js";
import { contactId, randomContact } from "./accounts.js";
import { businessMinute } from "./clock.js";
import { type AccountModel, BASE_COUNTS, type Ctx, type DealModel, padId, scaled } from "./types.js";

type ActivityType = "email" | "call" | "meeting" | "note";
const TYPES: [ActivityType, number][] = [
  ["email", 45],
  ["call", 25],
  ["meeting", 15],
  ["note", 15],
];
const DEAL_SUBJECTS: Record<ActivityType, readonly string[]> = {
  email: [
    "Follow-up on pricing",
    "Sent proposal",
    "Security review documents",
    "Intro and next steps",
    "Recap",
  ],
  call: [
    "Discovery call",
    "Pricing discussion",
    "Champion check-in",
    "Technical deep dive",
    "Procurement call",
  ],
  meeting: ["Product demo", "Executive alignment", "Proof of concept review", "Contract walkthrough"],
  note: ["Deal notes", "Competitive intel", "Stakeholder map updated", "Budget confirmed"],
};
const ACCOUNT_SUBJECTS: Record<ActivityType, readonly string[]> = {
  email: ["Monthly usage summary", "Release notes", "Training invitation", "Invoice question"],
  call: ["Customer check-in", "Adoption review", "Support escalation follow-up", "Renewal planning"],
  meeting: ["Quarterly business review", "Onboarding session", "Admin training", "Roadmap preview"],
  note: ["Health check notes", "Champion changed roles", "Expansion opportunity spotted", "Usage concerns"],
};
const BODIES: Record<ActivityType, readonly string[]> = {
  email: [
    "Shared the deck and a short summary.",
    "Answered open questions; waiting on reply.",
    "Sent calendar invite.",
  ],
  call: [
    "Good conversation; agreed on next steps.",
    "Left voicemail, will retry.",
    "Covered goals and timeline.",
  ],
  meeting: [
    "Strong engagement from the team.",
    "Demoed dashboards and forecasting.",
    "Reviewed success plan.",
  ],
  note: ["Logged for the team.", "Flagged to manager.", "Updated CRM fields."],
};

/** Split the activity budget: 60% logged against deals (>= 1 each), 40% account-level customer work. */
export function planActivities(ctx: Ctx, deals: DealModel[], accounts: readonly AccountModel[]): number[] {
  const total = scaled(ctx, BASE_COUNTS.activities);
  const dealBudget = Math.max(deals.length, Math.round(total * 0.6));
  const dealWeights = deals.map((d) => Math.sqrt(Math.max(1, d.closeDay - d.createdDay)));
  const perDeal = allocate(dealBudget, dealWeights, 1);
  deals.forEach((d, i) => {
    d.activityCount = perDeal[i] ?? 1;
  });
  const accountWeights = accounts.map((a) =>
    a.lifecycle === "prospect"
      ? 0
      : Math.sqrt(a.seats) * (a.atRisk ? 1.5 : 1) * (a.lifecycle === "churned" ? 0.5 : 1),
  );
  return allocate(Math.max(0, total - dealBudget), accountWeights, 0);
}

export function* activityRows(
  ctx: Ctx,
  deals: readonly DealModel[],
  accounts: readonly AccountModel[],
  perAccount: readonly number[],
): Generator<unknown[]> {
  const r = new Rng(ctx.seed, "activities");
  let n = 0;
  const width = scaled(ctx, BASE_COUNTS.activities);
  const row = (
    type: ActivityType,
    subjects: typeof DEAL_SUBJECTS,
    t: number,
    a: AccountModel,
    deal: string | null,
  ) => {
    const contact = type === "note" ? null : contactId(ctx, randomContact(r, a));
    const subject = r.pick(subjects[type]);
    return [
      padId("act", ++n, width),
      type,
      subject,
      r.pick(BODIES[type]),
      isoTime(t),
      a.id,
      contact,
      deal,
      a.ownerId,
    ];
  };
  for (const d of deals) {
    const start = d.createdDay * 1440;
    for (let k = 0; k < d.activityCount; k++) {
      const type = r.weighted(TYPES);
      const t =
        k === 0 ? d.lastActivityMinute : start + Math.floor(r.next() * (d.lastActivityMinute - start));
      yield row(type, DEAL_SUBJECTS, t, d.account, d.id);
    }
  }
  for (const a of accounts) {
    const count = perAccount[a.idx] ?? 0;
    const end = a.lifecycle === "churned" ? a.churnDay : ctx.todayDay;
    const from = Math.max(a.customerSince, end - 365);
    for (let k = 0; k < count; k++) {
      // At-risk accounts: CSMs step in over the last quarter.
      const recent = a.atRisk && r.chance(0.6);
      const day = recent ? end - r.int(0, 90) : from + Math.floor(r.next() * Math.max(1, end - from));
      yield row(r.weighted(TYPES), ACCOUNT_SUBJECTS, businessMinute(ctx, r, day, a.region), a, null);
    }
  }
}
