import type { FunnelLeadDates, LeadFunnel } from "../ports";

/** Lead funnel arithmetic: pure, over the cells and stage dates a port returns. */

export const FUNNEL_GROUPINGS = ["source", "month", "month_source"] as const;
export type FunnelGroupBy = (typeof FUNNEL_GROUPINGS)[number];

const DAY_MS = 86_400_000;

/** Whole calendar days from a's day to b's day (UTC); dates or timestamps. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b.slice(0, 10)) - Date.parse(a.slice(0, 10))) / DAY_MS);
}

/** Day numbers of dates, each distinct day parsed once (a large funnel repeats the same days many times). */
function dayNumbers() {
  const seen = new Map<string, number>();
  return (s: string): number => {
    const day = s.slice(0, 10);
    let n = seen.get(day);
    if (n === undefined) {
      n = Math.round(Date.parse(day) / DAY_MS);
      seen.set(day, n);
    }
    return n;
  };
}

/** The median (mean of the middle two for an even count); null when empty. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const m = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return Math.round(m * 10) / 10;
}

/** a / b to 3 decimals; null when nothing to divide by. */
export function rate(a: number, b: number): number | null {
  return b > 0 ? Math.round((a / b) * 1000) / 1000 : null;
}

/** Time between stages: each lead counts where both of its dates are known and in order. */
export const INTERVALS = {
  lead_to_mql: ["createdAt", "mqlAt"],
  mql_to_sql: ["mqlAt", "sqlAt"],
  sql_to_opportunity: ["sqlAt", "opportunityAt"],
  lead_to_opportunity: ["createdAt", "opportunityAt"],
  opportunity_to_won: ["opportunityAt", "wonAt"],
  lead_to_won: ["createdAt", "wonAt"],
} as const satisfies Record<string, readonly [keyof FunnelLeadDates, keyof FunnelLeadDates]>;
export type Interval = keyof typeof INTERVALS;

export interface FunnelGroup {
  month?: string;
  source?: string;
  leads: number;
  mqls: number;
  sqls: number;
  opportunities: number;
  won: number;
  wonRevenue: number;
  days: Record<Interval, number[]>;
}

const emptyDays = (): Record<Interval, number[]> => ({
  lead_to_mql: [],
  mql_to_sql: [],
  sql_to_opportunity: [],
  lead_to_opportunity: [],
  opportunity_to_won: [],
  lead_to_won: [],
});

function keyOf(by: FunnelGroupBy | "total", r: { month: string; source: string }) {
  if (by === "total") return {};
  if (by === "source") return { source: r.source };
  if (by === "month") return { month: r.month };
  return { month: r.month, source: r.source };
}

/**
 * Cells and stage dates grouped by source, cohort month or both, with the all-leads total. Order: newest cohort
 * first, then most leads, then source name.
 */
export function groupFunnel(f: LeadFunnel, by: FunnelGroupBy): { groups: FunnelGroup[]; total: FunnelGroup } {
  const groups = new Map<string, FunnelGroup>();
  const total: FunnelGroup = {
    leads: 0,
    mqls: 0,
    sqls: 0,
    opportunities: 0,
    won: 0,
    wonRevenue: 0,
    days: emptyDays(),
  };
  const groupOf = (r: { month: string; source: string }) => {
    const id = by === "source" ? r.source : by === "month" ? r.month : `${r.month}|${r.source}`;
    let g = groups.get(id);
    if (!g) {
      const key = keyOf(by, r);
      g = { ...key, leads: 0, mqls: 0, sqls: 0, opportunities: 0, won: 0, wonRevenue: 0, days: emptyDays() };
      groups.set(id, g);
    }
    return g;
  };
  for (const c of f.cells) {
    for (const g of [groupOf(c), total]) {
      g.leads += c.leads;
      g.mqls += c.mqls;
      g.sqls += c.sqls;
      g.opportunities += c.opportunities;
      g.won += c.won;
      g.wonRevenue += c.wonRevenue;
    }
  }
  const dayOf = dayNumbers();
  for (const d of f.dated) {
    const g = groupOf(d);
    for (const [name, [from, to]] of Object.entries(INTERVALS) as [
      Interval,
      [keyof FunnelLeadDates, keyof FunnelLeadDates],
    ][]) {
      const a = d[from];
      const b = d[to];
      if (!a || !b) continue;
      const n = dayOf(b) - dayOf(a);
      // a later stage dated before the earlier one (a contact created after its deal) measures nothing
      if (n < 0) continue;
      g.days[name].push(n);
      total.days[name].push(n);
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      (b.month ?? "").localeCompare(a.month ?? "") ||
      b.leads - a.leads ||
      (a.source ?? "").localeCompare(b.source ?? ""),
  );
  return { groups: sorted, total };
}

/** Cohort months (`YYYY-MM`) that ended fewer than `days` days before today: their later stages are still filling. */
export function immatureMonths(months: readonly string[], today: string, days: number | null): string[] {
  if (days === null) return [];
  return [...new Set(months)]
    .filter((m) => {
      const [y, mo] = m.split("-").map(Number) as [number, number];
      const end = new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
      return daysBetween(end, today) < days;
    })
    .sort();
}
