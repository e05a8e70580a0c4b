import type { Stage } from "@revops/model";
import { isoDay, isoTime } from "../dates.js";
import { Rng } from "../random.js";
import { nextRenewal, subscriptionTerms } from "./accounts.js";
import { businessMinute, dayBetween } from "./clock.js";
import {
  closedDeal,
  type Draft,
  firstStage,
  newBusinessAmount,
  newBusinessLosses,
  OPEN_STAGES,
  openDeal,
  renewalChangeQuote,
  roundAmount,
  STAGE_PROBABILITY,
} from "./funnel.js";
import { type AccountModel, BASE_COUNTS, type Ctx, type DealModel, padId, scaled } from "./types.js";

export { OPEN_STAGES, STAGE_PROBABILITY } from "./funnel.js";

/** Build all deals: structural ones (new business, renewals, churn) then fill to the target count. */
export function buildDeals(ctx: Ctx, accounts: readonly AccountModel[]): DealModel[] {
  const r = new Rng(ctx.seed, "deals");
  const target = scaled(ctx, BASE_COUNTS.deals);
  const drafts: Draft[] = [];
  const customers = accounts.filter((a) => a.lifecycle === "customer");
  const arrs = customers.map((a) => a.contractArr).sort((x, y) => x - y);
  const tracked = arrs[Math.floor(arrs.length * 0.7)] ?? 0; // renewals are tracked as deals for the top 30%
  const today = ctx.todayDay;
  const wins: Draft[] = [];
  for (const a of accounts) {
    if (a.lifecycle === "prospect") continue;
    if (a.customerSince >= ctx.windowStart)
      wins.push(closedDeal(r, a, "new_business", true, a.customerSince, newBusinessAmount(r, a)));
    if (a.contractArr < tracked) continue;
    const terms = subscriptionTerms(ctx, a);
    for (const [j, term] of terms.entries()) {
      if (j === 0 || term.start < ctx.windowStart || term.start >= today) continue;
      drafts.push(closedDeal(r, a, "renewal", true, term.start, roundAmount(term.arr)));
    }
    if (a.lifecycle === "churned" && a.churnDay >= ctx.windowStart) {
      drafts.push(closedDeal(r, a, "renewal", false, a.churnDay, a.contractArr));
    }
    if (a.lifecycle === "customer") {
      const renewal = nextRenewal(a.customerSince, today);
      if (renewal <= ctx.horizonEnd) {
        const daysLeft = renewal - today;
        const reached = daysLeft < 30 ? 3 : daysLeft < 90 ? 2 : 1;
        const stage = OPEN_STAGES[reached] as Stage;
        const createdDay = Math.min(today - 1, Math.max(a.customerSince + 1, renewal - r.int(100, 130)));
        const amount = roundAmount(a.contractArr * renewalChangeQuote(r));
        drafts.push({ account: a, type: "renewal", stage, reached, amount, createdDay, closeDay: renewal });
      }
    }
  }
  const prospects = accounts.filter((a) => a.lifecycle === "prospect");
  drafts.push(...wins, ...newBusinessLosses(ctx, r, wins, prospects));
  while (drafts.length < target) {
    if (prospects.length > 0 && (r.chance(0.45) || customers.length === 0)) {
      const a = r.pick(prospects);
      drafts.push(openDeal(ctx, r, a, "new_business", newBusinessAmount(r, a)));
    } else if (customers.length > 0) {
      const a = r.pick(customers);
      const amount = roundAmount(r.logNormal(a.contractArr * 0.25, 0.5));
      const from = Math.max(ctx.windowStart, a.customerSince + 90);
      const roll = r.next();
      if (roll < 0.25 || from >= today - 1) drafts.push(openDeal(ctx, r, a, "expansion", amount));
      else drafts.push(closedDeal(r, a, "expansion", roll < 0.75, dayBetween(r, from, today - 1), amount));
    } else break;
  }
  drafts.length = Math.min(drafts.length, target);
  drafts.sort(
    (x, y) => x.createdDay - y.createdDay || x.closeDay - y.closeDay || x.account.idx - y.account.idx,
  );
  return drafts.map((d, i) => {
    const closed = d.stage === "closed_won" || d.stage === "closed_lost";
    const stale = r.chance(0.15) ? r.int(20, 60) : Math.floor(-Math.log(1 - r.next()) * 4);
    const lastDay = closed ? d.closeDay - r.int(0, 3) : Math.max(d.createdDay, today - stale);
    const lastActivityMinute = Math.max(
      businessMinute(ctx, r, Math.max(lastDay, d.createdDay), d.account.region),
      d.createdDay * 1440,
    );
    return { ...d, id: padId("deal", i + 1, target), lastActivityMinute, activityCount: 1 };
  });
}
function forecastCategory(r: Rng, stage: Stage): string {
  if (stage === "closed_won") return "closed";
  if (stage === "closed_lost") return "omitted";
  if (stage === "negotiation") return r.chance(0.7) ? "commit" : "best_case";
  if (stage === "proposal") return r.chance(0.5) ? "best_case" : "pipeline";
  return "pipeline";
}

const NEXT_STEPS: Record<Stage, readonly string[]> = {
  prospecting: ["Book discovery call", "Research org chart", "Send intro deck"],
  qualification: ["Confirm budget and timeline", "Identify economic buyer", "Run technical discovery"],
  proposal: ["Deliver proposal", "Security questionnaire", "Pricing review with champion"],
  negotiation: ["Redlines with legal", "Final pricing approval", "Procurement sign-off"],
  closed_won: ["Handoff to customer success", "Kickoff scheduled"],
  closed_lost: [""],
};

function dealName(d: DealModel): string {
  const year = isoDay(d.closeDay).slice(0, 4);
  if (d.type === "renewal") return `${d.account.name} - Renewal ${year}`;
  if (d.type === "expansion") return `${d.account.name} - Expansion ${year}`;
  return `${d.account.name} - New Business`;
}

export function* dealRows(ctx: Ctx, deals: readonly DealModel[]): Generator<unknown[]> {
  const r = new Rng(ctx.seed, "deal-rows");
  for (const d of deals) {
    const a = d.account;
    const next = r.pick(NEXT_STEPS[d.stage]) || null;
    const forecast = forecastCategory(r, d.stage);
    const close = isoDay(d.closeDay);
    const created = isoDay(d.createdDay);
    const last = isoTime(d.lastActivityMinute);
    const prob = STAGE_PROBABILITY[d.stage];
    yield [
      d.id,
      dealName(d),
      a.id,
      a.ownerId,
      d.stage,
      d.amount,
      prob,
      close,
      created,
      d.type,
      forecast,
      next,
      last,
    ];
  }
}

/** Stage path from creation to the current stage: monotone, occasionally skipping a stage. */
export function* stageHistoryRows(ctx: Ctx, deals: readonly DealModel[]): Generator<unknown[]> {
  const r = new Rng(ctx.seed, "stage-history");
  let n = 0;
  const total = scaled(ctx, BASE_COUNTS.deals) * 5;
  for (const d of deals) {
    const closed = d.stage === "closed_won" || d.stage === "closed_lost";
    const first = Math.min(firstStage(d.type), d.reached);
    const path = OPEN_STAGES.slice(first, d.reached + 1).filter(
      (_, i, all) => i === 0 || i === all.length - 1 || r.chance(0.85),
    );
    if (closed) path.push(d.stage);
    const start = d.createdDay * 1440 + r.int(8 * 60, 17 * 60);
    const end = closed ? d.closeDay * 1440 + 17 * 60 : ctx.nowMinute - 60;
    const times = path.map((_, i) => (i === 0 ? start : start + Math.floor(r.next() * (end - start))));
    times.sort((x, y) => x - y);
    if (closed) times[times.length - 1] = end;
    let prev: Stage | null = null;
    let last = start - 1;
    for (let i = 0; i < path.length; i++) {
      last = Math.max(times[i] ?? start, last + 1);
      yield [padId("dsh", ++n, total), d.id, prev, path[i], isoTime(last)];
      prev = path[i] ?? null;
    }
  }
}
