import { type DealLike, OPEN_STAGES } from "./pipeline";

export interface StageTransition {
  dealId: string;
  toStage: string;
}

/** Of closed deals, per open stage: how many reached it (stage history or their own stage) and how many won. */
export interface StageReach {
  /** Closed deals counted. */
  closed: number;
  /** Only stages at least one of the deals reached. */
  stages: Record<string, { reached: number; won: number }>;
}

/** StageReach from closed deals and their stage history (what a CRM without aggregation queries returns). */
export function stageReachOf(
  closedDeals: readonly DealLike[],
  history: readonly StageTransition[],
): StageReach {
  const reached = new Map<string, Set<string>>();
  for (const h of history) {
    if (!reached.has(h.dealId)) reached.set(h.dealId, new Set());
    reached.get(h.dealId)?.add(h.toStage);
  }
  const stages: StageReach["stages"] = {};
  for (const d of closedDeals) {
    for (const stage of OPEN_STAGES) {
      if (!reached.get(d.id)?.has(stage) && d.stage !== stage) continue;
      const s = stages[stage] ?? { reached: 0, won: 0 };
      s.reached += 1;
      if (d.stage === "closed_won") s.won += 1;
      stages[stage] = s;
    }
  }
  return { closed: closedDeals.length, stages };
}

/**
 * Historical conversion per open stage: of the closed deals that reached the stage, the share won.
 * Falls back to the CRM's stage probability where history is thin (fewer than `minSample` deals).
 */
export function conversionFromReach(
  reach: StageReach,
  minSample = 10,
): Record<string, { rate: number; sample: number; source: "history" | "crm_probability" }> {
  const crmDefault: Record<string, number> = {
    prospecting: 0.1,
    qualification: 0.25,
    proposal: 0.5,
    negotiation: 0.75,
  };
  const out: Record<string, { rate: number; sample: number; source: "history" | "crm_probability" }> = {};
  for (const stage of OPEN_STAGES) {
    const { reached: sample, won } = reach.stages[stage] ?? { reached: 0, won: 0 };
    out[stage] =
      sample >= minSample
        ? { rate: Math.round((won / sample) * 1000) / 1000, sample, source: "history" }
        : { rate: crmDefault[stage] ?? 0, sample, source: "crm_probability" };
  }
  return out;
}

/** Historical conversion per open stage from closed deals and their stage history (see `conversionFromReach`). */
export function stageConversion(
  closedDeals: readonly DealLike[],
  history: readonly StageTransition[],
  minSample = 10,
): ReturnType<typeof conversionFromReach> {
  return conversionFromReach(stageReachOf(closedDeals, history), minSample);
}
