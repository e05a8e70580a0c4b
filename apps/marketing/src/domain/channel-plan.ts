/** Channel mix for a campaign goal from the company's own past campaigns: pure arithmetic, no I/O. */

export type PlanGoal = "leads" | "pipeline";

/** A finished campaign's spend and what its sourced leads became. */
export interface PastCampaign {
  id: string;
  channel: string;
  startDate: string;
  endDate: string;
  spend: number;
  leads: number;
  opportunities: number;
  pipeline: number;
}

export interface ChannelEconomics {
  channel: string;
  campaigns: number;
  spend: number;
  leads: number;
  opportunities: number;
  pipeline: number;
  cost_per_lead: number | null;
  cost_per_opportunity: number | null;
  pipeline_per_dollar: number | null;
  /** Most the channel ever spent per day in one campaign: beyond it the plan extrapolates. */
  max_daily_spend: number;
}

export interface Range {
  low: number;
  expected: number;
  high: number;
}

export interface ChannelAllocation {
  channel: string;
  share: number;
  budget: number;
  leads: Range;
  opportunities: Range;
  pipeline: Range;
}

export interface ChannelPlan {
  allocations: ChannelAllocation[];
  total: { leads: Range; opportunities: Range; pipeline: Range };
  /** Share of resampled histories in which the plan reaches the target. */
  chance_of_target: number;
}

/** Past units a channel needs before its own rate outweighs the all-channel rate (credibility n / (n + K)). */
export const CREDIBILITY_UNITS = 10;
/** No channel gets more than this share: returns fall as a channel grows, and one bad quarter should not sink the plan. */
export const MAX_SHARE = 0.4;
export const RESAMPLES = 1000;
export const RANGE_LOW = 0.1;
export const RANGE_HIGH = 0.9;
const SEED = 20_261_123;

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : null);
const dayNumber = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000;

/** Sums per channel, alphabetical. */
export function channelEconomics(history: readonly PastCampaign[]): ChannelEconomics[] {
  const by = new Map<string, PastCampaign[]>();
  for (const c of history)
    by.set(c.channel, by.get(c.channel) ?? [])
      .get(c.channel)
      ?.push(c);
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([channel, cs]) => {
      const sum = (k: "spend" | "leads" | "opportunities" | "pipeline") => cs.reduce((s, c) => s + c[k], 0);
      const spend = sum("spend");
      return {
        channel,
        campaigns: cs.length,
        spend,
        leads: sum("leads"),
        opportunities: sum("opportunities"),
        pipeline: sum("pipeline"),
        cost_per_lead: ratio(spend, sum("leads")),
        cost_per_opportunity: ratio(spend, sum("opportunities")),
        pipeline_per_dollar: ratio(sum("pipeline"), spend),
        max_daily_spend: Math.max(
          ...cs.map((c) => round(c.spend / Math.max(1, dayNumber(c.endDate) - dayNumber(c.startDate) + 1))),
        ),
      };
    });
}

interface Rates {
  leads: number;
  opportunities: number;
  pipeline: number;
}

/** A channel's (or all channels') totals: what every rate is computed from. */
interface Totals extends Rates {
  spend: number;
}

function totalsOf(cs: readonly PastCampaign[]): Totals {
  const t = { spend: 0, leads: 0, opportunities: 0, pipeline: 0 };
  for (const c of cs) addTo(t, c);
  return t;
}

function addTo(t: Totals, c: Totals): void {
  t.spend += c.spend;
  t.leads += c.leads;
  t.opportunities += c.opportunities;
  t.pipeline += c.pipeline;
}

const perDollar = (t: Totals): Rates =>
  t.spend > 0
    ? { leads: t.leads / t.spend, opportunities: t.opportunities / t.spend, pipeline: t.pipeline / t.spend }
    : { leads: 0, opportunities: 0, pipeline: 0 };

/** Per-dollar rates of one channel, each pulled toward the all-channel rate while its own evidence is thin. */
function credibleRates(t: Totals, all: Rates): Rates {
  if (t.spend <= 0) return all;
  const own = perDollar(t);
  const blend = (rate: number, units: number, pooled: number) => {
    const z = units / (units + CREDIBILITY_UNITS);
    return z * rate + (1 - z) * pooled;
  };
  return {
    leads: blend(own.leads, t.leads, all.leads),
    opportunities: blend(own.opportunities, t.opportunities, all.opportunities),
    pipeline: blend(own.pipeline, t.opportunities, all.pipeline),
  };
}

/** Shares proportional to weight, none above MAX_SHARE, the excess handed on to the rest; sums to 1. */
export function cappedShares(weights: ReadonlyMap<string, number>): Map<string, number> {
  const shares = new Map<string, number>();
  let open = [...weights.keys()];
  let left = 1;
  // with fewer than 1/MAX_SHARE channels the cap cannot hold: split evenly above it
  const cap = Math.max(MAX_SHARE, 1 / Math.max(1, weights.size));
  while (open.length > 0) {
    const total = open.reduce((s, k) => s + (weights.get(k) ?? 0), 0);
    const propose = (k: string) => (total > 0 ? (left * (weights.get(k) ?? 0)) / total : left / open.length);
    const over = open.filter((k) => propose(k) > cap + 1e-12);
    if (over.length === 0) {
      for (const k of open) shares.set(k, propose(k));
      break;
    }
    for (const k of over) shares.set(k, cap);
    left -= cap * over.length;
    open = open.filter((k) => !over.includes(k));
  }
  return shares;
}

/** mulberry32: a small seeded generator, so the same history always gives the same ranges. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

const METRICS = ["leads", "opportunities", "pipeline"] as const;

/**
 * Splits the budget over the channels in proportion to their credibility-weighted goal per dollar (at most
 * MAX_SHARE each) and projects leads, opportunities and pipeline. Ranges: the RANGE_LOW–RANGE_HIGH quantiles
 * over RESAMPLES bootstrap resamples of each channel's past campaigns (with replacement, seeded), rates
 * recomputed on each resample.
 */
export function planChannels(
  history: readonly PastCampaign[],
  goal: PlanGoal,
  budget: number,
  target: number,
): ChannelPlan {
  const by = new Map<string, PastCampaign[]>();
  for (const c of history)
    by.set(c.channel, by.get(c.channel) ?? [])
      .get(c.channel)
      ?.push(c);
  const channels = [...by.keys()].sort();
  const all = perDollar(totalsOf(history));
  const point = new Map(channels.map((ch) => [ch, credibleRates(totalsOf(by.get(ch) ?? []), all)]));
  const shares = cappedShares(new Map(channels.map((ch) => [ch, point.get(ch)?.[goal] ?? 0])));
  const dollars = new Map(channels.map((ch) => [ch, round(budget * (shares.get(ch) ?? 0), 0)]));
  // rounding to whole dollars must not lose or add one: the last channel takes the difference
  const last = channels.at(-1);
  if (last) {
    const drift = budget - [...dollars.values()].reduce((s, d) => s + d, 0);
    dollars.set(last, (dollars.get(last) ?? 0) + drift);
  }

  const draws = new Map(channels.map((ch) => [ch, METRICS.map(() => [] as number[])]));
  const totals = METRICS.map(() => [] as number[]);
  let reached = 0;
  const next = random(SEED);
  for (let i = 0; i < RESAMPLES; i++) {
    // sums of a resample drawn straight from the index: no arrays, so thousands of campaigns stay fast
    const resampled = channels.map((ch) => {
      const cs = by.get(ch) ?? [];
      const t = { spend: 0, leads: 0, opportunities: 0, pipeline: 0 };
      for (let k = 0; k < cs.length; k++) addTo(t, cs[Math.floor(next() * cs.length)] as PastCampaign);
      return [ch, t] as const;
    });
    const pooledTotals = { spend: 0, leads: 0, opportunities: 0, pipeline: 0 };
    for (const [, t] of resampled) addTo(pooledTotals, t);
    const pooled = perDollar(pooledTotals);
    const sums = METRICS.map(() => 0);
    for (const [ch, t] of resampled) {
      const r = credibleRates(t, pooled);
      METRICS.forEach((m, j) => {
        const v = (dollars.get(ch) ?? 0) * r[m];
        draws.get(ch)?.[j]?.push(v);
        sums[j] = (sums[j] ?? 0) + v;
      });
    }
    METRICS.forEach((_, j) => {
      totals[j]?.push(sums[j] ?? 0);
    });
    if ((sums[METRICS.indexOf(goal)] ?? 0) >= target) reached++;
  }
  const range = (expected: number, values: number[], digits: number): Range => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      low: round(quantile(sorted, RANGE_LOW), digits),
      expected: round(expected, digits),
      high: round(quantile(sorted, RANGE_HIGH), digits),
    };
  };
  const digitsOf = (m: (typeof METRICS)[number]) => (m === "pipeline" ? 0 : 1);
  const allocations = channels.map((ch) => {
    const d = dollars.get(ch) ?? 0;
    const r = point.get(ch) as Rates;
    const [leads, opportunities, pipeline] = METRICS.map((m, j) =>
      range(d * r[m], draws.get(ch)?.[j] ?? [], digitsOf(m)),
    ) as [Range, Range, Range];
    return { channel: ch, share: round(shares.get(ch) ?? 0, 4), budget: d, leads, opportunities, pipeline };
  });
  const expectedTotal = (m: (typeof METRICS)[number]) =>
    channels.reduce((s, ch) => s + (dollars.get(ch) ?? 0) * (point.get(ch) as Rates)[m], 0);
  const [leads, opportunities, pipeline] = METRICS.map((m, j) =>
    range(expectedTotal(m), totals[j] ?? [], digitsOf(m)),
  ) as [Range, Range, Range];
  return {
    allocations,
    total: { leads, opportunities, pipeline },
    chance_of_target: round(reached / RESAMPLES, 3),
  };
}
