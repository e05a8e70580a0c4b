/** Campaign unit economics: pure arithmetic with explicit handling of zero denominators. */
export interface CampaignNumbers {
  spend: number;
  budget: number;
  leads: number;
  mqls: number;
  pipeline: number;
  revenue: number;
}

const ratio = (a: number, b: number, digits = 2) =>
  b > 0 ? Math.round((a / b) * 10 ** digits) / 10 ** digits : null;

export function economics(c: CampaignNumbers) {
  return {
    cost_per_lead: ratio(c.spend, c.leads),
    cost_per_mql: ratio(c.spend, c.mqls),
    pipeline_per_dollar: ratio(c.pipeline, c.spend),
    roi: c.spend > 0 ? Math.round(((c.revenue - c.spend) / c.spend) * 1000) / 1000 : null,
    budget_used: ratio(c.spend, c.budget, 3),
  };
}

export type RankBy = "roi" | "pipeline" | "revenue" | "cost_per_lead";

/** Best first; missing values (no spend, no leads) sort last. */
export function rank<T extends ReturnType<typeof economics> & { pipeline: number; revenue: number }>(
  rows: T[],
  by: RankBy,
): T[] {
  const key = (r: T): number | null =>
    by === "pipeline" ? r.pipeline : by === "revenue" ? r.revenue : r[by];
  const ascending = by === "cost_per_lead";
  return [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null) return kb === null ? 0 : 1;
    if (kb === null) return -1;
    return ascending ? ka - kb : kb - ka;
  });
}

/** Funnel conversion of leads per source. */
export function funnel(r: { leads: number; mqls: number; sqls: number; converted: number }) {
  return {
    mql_rate: ratio(r.mqls, r.leads, 3),
    sql_rate: ratio(r.sqls, r.leads, 3),
    win_conversion: ratio(r.converted, r.leads, 3),
  };
}
