import type { SnapshotCell } from "@revops/model";
import {
  BACKTEST_SIMULATIONS,
  type BacktestPoint,
  type BacktestSummary,
  DEAL_TYPES,
  forecastPoint,
  notYetCreatedWon,
  type PointForecast,
  PRIOR_DEALS,
  type RateTable,
  rateTable,
  SLIP_FACTOR,
  summariseBacktest,
} from "../../domain/forecast-model";
import { forecastPlan, type PlannedPoint, pointAt } from "../../domain/forecast-plan";
import { parseQuarter, quarterOf } from "../../domain/period";
import type { CrmPort } from "../../ports";

export interface ForecastRun {
  quarter: string;
  asOf: string;
  forecast: PointForecast;
  rates: RateTable;
  training: string[];
  references: number;
  backtest: BacktestPoint[];
  summary?: BacktestSummary;
  historyAvailable: boolean;
}

const monthQuarter = (month: string) => quarterOf(`${month}-01`);

/** The forecast of `quarter` as of `today` and its backtest, from two port calls' worth of aggregates. */
export async function runForecast(
  crm: Pick<CrmPort, "conversionHistory" | "pipelineSnapshots">,
  today: string,
  quarter: string,
  owner?: string,
): Promise<ForecastRun> {
  const plan = forecastPlan(quarter, today);
  const points: PlannedPoint[] = [];
  const index = new Map<string, number>();
  const at = (q: string, offset: number) => {
    const p = pointAt(q, offset);
    const key = `${p.asOf}|${p.from}`;
    let i = index.get(key);
    if (i === undefined) {
      i = points.length;
      points.push(p);
      index.set(key, i);
    }
    return i;
  };
  const main = at(quarter, plan.offset);
  const mainRefs = plan.references.map((q) => at(q, plan.offset));
  const tests = plan.backtest.map((b) => ({
    ...b,
    point: at(b.quarter, b.offset),
    refs: b.references.map((q) => at(q, b.offset)),
  }));
  const quarters = [...plan.training, ...plan.backtest.flatMap((b) => b.training)];
  const [from, to] = quarters.length
    ? [
        quarters.map((q) => parseQuarter(q).from).sort()[0] as string,
        quarters
          .map((q) => parseQuarter(q).to)
          .sort()
          .at(-1) as string,
      ]
    : [today, today];
  const [team, mine, cells] = await Promise.all([
    quarters.length ? crm.conversionHistory(from, to) : [],
    owner && quarters.length ? crm.conversionHistory(from, to, owner) : undefined,
    crm.pipelineSnapshots(points, owner),
  ]);
  const byPoint = points.map(() => [] as SnapshotCell[]);
  for (const c of cells) byPoint[c.point]?.push(c);
  const ratesFor = (training: string[], refs: number[]) =>
    rateTable(
      team.filter((c) => training.includes(monthQuarter(c.month))),
      mine?.filter((c) => training.includes(monthQuarter(c.month))),
      PRIOR_DEALS,
      refs.flatMap((r) => byPoint[r] ?? []),
    );
  const newDeals = (refs: number[]) => {
    const out: Record<string, number[]> = Object.fromEntries(DEAL_TYPES.map((t) => [t, []]));
    for (const r of refs) {
      const rc = byPoint[r] ?? [];
      if (rc.length === 0) continue; // no data for that quarter (before the CRM's history, or a vendor)
      const won = notYetCreatedWon(rc);
      for (const t of DEAL_TYPES) out[t]?.push(won[t] ?? 0);
    }
    return out;
  };
  const rates = ratesFor(plan.training, mainRefs);
  const forecast = forecastPoint(byPoint[main] ?? [], rates, newDeals(mainRefs));
  const backtest: BacktestPoint[] = [];
  for (const b of tests) {
    const pc = byPoint[b.point] ?? [];
    if (pc.length === 0 || b.training.length === 0) continue;
    const f = forecastPoint(pc, ratesFor(b.training, b.refs), newDeals(b.refs), BACKTEST_SIMULATIONS);
    backtest.push({
      quarter: b.quarter,
      week: b.week,
      p10: f.p10,
      p50: f.p50,
      p90: f.p90,
      actual: f.actual,
      error: f.actual > 0 ? Math.round(((f.p50 - f.actual) / f.actual) * 1000) / 1000 : 0,
    });
  }
  const summary = summariseBacktest(backtest);
  return {
    quarter,
    asOf: plan.asOf,
    forecast,
    rates,
    training: plan.training,
    references: mainRefs.filter((r) => (byPoint[r]?.length ?? 0) > 0).length,
    backtest,
    ...(summary ? { summary } : {}),
    historyAvailable: team.length > 0,
  };
}

const money = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;

/** What a reader must know before trusting the figures. */
export function forecastCaveats(run: ForecastRun, owner?: string): string[] {
  const out: string[] = [];
  const f = run.forecast;
  if (!run.historyAvailable) {
    out.push(
      "No stage history from this CRM: conversion falls back to CRM stage probabilities, deals not yet created are not forecast, and there is no backtest.",
    );
  } else if (run.training.length < 4) {
    out.push(
      `Rates learn from ${run.training.length} complete quarter(s) only (${run.training.join(", ")}).`,
    );
  }
  if (f.slipped.deals > 0) {
    out.push(
      `${f.slipped.deals} open deals (${money(f.slipped.amount)}) are past their close date: counted at ${SLIP_FACTOR[1]}× (≤30 days late) or ${SLIP_FACTOR[2]}× (later) of their rate, a fixed discount, not learned.`,
    );
  }
  if (run.rates.thin.size > 0) {
    out.push(
      `${run.rates.thin.size} type×size×stage rates rest on fewer than ${PRIOR_DEALS} closed deals: pooled toward the type's stage rate.`,
    );
  }
  if (owner) {
    out.push(
      `Rep rates (${run.rates.ownerClosedDeals} closed deals) are pooled toward the team's (prior worth ${PRIOR_DEALS} deals per cell); the backtest is this rep's, and a quarter with a small actual gives a large relative error.`,
    );
  }
  if (run.summary) {
    out.push(
      "Backtest pipelines are rebuilt from stage history with today's close dates (there is no close-date history), which flatters it a little.",
    );
  }
  if (run.asOf === parseQuarter(run.quarter).to)
    out.push("The quarter is over: the figures are its actuals.");
  return out;
}
