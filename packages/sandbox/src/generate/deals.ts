import { addYears, isoDay, isoTime } from "../dates.js";
import { Rng } from "../random.js";
import { nextRenewal } from "./accounts.js";
import { businessMinute, dayBetween } from "./clock.js";
import {
  type AccountModel,
  BASE_COUNTS,
  type Ctx,
  type DealModel,
  type DealType,
  padId,
  type SizeBand,
  type Stage,
  scaled,
} from "./types.js";

export const OPEN_STAGES: readonly Stage[] = ["prospecting", "qualification", "proposal", "negotiation"];
export const STAGE_PROBABILITY: Record<Stage, number> = {
  prospecting: 10,
  qualification: 25,
  proposal: 50,
  negotiation: 75,
  closed_won: 100,
  closed_lost: 0,
};
const NEW_BUSINESS_MEDIAN: Record<SizeBand, number> = {
  "1-50": 6000,
  "51-200": 18000,
  "201-1000": 48000,
  "1000+": 120000,
};

type Draft = Omit<DealModel, "id" | "lastActivityMinute" | "activityCount">;

function roundAmount(x: number): number {
  return Math.max(500, Math.round(x / 100) * 100);
}

/** An open deal: close date in [today, end of next quarter], or slipped (past close date, still open). */
function openDeal(ctx: Ctx, r: Rng, account: AccountModel, type: DealType, amount: number): Draft {
  const slipped = r.chance(0.2);
  const closeDay = slipped ? ctx.todayDay - r.int(1, 45) : dayBetween(r, ctx.todayDay, ctx.horizonEnd);
  const stage = r.weighted(OPEN_STAGES.map((s, i) => [s, [30, 30, 25, 15][i] ?? 1] as const));
  const earliest = Math.max(account.createdDay, ctx.todayDay - 240);
  const createdDay = Math.max(earliest, Math.min(ctx.todayDay - 1, closeDay - r.int(20, 150)));
  return { account, type, stage, amount, createdDay, closeDay: Math.max(closeDay, createdDay + 1) };
}

function closedDeal(
  r: Rng,
  account: AccountModel,
  type: DealType,
  won: boolean,
  closeDay: number,
  amount: number,
) {
  const createdDay = Math.max(account.createdDay, closeDay - r.int(14, 160));
  const stage: Stage = won ? "closed_won" : "closed_lost";
  return { account, type, stage, amount, createdDay: Math.min(createdDay, closeDay - 1), closeDay };
}

/** Build all deals: structural ones (won new business, renewals, churn) then fill to the target count. */
export function buildDeals(ctx: Ctx, accounts: readonly AccountModel[]): DealModel[] {
  const r = new Rng(ctx.seed, "deals");
  const target = scaled(ctx, BASE_COUNTS.deals);
  const drafts: Draft[] = [];
  const customers = accounts.filter((a) => a.lifecycle === "customer");
  const arrs = customers.map((a) => a.contractArr).sort((x, y) => x - y);
  const tracked = arrs[Math.floor(arrs.length * 0.7)] ?? 0; // renewals are tracked as deals for the top 30%
  const today = ctx.todayDay;
  for (const a of accounts) {
    if (a.lifecycle === "prospect") continue;
    const won = (day: number, type: DealType, amount: number) =>
      drafts.push(closedDeal(r, a, type, true, day, amount));
    if (a.customerSince >= ctx.windowStart)
      won(a.customerSince, "new_business", roundAmount(a.contractArr * 0.85));
    const end = a.lifecycle === "churned" ? a.churnDay : today;
    if (a.contractArr >= tracked) {
      for (let y = 1; addYears(a.customerSince, y) < end; y++) {
        const day = addYears(a.customerSince, y);
        if (day >= ctx.windowStart)
          won(day, "renewal", roundAmount(a.contractArr * (0.85 + r.next() * 0.15)));
      }
    }
    if (a.lifecycle === "churned" && a.churnDay >= ctx.windowStart) {
      drafts.push(closedDeal(r, a, "renewal", false, a.churnDay, a.contractArr));
    }
    if (a.lifecycle === "customer" && a.contractArr >= tracked) {
      const renewal = nextRenewal(a.customerSince, today);
      if (renewal <= ctx.horizonEnd) {
        const daysLeft = renewal - today;
        const stage: Stage = daysLeft < 30 ? "negotiation" : daysLeft < 90 ? "proposal" : "qualification";
        const createdDay = Math.min(today - 1, Math.max(a.customerSince + 1, renewal - r.int(100, 130)));
        const amount = a.contractArr;
        drafts.push({ account: a, type: "renewal", stage, amount, createdDay, closeDay: renewal });
      }
    }
  }
  const prospects = accounts.filter((a) => a.lifecycle === "prospect");
  while (drafts.length < target) {
    if (prospects.length > 0 && (r.chance(0.6) || customers.length === 0)) {
      const a = r.pick(prospects);
      const amount = roundAmount(r.logNormal(NEW_BUSINESS_MEDIAN[a.sizeBand], 0.6));
      const from = Math.max(ctx.windowStart, a.createdDay + 30);
      if (r.chance(0.4) || from >= today - 1) drafts.push(openDeal(ctx, r, a, "new_business", amount));
      else drafts.push(closedDeal(r, a, "new_business", false, dayBetween(r, from, today - 1), amount));
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
      businessMinute(ctx, r, lastDay, d.account.region),
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
    const reached =
      d.stage === "closed_won" ? 3 : d.stage === "closed_lost" ? r.int(0, 3) : OPEN_STAGES.indexOf(d.stage);
    const path = OPEN_STAGES.slice(0, reached + 1).filter(
      (_, i) => i === 0 || i === reached || r.chance(0.85),
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
