import type { SizeBand } from "@revops/model";
import { isoTime } from "../dates.js";
import { allocate, Rng } from "../random.js";
import { contactId, randomContact } from "./accounts.js";
import { businessMinute } from "./clock.js";
import { type ActivityType, activityBody } from "./text.js";
import { type AccountModel, BASE_COUNTS, type Ctx, type DealModel, padId, scaled } from "./types.js";

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
/** Ground truth: deals that got further, and bigger companies, take more touches; renewals fewer. */
const STAGE_WEIGHT = [3, 6, 10, 14];
const SIZE_WEIGHT: Record<SizeBand, number> = { "1-50": 0.6, "51-200": 0.85, "201-1000": 1.2, "1000+": 1.6 };
const TYPE_WEIGHT: Record<DealModel["type"], number> = { new_business: 1, expansion: 0.8, renewal: 0.6 };

const lastDayOf = (d: DealModel) => Math.max(d.createdDay, Math.floor(d.lastActivityMinute / 1440));

/** Like `allocate`, but no part exceeds its cap; what a capped part cannot take goes to the others. */
function allocateCapped(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const parts = weights.map(() => 0);
  const open = new Set(weights.map((_, i) => i));
  let left = total;
  for (let round = 0; round < 8 && left > 0 && open.size > 0; round++) {
    const ids = [...open];
    const share = allocate(
      left,
      ids.map((i) => weights[i] ?? 0),
      0,
    );
    left = 0;
    ids.forEach((i, k) => {
      const room = (caps[i] ?? 0) - (parts[i] ?? 0);
      const add = Math.min(room, share[k] ?? 0);
      parts[i] = (parts[i] ?? 0) + add;
      left += (share[k] ?? 0) - add;
      if (add === room) open.delete(i);
    });
  }
  return parts;
}

/**
 * Split the activity budget: ~60% on deals (>= 1 each, by stage reached, size and type; at most one a day
 * over the deal's life besides its newest), the rest account-level customer work.
 */
export function planActivities(ctx: Ctx, deals: DealModel[], accounts: readonly AccountModel[]): number[] {
  const total = scaled(ctx, BASE_COUNTS.activities);
  const dealBudget = Math.max(deals.length, Math.round(total * 0.6));
  const weights = deals.map((d) => {
    const won = d.stage === "closed_won" ? 1.25 : 1;
    return (STAGE_WEIGHT[d.reached] ?? 1) * won * SIZE_WEIGHT[d.account.sizeBand] * TYPE_WEIGHT[d.type];
  });
  const caps = deals.map((d) => lastDayOf(d) - d.createdDay + 1);
  const extra = allocateCapped(dealBudget - deals.length, weights, caps);
  let used = 0;
  deals.forEach((d, i) => {
    d.activityCount = 1 + (extra[i] ?? 0);
    used += d.activityCount;
  });
  const accountWeights = accounts.map((a) =>
    a.lifecycle === "prospect"
      ? 0
      : Math.sqrt(a.seats) * (a.atRisk ? 1.5 : 1) * (a.lifecycle === "churned" ? 0.5 : 1),
  );
  return allocate(Math.max(0, total - used), accountWeights, 0);
}

/** Day of the k-th of `n` events spread evenly (stratified) over [from, to]: at most two share a day. */
function spreadDay(r: Rng, from: number, to: number, k: number, n: number): number {
  return from + Math.min(to - from, Math.floor(((k + r.next()) * (to - from + 1)) / n));
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
      activityBody(r, type),
      isoTime(t),
      a.id,
      contact,
      deal,
      a.ownerId,
    ];
  };
  for (const d of deals) {
    const last = lastDayOf(d);
    const earliest = d.createdDay * 1440;
    yield row(r.weighted(TYPES), DEAL_SUBJECTS, d.lastActivityMinute, d.account, d.id);
    for (let k = 0; k < d.activityCount - 1; k++) {
      const day = spreadDay(r, d.createdDay, last, k, d.activityCount - 1);
      const t = businessMinute(ctx, r, day, d.account.region);
      const type = r.weighted(TYPES);
      yield row(type, DEAL_SUBJECTS, Math.max(earliest, Math.min(t, d.lastActivityMinute)), d.account, d.id);
    }
  }
  for (const a of accounts) {
    const count = perAccount[a.idx] ?? 0;
    const end = a.lifecycle === "churned" ? a.churnDay : ctx.todayDay;
    const from = Math.max(a.customerSince, end - 365);
    // At-risk accounts: CSMs step in over the last quarter.
    const recent = a.atRisk ? Math.round(count * 0.6) : 0;
    for (let k = 0; k < count; k++) {
      const day =
        k < recent
          ? spreadDay(r, Math.max(from, end - 90), end, k, recent)
          : spreadDay(r, from, end, k - recent, count - recent);
      yield row(r.weighted(TYPES), ACCOUNT_SUBJECTS, businessMinute(ctx, r, day, a.region), a, null);
    }
  }
}
