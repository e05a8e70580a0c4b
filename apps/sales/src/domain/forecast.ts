import { type DealLike, isOpen, OPEN_STAGES } from "./pipeline";

export const FORECAST_METHOD = "stage-conversion-v1";

export interface StageTransition {
  dealId: string;
  toStage: string;
}

/**
 * Historical conversion per open stage: of the closed deals that reached the stage, the share won.
 * Falls back to the CRM's stage probability where history is thin (fewer than `minSample` deals).
 */
export function stageConversion(
  closedDeals: readonly DealLike[],
  history: readonly StageTransition[],
  minSample = 10,
): Record<string, { rate: number; sample: number; source: "history" | "crm_probability" }> {
  const reached = new Map<string, Set<string>>();
  for (const h of history) {
    if (!reached.has(h.dealId)) reached.set(h.dealId, new Set());
    reached.get(h.dealId)?.add(h.toStage);
  }
  const crmDefault: Record<string, number> = {
    prospecting: 0.1,
    qualification: 0.25,
    proposal: 0.5,
    negotiation: 0.75,
  };
  const out: Record<string, { rate: number; sample: number; source: "history" | "crm_probability" }> = {};
  for (const stage of OPEN_STAGES) {
    const cohort = closedDeals.filter((d) => reached.get(d.id)?.has(stage) || d.stage === stage);
    const won = cohort.filter((d) => d.stage === "closed_won").length;
    out[stage] =
      cohort.length >= minSample
        ? { rate: Math.round((won / cohort.length) * 1000) / 1000, sample: cohort.length, source: "history" }
        : { rate: crmDefault[stage] ?? 0, sample: cohort.length, source: "crm_probability" };
  }
  return out;
}

export interface Forecast {
  closed_won: number;
  expected: number;
  low: number;
  high: number;
  open_deals: number;
}

/** Expected revenue = won so far + Σ open amount × historical conversion of its stage; low = won + commit-stage only. */
export function forecastPeriod(
  deals: readonly DealLike[],
  conversion: ReturnType<typeof stageConversion>,
): Forecast {
  let won = 0;
  let expected = 0;
  let low = 0;
  let high = 0;
  let open = 0;
  for (const d of deals) {
    if (d.stage === "closed_won") won += d.amount;
    if (!isOpen(d.stage)) continue;
    open += 1;
    expected += d.amount * (conversion[d.stage]?.rate ?? 0);
    if (d.forecastCategory === "commit") low += d.amount * (conversion[d.stage]?.rate ?? 0);
    if (d.forecastCategory !== "omitted")
      high += d.amount * Math.min(1, (conversion[d.stage]?.rate ?? 0) * 1.5);
  }
  return {
    closed_won: Math.round(won),
    expected: Math.round(won + expected),
    low: Math.round(won + low),
    high: Math.round(won + high),
    open_deals: open,
  };
}
