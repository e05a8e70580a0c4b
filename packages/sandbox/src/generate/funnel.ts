import type { DealType, SizeBand, Stage } from "@revops/model";
import { addQuarters, quarterStart } from "../dates.js";
import type { Rng } from "../random.js";
import { dayBetween } from "./clock.js";
import type { AccountModel, Ctx, DealModel } from "./types.js";

/** The sales funnel's ground truth: stages, cycle lengths, where deals are lost and how win rates fall with size. */
export const OPEN_STAGES: readonly Stage[] = ["prospecting", "qualification", "proposal", "negotiation"];
export const STAGE_PROBABILITY: Record<Stage, number> = {
  prospecting: 10,
  qualification: 25,
  proposal: 50,
  negotiation: 75,
  closed_won: 100,
  closed_lost: 0,
};
/** Median sales cycle in days: bigger companies buy more slowly. */
const CYCLE_MEDIAN: Record<SizeBand, number> = { "1-50": 30, "51-200": 48, "201-1000": 75, "1000+": 115 };
/** Where lost deals die (index into OPEN_STAGES): most early in the funnel, fewest in negotiation. */
const LOSS_STAGE: readonly (readonly [number, number])[] = [
  [0, 42],
  [1, 30],
  [2, 18],
  [3, 10],
];
const RENEWAL_LOSS_STAGE: readonly (readonly [number, number])[] = [
  [1, 35],
  [2, 35],
  [3, 30],
];
/** Renewals enter the funnel at qualification; new business and expansions at prospecting. */
export const firstStage = (type: DealType): number => (type === "renewal" ? 1 : 0);

export type Draft = Omit<DealModel, "id" | "lastActivityMinute" | "activityCount">;

export function roundAmount(x: number): number {
  return Math.max(500, Math.round(x / 100) * 100);
}

/** Ground truth: new-business win probability falls with deal size (55% under $10k, 20% at $100k and up). */
export function newBusinessWinRate(amount: number): number {
  return Math.min(0.55, Math.max(0.2, 0.55 - 0.35 * Math.log10(amount / 10_000)));
}

/** First-year amount of a new-business deal: the same formula for every prospect, won, lost or open. */
export function newBusinessAmount(r: Rng, a: AccountModel): number {
  return roundAmount(a.contractArr * (0.75 + r.next() * 0.2));
}

function cycleDays(r: Rng, band: SizeBand, factor = 1): number {
  return Math.min(330, Math.max(7, Math.round(r.logNormal(CYCLE_MEDIAN[band] * factor, 0.35))));
}

/** An open deal: close date in [today, end of next quarter], or (~6%) slipped: past close date, still open. */
export function openDeal(ctx: Ctx, r: Rng, account: AccountModel, type: DealType, amount: number): Draft {
  const slipped = r.chance(0.06);
  const closeDay = slipped ? ctx.todayDay - r.int(1, 45) : dayBetween(r, ctx.todayDay, ctx.horizonEnd);
  const reached = r.weighted([
    [0, 30],
    [1, 30],
    [2, 25],
    [3, 15],
  ] as const);
  const stage = OPEN_STAGES[reached] as Stage;
  const earliest = Math.max(account.createdDay, ctx.todayDay - 300);
  const cycle = cycleDays(r, account.sizeBand, type === "expansion" ? 0.6 : 1);
  const createdDay = Math.max(earliest, Math.min(ctx.todayDay - 1, closeDay - cycle));
  const draft = { account, type, stage, reached, amount, createdDay };
  return { ...draft, closeDay: Math.max(closeDay, createdDay + 1) };
}

/** A closed deal; a lost one dies at an early stage mostly, so its cycle is shorter. */
export function closedDeal(
  r: Rng,
  account: AccountModel,
  type: DealType,
  won: boolean,
  closeDay: number,
  amount: number,
) {
  const small = amount < 10_000 && type !== "renewal";
  const reached = won
    ? small && r.chance(0.35)
      ? 2
      : 3
    : r.weighted(type === "renewal" ? RENEWAL_LOSS_STAGE : LOSS_STAGE);
  const full =
    type === "renewal" ? r.int(90, 130) : cycleDays(r, account.sizeBand, type === "expansion" ? 0.6 : 1);
  const cycle = won ? full : Math.max(5, Math.round((full * (reached + 1.5)) / 4.5));
  const createdDay = Math.min(Math.max(account.createdDay, closeDay - cycle), closeDay - 1);
  const stage: Stage = won ? "closed_won" : "closed_lost";
  return { account, type, stage, reached, amount, createdDay, closeDay };
}

/** A prospect of the band that existed two weeks before `closeDay` (any band if none is found quickly). */
function prospectFor(r: Rng, pool: readonly AccountModel[], all: readonly AccountModel[], closeDay: number) {
  for (const from of [pool, all]) {
    for (let tries = 0; tries < 40 && from.length > 0; tries++) {
      const a = r.pick(from);
      if (a.createdDay <= closeDay - 14) return a;
    }
  }
  return undefined;
}

/**
 * Lost new business per quarter and size band, in proportion to that quarter's wins and the band's win rate:
 * the win rate is stable over time and falls with size; losses are at prospects drawn like the winners.
 */
export function newBusinessLosses(
  ctx: Ctx,
  r: Rng,
  wins: readonly Draft[],
  prospects: readonly AccountModel[],
): Draft[] {
  const expected = new Map<string, { band: SizeBand; quarter: number; n: number }>();
  for (const w of wins) {
    const quarter = quarterStart(w.closeDay);
    const key = `${quarter}:${w.account.sizeBand}`;
    const e = expected.get(key) ?? { band: w.account.sizeBand, quarter, n: 0 };
    const p = newBusinessWinRate(w.amount);
    e.n += (1 - p) / p;
    expected.set(key, e);
  }
  const byBand = new Map<SizeBand, AccountModel[]>();
  for (const a of prospects) {
    const list = byBand.get(a.sizeBand) ?? [];
    list.push(a);
    byBand.set(a.sizeBand, list);
  }
  const out: Draft[] = [];
  for (const e of [...expected.values()].sort(
    (x, y) => x.quarter - y.quarter || x.band.localeCompare(y.band),
  )) {
    const count = Math.floor(e.n) + (r.chance(e.n - Math.floor(e.n)) ? 1 : 0);
    const last = Math.min(ctx.todayDay - 1, addQuarters(e.quarter, 1) - 1);
    for (let k = 0; k < count; k++) {
      const closeDay = dayBetween(r, e.quarter, last);
      const a = prospectFor(r, byBand.get(e.band) ?? [], prospects, closeDay);
      if (a) out.push(closedDeal(r, a, "new_business", false, closeDay, newBusinessAmount(r, a)));
    }
  }
  return out;
}

/** The quote on an open renewal: mostly flat, some uplift, some discount. */
export function renewalChangeQuote(r: Rng): number {
  const u = r.next();
  return u < 0.3 ? 1.03 + r.next() * 0.12 : u < 0.8 ? 1 : 0.88 + r.next() * 0.1;
}
