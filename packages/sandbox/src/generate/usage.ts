import { isoDay, weekday } from "../dates.js";
import { Rng } from "../random.js";
import { churnedLoudly } from "./accounts.js";
import type { AccountModel, Ctx } from "./types.js";

/** Days of daily usage kept: 180 before today for customers, 120 before the churn date for churned accounts. */
const CUSTOMER_DAYS = 180;
const CHURNED_DAYS = 120;
/** Monthly actives go back this far before the 8-quarter window (features for the first renewals in it). */
const MONTHLY_LEAD_DAYS = 183;
/** Daily noise is bounded (±3σ of 8%) so a month's actives can be bounded by its busiest day. */
const MAX_NOISE = 1 + 0.08 * 3;

/** An account's usage curve: the same draws for its daily and monthly rows. */
interface UsageProfile {
  a: AccountModel;
  /** Usage ends the day before this (today, or the churn date). */
  endDay: number;
  base: number;
  perUser: number;
  featureRate: number;
  growth: number;
  declining: boolean;
  declineStart: number;
  floor: number;
}

function usageEnd(ctx: Ctx, a: AccountModel): number {
  if (a.lifecycle === "customer") return ctx.todayDay;
  return a.lifecycle === "churned" && a.churnDay >= ctx.windowStart ? a.churnDay : -1;
}

function profileOf(ctx: Ctx, a: AccountModel, r: Rng, endDay: number): UsageProfile {
  const base = a.seats * (0.35 + r.next() * 0.35);
  const perUser = 15 + r.next() * 25;
  const featureRate = 0.1 + r.next() * 0.2;
  const growth = -0.1 + r.next() * 0.35;
  const declineStart = r.int(50, 100);
  const floor = 0.3 + r.next() * 0.2;
  const declining = a.atRisk || churnedLoudly(ctx, a);
  return { a, endDay, base, perUser, featureRate, growth, declining, declineStart, floor };
}

/** Expected active users on `day` as a share of the baseline (before daily noise). */
function usageFactor(p: UsageProfile, day: number): number {
  const back = p.endDay - day;
  let f = 1 + p.growth * Math.max(0, (CUSTOMER_DAYS - back) / CUSTOMER_DAYS);
  const tenure = day - p.a.customerSince;
  if (tenure < 45) f *= 0.3 + (0.7 * tenure) / 45; // onboarding ramp
  if (p.declining && back < p.declineStart)
    f *= 1 - (1 - p.floor) * ((p.declineStart - back) / p.declineStart);
  const wd = weekday(day);
  if (wd === 0 || wd === 6) f *= 0.4;
  return f;
}

/** Daily usage for customers (last 180 days) and churned accounts (120 days before churn); troubled ones decline. */
export function* usageRows(ctx: Ctx, accounts: readonly AccountModel[]): Generator<unknown[]> {
  for (const a of accounts) {
    const endDay = usageEnd(ctx, a);
    if (endDay < 0) continue;
    const r = new Rng(ctx.seed, `usage:${a.idx}`);
    const p = profileOf(ctx, a, r, endDay);
    for (let back = a.lifecycle === "customer" ? CUSTOMER_DAYS : CHURNED_DAYS; back >= 1; back--) {
      const day = endDay - back;
      if (day < a.customerSince) continue;
      const noise = Math.max(-3, Math.min(3, r.normal()));
      const active = Math.max(0, Math.round(p.base * usageFactor(p, day) * (1 + 0.08 * noise)));
      const events = Math.max(0, Math.round(active * p.perUser * (1 + 0.1 * r.normal())));
      const keyUses = Math.round(events * p.featureRate * (p.declining && back < p.declineStart ? 0.6 : 1));
      yield [a.id, isoDay(day), Math.min(active, a.seats), events, keyUses];
    }
  }
}

// asked for every account's every month: a Date per call was a tenth of the monthly rows' time at 100×
const monthStarts = new Map<number, number>();
const monthStart = (day: number) => {
  let start = monthStarts.get(day);
  if (start === undefined) {
    const d = new Date(day * 86_400_000);
    start = Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 86_400_000);
    if (monthStarts.size < 100_000) monthStarts.set(day, start);
  }
  return start;
};
const nextMonth = (start: number) => monthStart(start + 31);

/**
 * Monthly active users per account and calendar month (the last one month-to-date): at least the busiest day's
 * actives, at most the seats. Bounded by the same curve as the daily rows, so the two always agree.
 */
export function* monthlyUsageRows(ctx: Ctx, accounts: readonly AccountModel[]): Generator<unknown[]> {
  for (const a of accounts) {
    const endDay = usageEnd(ctx, a);
    if (endDay < 0) continue;
    const p = profileOf(ctx, a, new Rng(ctx.seed, `usage:${a.idx}`), endDay);
    const r = new Rng(ctx.seed, `usage-monthly:${a.idx}`);
    const first = Math.max(a.customerSince, ctx.windowStart - MONTHLY_LEAD_DAYS);
    for (let m = monthStart(first), next = nextMonth(m); m < endDay; m = next, next = nextMonth(m)) {
      let peak = 0;
      const to = Math.min(next, endDay);
      for (let day = Math.max(m, first); day < to; day++) peak = Math.max(peak, usageFactor(p, day));
      // occasional users (1.1-1.5x the busiest day) are the first to go when an account declines
      const occasional = 1.1 + r.next() * 0.4;
      const fading = p.declining && next > endDay - p.declineStart;
      const mau = Math.ceil(p.base * peak * MAX_NOISE * (fading ? 1 : occasional));
      yield [a.id, isoDay(m).slice(0, 7), Math.min(a.seats, mau)];
    }
  }
}
