import type { AccountSignals, FeatureUse } from "@revops/model";

/** Expansion potential in dollars from seat pressure and plan white space: every dollar traceable to a rule. */
export const EXPANSION_METHOD = "expansion-v1";
/** Seats are added when monthly actives reach this share of them, back to this utilisation. */
export const SEAT_TRIGGER = 0.8;
/** A plan upgrade counts when this share of seats is active and key features are used at least as the median. */
export const UPGRADE_UTILISATION = 0.6;
/** Usage falling more than this (last 30 days vs the 30 before) rules an account out: not the time to sell. */
export const DECLINE_LIMIT = -0.15;

export interface ExpansionRow {
  s: AccountSignals;
  utilisation: number | null;
  keyFeatureShare: number | null;
  usageTrend: number | null;
  whiteSpace: string[];
  extraSeats: number;
  seatUsd: number;
  upgradeTo: string | null;
  upgradeUsd: number;
  potential: number;
}

export interface ExpansionBook {
  rows: ExpansionRow[];
  /** Price per seat by plan (median ARR / seat of the book's customers on it), cheapest first. */
  prices: { plan: string; perSeat: number }[];
  medianKeyShare: number | null;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Every customer's expansion potential, largest first. */
export function expansionBook(signals: readonly AccountSignals[], use: readonly FeatureUse[]): ExpansionBook {
  const perSeat = new Map<string, number[]>();
  for (const s of signals) {
    if (!s.plan || s.seats <= 0) continue;
    const xs = perSeat.get(s.plan) ?? [];
    xs.push(s.arr / s.seats);
    perSeat.set(s.plan, xs);
  }
  const prices = [...perSeat]
    .map(([plan, xs]) => ({ plan, perSeat: median(xs) as number }))
    .sort((a, b) => a.perSeat - b.perSeat || a.plan.localeCompare(b.plan));
  const useOf = new Map(use.map((u) => [u.accountId, u]));
  const shareOf = (id: string) => {
    const u = useOf.get(id);
    return u && u.events > 0 ? u.keyFeatureUses / u.events : null;
  };
  const medianKeyShare = median(signals.flatMap((s) => shareOf(s.accountId) ?? []));
  const rows = signals.map((s): ExpansionRow => {
    const utilisation = s.monthlyActiveUsers !== null && s.seats > 0 ? s.monthlyActiveUsers / s.seats : null;
    const keyFeatureShare = shareOf(s.accountId);
    const usageTrend = s.usagePrev30 > 0 ? (s.usageLast30 - s.usagePrev30) / s.usagePrev30 : null;
    const steady = usageTrend !== null && usageTrend > DECLINE_LIMIT;
    const price = s.seats > 0 ? s.arr / s.seats : 0;
    const own = prices.find((p) => p.plan === s.plan);
    const above = own ? prices.filter((p) => p.perSeat > own.perSeat) : [];
    const extraSeats =
      steady && utilisation !== null && utilisation >= SEAT_TRIGGER
        ? Math.max(0, Math.ceil((s.monthlyActiveUsers as number) / SEAT_TRIGGER) - s.seats)
        : 0;
    const seatUsd = Math.round(extraSeats * price);
    const next = above[0];
    const ready =
      steady &&
      next !== undefined &&
      utilisation !== null &&
      utilisation >= UPGRADE_UTILISATION &&
      keyFeatureShare !== null &&
      medianKeyShare !== null &&
      keyFeatureShare >= medianKeyShare;
    const upgradeUsd = ready && next ? Math.max(0, Math.round((next.perSeat - price) * s.seats)) : 0;
    return {
      s,
      utilisation,
      keyFeatureShare,
      usageTrend,
      whiteSpace: above.map((p) => p.plan),
      extraSeats,
      seatUsd,
      upgradeTo: ready && next ? next.plan : null,
      upgradeUsd,
      potential: seatUsd + upgradeUsd,
    };
  });
  rows.sort(
    (a, b) => b.potential - a.potential || b.s.arr - a.s.arr || a.s.accountId.localeCompare(b.s.accountId),
  );
  return { rows, prices, medianKeyShare };
}
