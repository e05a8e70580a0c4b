/** Pipeline arithmetic: pure functions over deal rows, no I/O. */
export interface DealLike {
  id: string;
  stage: string;
  amount: number;
  probability: number;
  forecastCategory: string;
  closeDate: string;
}

export const OPEN_STAGES = ["prospecting", "qualification", "proposal", "negotiation"] as const;
export const STAGES = [...OPEN_STAGES, "closed_won", "closed_lost"] as const;
export const isOpen = (stage: string) => (OPEN_STAGES as readonly string[]).includes(stage);

const round = (n: number) => Math.round(n);

export interface StageLine {
  stage: string;
  deals: number;
  amount: number;
  weighted: number;
}

export interface PipelineSummary {
  by_stage: StageLine[];
  open: { deals: number; amount: number; weighted: number };
  won: { deals: number; amount: number };
  lost: { deals: number; amount: number };
  win_rate: number | null;
  average_won_deal: number | null;
  slipped: { deals: number; amount: number };
  forecast_categories: { commit: number; best_case: number; pipeline: number };
}

/** Totals per stage, weighted by each deal's probability; slipped = open deals whose close date has passed. */
export function summarisePipeline(deals: readonly DealLike[], today: string): PipelineSummary {
  const by = new Map<string, StageLine>(
    STAGES.map((s) => [s, { stage: s, deals: 0, amount: 0, weighted: 0 }]),
  );
  const cats = { commit: 0, best_case: 0, pipeline: 0 };
  const slipped = { deals: 0, amount: 0 };
  for (const d of deals) {
    const line = by.get(d.stage) ?? { stage: d.stage, deals: 0, amount: 0, weighted: 0 };
    line.deals += 1;
    line.amount += d.amount;
    line.weighted += (d.amount * d.probability) / 100;
    by.set(d.stage, line);
    if (isOpen(d.stage)) {
      if (d.forecastCategory in cats) cats[d.forecastCategory as keyof typeof cats] += d.amount;
      if (d.closeDate < today) {
        slipped.deals += 1;
        slipped.amount += d.amount;
      }
    }
  }
  const lines = [...by.values()].map((l) => ({ ...l, amount: round(l.amount), weighted: round(l.weighted) }));
  const open = lines.filter((l) => isOpen(l.stage));
  const won = by.get("closed_won") as StageLine;
  const lost = by.get("closed_lost") as StageLine;
  const decided = won.deals + lost.deals;
  return {
    by_stage: lines,
    open: {
      deals: open.reduce((s, l) => s + l.deals, 0),
      amount: open.reduce((s, l) => s + l.amount, 0),
      weighted: open.reduce((s, l) => s + l.weighted, 0),
    },
    won: { deals: won.deals, amount: round(won.amount) },
    lost: { deals: lost.deals, amount: round(lost.amount) },
    win_rate: decided ? Math.round((won.deals / decided) * 1000) / 1000 : null,
    average_won_deal: won.deals ? round(won.amount / won.deals) : null,
    slipped: { deals: slipped.deals, amount: round(slipped.amount) },
    forecast_categories: {
      commit: round(cats.commit),
      best_case: round(cats.best_case),
      pipeline: round(cats.pipeline),
    },
  };
}
