/** Account health: a transparent, additive score so every point can be explained to a CSM. */
export const HEALTH_METHOD = "health-v2";

export interface Signals {
  usageLast30: number;
  usagePrev30: number;
  activeUsersLast30: number;
  /** Share of paid seats used at least once in `usageMonth`; null when unknown (daily actives stand in). */
  monthlyActivesPerSeat?: number | null;
  usageMonth?: string;
  seats: number;
  ticketsLast90: number;
  urgentTicketsLast90: number;
  badCsatLast90: number;
  npsAvgLast180: number | null;
  renewalDate: string | null;
}

/** The four parts of the score and the points each can give under the default weights. */
export const HEALTH_COMPONENTS = { usage: 35, adoption: 20, support: 25, nps: 20 } as const;
export type HealthComponent = keyof typeof HEALTH_COMPONENTS;
/** Each component's share of the 100 points (non-negative, summing to 1); `health_model_update` changes them. */
export type HealthWeights = Record<HealthComponent, number>;
export const DEFAULT_HEALTH_WEIGHTS: HealthWeights = { usage: 0.35, adoption: 0.2, support: 0.25, nps: 0.2 };

/** The points each component can give under these weights (0.1-point steps, so the defaults give 35/20/25/20). */
export function componentMax(w: HealthWeights): HealthWeights {
  const r = (v: number) => Math.round(v * 1000) / 10;
  return { usage: r(w.usage), adoption: r(w.adoption), support: r(w.support), nps: r(w.nps) };
}

/** "usage 35, adoption 20, support 25, NPS 20": the weights as points, for method lines. */
export const weightsLabel = (w: HealthWeights) => {
  const m = componentMax(w);
  return `usage trend ${m.usage}, seat adoption ${m.adoption}, support load ${m.support}, NPS ${m.nps}`;
};

export interface Health {
  score: number;
  risk: "high" | "medium" | "low";
  reasons: string[];
  days_to_renewal: number | null;
  /** Points each component gave (unrounded; the score is their rounded sum). */
  components: Record<HealthComponent, number>;
  /** Points each component could give under the weights scored with. */
  max: Record<HealthComponent, number>;
}

/** The component that cost the most points (ties: the order of HEALTH_COMPONENTS) and how many it cost. */
export function topDriver(h: Health): { component: HealthComponent; points_lost: number } {
  let best: { component: HealthComponent; points_lost: number } = { component: "usage", points_lost: -1 };
  for (const [c, max] of Object.entries(h.max) as [HealthComponent, number][]) {
    const lost = Math.round((max - h.components[c]) * 10) / 10;
    if (lost > best.points_lost) best = { component: c, points_lost: lost };
  }
  return best;
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));
const DAY = 86_400_000;

/** 100 = healthy. Usage trend 35, adoption 20, support 25, NPS 20 by default; renewal inside 90 days raises the band. */
export function healthScore(
  s: Signals,
  today: string,
  weights: HealthWeights = DEFAULT_HEALTH_WEIGHTS,
): Health {
  const max = componentMax(weights);
  const reasons: string[] = [];
  const trend =
    s.usagePrev30 > 0 ? (s.usageLast30 - s.usagePrev30) / s.usagePrev30 : s.usageLast30 > 0 ? 0 : -1;
  const usagePts = max.usage * clamp(1 + trend * 2, 0, 1);
  if (trend <= -0.15) reasons.push(`usage down ${Math.round(-trend * 100)}% vs previous 30 days`);
  // adoption is monthly actives per seat; without them, average daily actives per seat (a lower bound)
  const monthly = s.monthlyActivesPerSeat ?? null;
  const adoption = monthly ?? (s.seats > 0 ? s.activeUsersLast30 / s.seats : 0);
  const adoptionPts = max.adoption * clamp(adoption / 0.7, 0, 1);
  if (adoption < 0.4)
    reasons.push(
      monthly !== null && s.usageMonth
        ? `only ${Math.round(adoption * 100)}% of ${s.seats} seats active in ${s.usageMonth}`
        : `only ${Math.round(adoption * 100)}% of ${s.seats} seats active on an average day`,
    );
  const supportLoad = s.ticketsLast90 + 2 * s.urgentTicketsLast90 + 3 * s.badCsatLast90;
  const supportPts = max.support * clamp(1 - supportLoad / 30, 0, 1);
  if (s.urgentTicketsLast90 > 0) reasons.push(`${s.urgentTicketsLast90} urgent tickets in 90 days`);
  if (s.badCsatLast90 > 0) reasons.push(`${s.badCsatLast90} bad CSAT ratings in 90 days`);
  const npsPts = s.npsAvgLast180 === null ? 0.6 * max.nps : max.nps * clamp(s.npsAvgLast180 / 10, 0, 1);
  if (s.npsAvgLast180 !== null && s.npsAvgLast180 < 7)
    reasons.push(`average NPS score ${s.npsAvgLast180.toFixed(1)}`);
  if (s.npsAvgLast180 === null) reasons.push("no NPS responses in 180 days");
  const score = Math.round(usagePts + adoptionPts + supportPts + npsPts);
  const days = s.renewalDate ? Math.round((Date.parse(s.renewalDate) - Date.parse(today)) / DAY) : null;
  let risk: Health["risk"] = score < 45 ? "high" : score < 65 ? "medium" : "low";
  if (days !== null && days >= 0 && days <= 90 && risk === "medium") {
    risk = "high";
    reasons.push(`renews in ${days} days`);
  }
  return {
    score,
    risk,
    reasons,
    days_to_renewal: days,
    components: { usage: usagePts, adoption: adoptionPts, support: supportPts, nps: npsPts },
    max,
  };
}

/** Days of history a past score needs before its day (the usage windows). */
export const HISTORY_DAYS = 60;

/** The first day of the usage windows ending `asOf`: an account created later has no past score then. */
const historyStart = (asOf: string) =>
  new Date(Date.parse(asOf) - HISTORY_DAYS * DAY).toISOString().slice(0, 10);

/** Health on a past day, or null when the account was too new then (created after `earliest`) or had no term. */
function pastHealth(
  s: (Signals & { accountCreated?: string }) | undefined,
  asOf: string,
  earliest: string,
  weights?: HealthWeights,
): Health | null {
  if (!s?.renewalDate || s.seats <= 0) return null;
  if (s.accountCreated && s.accountCreated > earliest) return null;
  return healthScore(s, asOf, weights);
}

/** A past score, or null when the account was too new then or had no term in force. */
export function pastScore(
  s: (Signals & { accountCreated?: string }) | undefined,
  asOf: string,
  weights?: HealthWeights,
): number | null {
  return pastHealth(s, asOf, historyStart(asOf), weights)?.score ?? null;
}

/** Days of daily usage the sandbox keeps for customers (packages/sandbox README): the reach of a past score. */
export const USAGE_HISTORY_DAYS = 180;

/** Month ends before `today` whose usage windows lie inside the kept history, oldest first, at most `max`. */
export function trendMonthEnds(today: string, max: number): string[] {
  const earliest = new Date(Date.parse(today) - (USAGE_HISTORY_DAYS - HISTORY_DAYS) * DAY)
    .toISOString()
    .slice(0, 10);
  const out: string[] = [];
  const t = new Date(Date.parse(today));
  for (let back = 0; out.length < max; back++) {
    const end = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - back, 0)).toISOString().slice(0, 10);
    if (end < earliest) break;
    out.unshift(end);
  }
  return out;
}

/** Accounts per band and their average score on a past day, counting only those with a past score then. */
export function bookAt(
  signals: readonly (Signals & { accountCreated?: string })[],
  asOf: string,
  weights?: HealthWeights,
): { average: number | null; bands: Record<Health["risk"], number> } {
  const bands = { high: 0, medium: 0, low: 0 };
  let sum = 0;
  let n = 0;
  const earliest = historyStart(asOf);
  for (const s of signals) {
    const h = pastHealth(s, asOf, earliest, weights);
    if (!h) continue;
    bands[h.risk] += 1;
    sum += h.score;
    n += 1;
  }
  return { average: n ? Math.round((sum / n) * 10) / 10 : null, bands };
}
