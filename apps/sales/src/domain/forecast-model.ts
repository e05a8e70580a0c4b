/**
 * forecast-v2: dollar-weighted stage conversion by deal type × amount band, learned from what open deals at the
 * same point of past quarters went on to win, beta-pooled toward closed-deal stage rates (and a rep toward the
 * team); slipped deals discounted; deals not yet created estimated from the same point of past quarters; a
 * seeded Monte Carlo for P10/P50/P90. Pure: no I/O.
 */
import { mean, quantileSorted, sampleStandardDeviation } from "simple-statistics";
import { OPEN_STAGES } from "./pipeline";

export const FORECAST_METHOD =
  "forecast-v2: won + open $ × P(win | type, amount band, stage) — what open deals at the same point of the last 4 quarters won, dollar-weighted, beta-pooled toward closed-deal stage rates (type, stage; rep → team) — slipped deals discounted, + deals not yet created (same point, past quarters); seeded Monte Carlo P10/P50/P90";

export const DEAL_TYPES = ["new_business", "expansion", "renewal"] as const;
export type DealTypeName = (typeof DEAL_TYPES)[number];

/** CRM default stage probabilities: the root prior, and all there is without stage history. */
export const CRM_STAGE_PROBABILITY: Record<string, number> = {
  prospecting: 0.1,
  qualification: 0.25,
  proposal: 0.5,
  negotiation: 0.75,
};
/** Prior strength of a parent cell, in deals of the child's average size. */
export const PRIOR_DEALS = 10;
/** Multiplier on the conversion of an open deal past its close date by ≤ 30 days (1) and more (2). */
export const SLIP_FACTOR: Record<number, number> = { 0: 1, 1: 0.5, 2: 0.25 };
export const SIMULATIONS = 4000;
/** Draws per backtest point (12 points: fewer keeps the call fast; the quantiles move by < 1%). */
export const BACKTEST_SIMULATIONS = 2000;
export const SEED = 20261;

export interface ConversionCellLike {
  month: string;
  type: string;
  band: string;
  stage: string;
  deals: number;
  won: number;
  amount: number;
  wonAmount: number;
}

export interface SnapshotCellLike {
  point: number;
  type: string;
  band: string;
  stage: string;
  category: string;
  slip: number;
  deals: number;
  amount: number;
  amountSq: number;
  finalWonAmount: number;
}

interface Tally {
  deals: number;
  won: number;
  amount: number;
  wonAmount: number;
}

const add = (m: Map<string, Tally>, key: string, c: Tally) => {
  const t = m.get(key) ?? { deals: 0, won: 0, amount: 0, wonAmount: 0 };
  t.deals += c.deals;
  t.won += c.won;
  t.amount += c.amount;
  t.wonAmount += c.wonAmount;
  m.set(key, t);
};

/** Beta-pooled dollar rate: the cell's won $ / $ with `k` deals of its average size at the prior's rate. */
export function pooled(c: Tally | undefined, prior: number, k = PRIOR_DEALS): number {
  if (!c || c.deals === 0 || c.amount <= 0) return prior;
  const avg = c.amount / c.deals;
  return (c.wonAmount + k * avg * prior) / (c.amount + k * avg);
}

export interface RateTable {
  rate(type: string, band: string, stage: string): number;
  /** Team rate by type and stage (pooled), for display. */
  typeStage(type: string, stage: string): number;
  /** Closed deals behind the rates (team) and the owner's. */
  closedDeals: number;
  ownerClosedDeals: number;
  /** type×band×stage cells the pipeline uses whose own sample is under PRIOR_DEALS (count, set by use). */
  thin: Set<string>;
  /** Relative quarter-to-quarter spread of each type's dollar conversion (for the simulation). */
  spread: Record<string, number>;
}

/** Rates from closed-deal cells (team) and, for one rep, the rep's cells shrunk toward the team's. */
export function rateTable(
  team: readonly ConversionCellLike[],
  owner?: readonly ConversionCellLike[],
  k = PRIOR_DEALS,
  snapshots: readonly SnapshotCellLike[] = [],
): RateTable {
  const byStage = new Map<string, Tally>();
  const byTypeStage = new Map<string, Tally>();
  const byCell = new Map<string, Tally>();
  const byOwnerCell = new Map<string, Tally>();
  const byTypeQuarter = new Map<string, Tally>();
  let closed = 0;
  for (const c of team) {
    add(byStage, c.stage, c);
    add(byTypeStage, `${c.type}|${c.stage}`, c);
    add(byCell, `${c.type}|${c.band}|${c.stage}`, c);
    add(byTypeQuarter, `${c.type}|${quarterOfMonth(c.month)}`, c);
    if (c.stage === firstStage(c.type)) closed += c.deals;
  }
  let ownerClosed = 0;
  for (const c of owner ?? []) {
    add(byOwnerCell, `${c.type}|${c.band}|${c.stage}`, c);
    if (c.stage === firstStage(c.type)) ownerClosed += c.deals;
  }
  const typeStage = (type: string, stage: string) =>
    pooled(
      byTypeStage.get(`${type}|${stage}`),
      pooled(byStage.get(stage), CRM_STAGE_PROBABILITY[stage] ?? 0, k),
      k,
    );
  // what open deals at the same point of past quarters went on to win: corrects the reached-stage rate for
  // deals that sit long in a stage before they are lost (a snapshot holds more of them than "reached" counts)
  const bySnap = new Map<string, Tally>();
  const bySnapTypeStage = new Map<string, Tally>();
  for (const c of snapshots) {
    if (!(OPEN_STAGES as readonly string[]).includes(c.stage) || c.slip > 0) continue;
    const t = { deals: c.deals, won: 0, amount: c.amount, wonAmount: c.finalWonAmount };
    add(bySnap, `${c.type}|${c.band}|${c.stage}`, t);
    add(bySnapTypeStage, `${c.type}|${c.stage}`, t);
  }
  const thin = new Set<string>();
  const spread: Record<string, number> = {};
  for (const type of DEAL_TYPES) {
    const rates = [...byTypeQuarter.entries()]
      .filter(([key, t]) => key.startsWith(`${type}|`) && t.amount > 0)
      .map(([, t]) => t.wonAmount / t.amount);
    const m = rates.length ? mean(rates) : 0;
    const rel = rates.length >= 2 && m > 0 ? sampleStandardDeviation(rates) / m : 0.15;
    spread[type] = Math.min(0.5, Math.max(0.05, rel));
  }
  return {
    typeStage,
    rate(type, band, stage) {
      const key = `${type}|${band}|${stage}`;
      const cell = byCell.get(key);
      if (!cell || cell.deals < k) thin.add(key);
      const teamRate = pooled(cell, typeStage(type, stage), k);
      const reachedRate = owner ? pooled(byOwnerCell.get(key), teamRate, k) : teamRate;
      return pooled(bySnap.get(key), pooled(bySnapTypeStage.get(`${type}|${stage}`), reachedRate, k), k);
    },
    closedDeals: closed,
    ownerClosedDeals: ownerClosed,
    thin,
    spread,
  };
}

/** Every closed deal reached the first stage its type enters at (renewals enter at qualification). */
const firstStage = (type: string) => (type === "renewal" ? "qualification" : "prospecting");
const quarterOfMonth = (month: string) =>
  `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;

/** Seeded PRNG (mulberry32) and standard normals (Box–Muller): the same inputs give the same forecast. */
export function seededNormal(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = uniform() || 1e-12;
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export interface TypeLine {
  won: number;
  open: number;
  expected: number;
  p50: number;
}

export interface PointForecast {
  won: number;
  p10: number;
  p50: number;
  p90: number;
  expected: number;
  /** Expected dollars from deals not created yet. */
  notYetCreated: number;
  byType: Record<DealTypeName, TypeLine>;
  open: { deals: number; amount: number };
  slipped: { deals: number; amount: number; expected: number };
  categories: { closed_won: number; commit: number; best_case: number; pipeline: number };
  /** Σ final won $ of the window's deals (the actual, for a past point). */
  actual: number;
}

const isOpenStage = (s: string) => (OPEN_STAGES as readonly string[]).includes(s);

/**
 * One point's forecast: its snapshot cells, the rates, and the not-yet-created won $ of the same point in past
 * quarters per type (empty: none expected).
 */
export function forecastPoint(
  cells: readonly SnapshotCellLike[],
  rates: RateTable,
  newDealHistory: Record<string, number[]>,
  sims = SIMULATIONS,
  seed = SEED,
): PointForecast {
  const byType = Object.fromEntries(
    DEAL_TYPES.map((t) => [t, { won: 0, open: 0, expected: 0, p50: 0 }]),
  ) as Record<DealTypeName, TypeLine>;
  const groups: { type: number; mean: number; sd: number; cap: number }[] = [];
  const open = { deals: 0, amount: 0 };
  const slipped = { deals: 0, amount: 0, expected: 0 };
  const cats = { commit: 0, best_case: 0, pipeline: 0 };
  let won = 0;
  let actual = 0;
  for (const c of cells) {
    actual += c.finalWonAmount;
    const t = DEAL_TYPES.indexOf(c.type as DealTypeName);
    const line = byType[c.type as DealTypeName];
    if (!line) continue;
    if (c.stage === "closed_won") {
      won += c.amount;
      line.won += c.amount;
      continue;
    }
    if (!isOpenStage(c.stage)) continue;
    const p = Math.min(1, rates.rate(c.type, c.band, c.stage) * (SLIP_FACTOR[c.slip] ?? 1));
    open.deals += c.deals;
    open.amount += c.amount;
    line.open += c.amount;
    line.expected += p * c.amount;
    if (c.slip > 0) {
      slipped.deals += c.deals;
      slipped.amount += c.amount;
      slipped.expected += p * c.amount;
    }
    if (c.category in cats) cats[c.category as keyof typeof cats] += c.amount;
    groups.push({ type: t, mean: p * c.amount, sd: Math.sqrt(p * (1 - p) * c.amountSq), cap: c.amount });
  }
  const fresh = DEAL_TYPES.map((type) => {
    const v = newDealHistory[type] ?? [];
    return {
      mean: v.length ? mean(v) : 0,
      sd: v.length >= 2 ? sampleStandardDeviation(v) : v.length ? (v[0] as number) * 0.5 : 0,
    };
  });
  fresh.forEach((f, i) => {
    byType[DEAL_TYPES[i] as DealTypeName].expected += f.mean;
  });
  const normal = seededNormal(seed);
  const totals: number[] = new Array(sims);
  const perType: number[][] = DEAL_TYPES.map(() => new Array(sims));
  const spread = DEAL_TYPES.map((t) => rates.spread[t] ?? 0.15);
  const base = DEAL_TYPES.map((t) => byType[t].won);
  const shock = [0, 0, 0];
  const sum = [0, 0, 0];
  for (let s = 0; s < sims; s++) {
    for (let i = 0; i < 3; i++) {
      const sd = spread[i] as number;
      // one conversion shock per type and draw: a quarter converts better or worse for all its deals at once
      shock[i] = Math.exp(sd * normal() - (sd * sd) / 2);
      const f = fresh[i] as { mean: number; sd: number };
      sum[i] = (base[i] as number) + Math.max(0, f.mean + f.sd * normal());
    }
    for (const g of groups) {
      const x = g.mean * (shock[g.type] as number) + g.sd * normal();
      sum[g.type] = (sum[g.type] as number) + Math.min(g.cap, Math.max(0, x));
    }
    let total = 0;
    for (let i = 0; i < 3; i++) {
      (perType[i] as number[])[s] = sum[i] as number;
      total += sum[i] as number;
    }
    totals[s] = total;
  }
  totals.sort((a, b) => a - b);
  DEAL_TYPES.forEach((t, i) => {
    const sorted = (perType[i] as number[]).sort((a, b) => a - b);
    byType[t].p50 = Math.round(quantileSorted(sorted, 0.5));
    byType[t].won = Math.round(byType[t].won);
    byType[t].open = Math.round(byType[t].open);
    byType[t].expected = Math.round(byType[t].won + byType[t].expected);
  });
  const commit = won + cats.commit;
  return {
    won: Math.round(won),
    p10: Math.round(quantileSorted(totals, 0.1)),
    p50: Math.round(quantileSorted(totals, 0.5)),
    p90: Math.round(quantileSorted(totals, 0.9)),
    expected: Math.round(DEAL_TYPES.reduce((t, k) => t + byType[k].expected, 0)),
    notYetCreated: Math.round(fresh.reduce((t, f) => t + f.mean, 0)),
    byType,
    open: { deals: open.deals, amount: Math.round(open.amount) },
    slipped: {
      deals: slipped.deals,
      amount: Math.round(slipped.amount),
      expected: Math.round(slipped.expected),
    },
    categories: {
      closed_won: Math.round(won),
      commit: Math.round(commit),
      best_case: Math.round(commit + cats.best_case),
      pipeline: Math.round(commit + cats.best_case + cats.pipeline),
    },
    actual: Math.round(actual),
  };
}

/** Won $ per type of the deals not yet created at a point (what a past point's pipeline could not show). */
export function notYetCreatedWon(cells: readonly SnapshotCellLike[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(DEAL_TYPES.map((t) => [t, 0]));
  for (const c of cells) if (c.stage === "not_created") out[c.type] = (out[c.type] ?? 0) + c.finalWonAmount;
  return out;
}

export interface BacktestPoint {
  quarter: string;
  week: number;
  p10: number;
  p50: number;
  p90: number;
  actual: number;
  /** (P50 − actual) / actual. */
  error: number;
}

export interface BacktestSummary {
  points: number;
  mean_signed_error: number;
  mean_abs_error: number;
  p10_p90_coverage: number;
}

export function summariseBacktest(points: readonly BacktestPoint[]): BacktestSummary | undefined {
  const scored = points.filter((p) => p.actual > 0);
  if (scored.length === 0) return undefined;
  const r3 = (n: number) => Math.round(n * 1000) / 1000;
  return {
    points: scored.length,
    mean_signed_error: r3(mean(scored.map((p) => p.error))),
    mean_abs_error: r3(mean(scored.map((p) => Math.abs(p.error)))),
    p10_p90_coverage: r3(scored.filter((p) => p.actual >= p.p10 && p.actual <= p.p90).length / scored.length),
  };
}
