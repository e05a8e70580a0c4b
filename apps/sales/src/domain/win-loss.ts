import type { ClosedDeal } from "@revops/model";
import { amountBand, daysBetween, median } from "@revops/sandbox";

export const REPORT_DIMENSIONS = ["type", "segment", "amount_band", "source", "owner"] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** Win rates, deal size and cycle time of one group of closed deals (rates null when the group is empty). */
export interface WinLossRow {
  group: string;
  closed: number;
  won: number;
  winRate: number | null;
  /** Won dollars ÷ closed dollars. */
  winRateDollars: number | null;
  wonDollars: number;
  closedDollars: number;
  avgWonDeal: number | null;
  /** Median days from created to closed, won deals. */
  medianCycleDays: number | null;
}

const keyOf: Record<ReportDimension, (d: ClosedDeal) => string> = {
  type: (d) => d.type,
  segment: (d) => d.segment || "unknown",
  amount_band: (d) => amountBand(d.amount),
  source: (d) => d.source,
  owner: (d) => d.ownerName,
};

const ratio = (a: number, b: number, places = 3) =>
  b > 0 ? Math.round((a / b) * 10 ** places) / 10 ** places : null;

/** One row of figures for a group of closed deals. */
export function winLossOf(group: string, deals: readonly ClosedDeal[]): WinLossRow {
  const won = deals.filter((d) => d.won);
  const wonDollars = won.reduce((t, d) => t + d.amount, 0);
  const closedDollars = deals.reduce((t, d) => t + d.amount, 0);
  return {
    group,
    closed: deals.length,
    won: won.length,
    winRate: ratio(won.length, deals.length),
    winRateDollars: ratio(wonDollars, closedDollars),
    wonDollars,
    closedDollars,
    avgWonDeal: won.length ? Math.round(wonDollars / won.length) : null,
    medianCycleDays: won.length ? median(won.map((d) => daysBetween(d.createdAt, d.closeDate))) : null,
  };
}

/** Closed deals grouped by one dimension, largest group first. */
export function winLossBy(deals: readonly ClosedDeal[], by: ReportDimension): WinLossRow[] {
  const groups = new Map<string, ClosedDeal[]>();
  for (const d of deals) groups.set(keyOf[by](d), [...(groups.get(keyOf[by](d)) ?? []), d]);
  return [...groups.entries()]
    .map(([g, ds]) => winLossOf(g, ds))
    .sort((a, b) => b.closed - a.closed || a.group.localeCompare(b.group));
}

/** Lost deals by the CRM's loss reason, else by the stage they were lost in; most lost dollars first. */
export function lossReasons(
  deals: readonly ClosedDeal[],
): { reason: string; deals: number; dollars: number }[] {
  const out = new Map<string, { deals: number; dollars: number }>();
  for (const d of deals.filter((x) => !x.won)) {
    const reason = d.lossReason ?? (d.lostFrom ? `lost in ${d.lostFrom}` : "unknown");
    const r = out.get(reason) ?? { deals: 0, dollars: 0 };
    out.set(reason, { deals: r.deals + 1, dollars: r.dollars + d.amount });
  }
  return [...out.entries()]
    .map(([reason, r]) => ({ reason, ...r }))
    .sort((a, b) => b.dollars - a.dollars || a.reason.localeCompare(b.reason));
}
