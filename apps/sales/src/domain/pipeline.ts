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

export type OpenStage = (typeof OPEN_STAGES)[number];

/** Week-end days, oldest first: `weeks` days 7 apart ending on `end`. */
export function weekEnds(end: string, weeks: number): string[] {
  const t = Date.parse(`${end}T00:00:00Z`);
  return Array.from({ length: weeks }, (_, i) =>
    new Date(t - (weeks - 1 - i) * 7 * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Open amount per open stage at each point, from snapshot cells (`point` = index into the weeks). */
export function openByWeek(
  cells: readonly { point: number; stage: string; amount: number }[],
  weeks: number,
): Record<OpenStage, number[]> {
  const out = Object.fromEntries(OPEN_STAGES.map((s) => [s, Array<number>(weeks).fill(0)])) as Record<
    OpenStage,
    number[]
  >;
  for (const c of cells) {
    const row = out[c.stage as OpenStage];
    if (row && c.point < weeks) row[c.point] = (row[c.point] ?? 0) + c.amount;
  }
  for (const row of Object.values(out)) for (const [i, v] of row.entries()) row[i] = round(v);
  return out;
}
