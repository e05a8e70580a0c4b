/** Which snapshots a forecast and its backtest need (pure date arithmetic over quarters). */
import { parseQuarter, quarterOf, shiftQuarter } from "./period";

export const BACKTEST_QUARTERS = 4;
export const BACKTEST_WEEKS = [2, 6, 10] as const;
export const HISTORY_QUARTERS = 4;

export interface PlannedPoint {
  asOf: string;
  from: string;
  to: string;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A quarter's pipeline `offset` days after its start (negative: before it starts). */
export function pointAt(quarter: string, offset: number): PlannedPoint {
  const p = parseQuarter(quarter);
  return { asOf: addDays(p.from, offset), from: p.from, to: p.to };
}

/** Up to `n` complete quarters (ended before `today`) before `quarter`, newest first. */
export function completeQuartersBefore(quarter: string, today: string, n: number): string[] {
  const out: string[] = [];
  for (let k = 1; out.length < n && k <= n + 8; k++) {
    const q = shiftQuarter(quarter, -k);
    if (parseQuarter(q).to < today) out.push(q);
  }
  return out;
}

export interface ForecastPlan {
  quarter: string;
  asOf: string;
  offset: number;
  /** Quarters whose closed deals train the rates. */
  training: string[];
  /** Past quarters at the same offset: their not-yet-created won $ estimate this quarter's. */
  references: string[];
  backtest: { quarter: string; week: number; offset: number; training: string[]; references: string[] }[];
}

export function forecastPlan(quarter: string, today: string): ForecastPlan {
  const period = parseQuarter(quarter);
  const asOf = period.to < today ? period.to : today;
  const offset = daysBetween(period.from, asOf);
  const backtest = completeQuartersBefore(quarterOf(today), today, BACKTEST_QUARTERS)
    .reverse()
    .flatMap((q) =>
      BACKTEST_WEEKS.map((week) => ({
        quarter: q,
        week,
        offset: week * 7 - 1,
        training: completeQuartersBefore(q, today, HISTORY_QUARTERS),
        references: completeQuartersBefore(q, today, HISTORY_QUARTERS),
      })),
    );
  return {
    quarter,
    asOf,
    offset,
    training: completeQuartersBefore(quarter, today, HISTORY_QUARTERS),
    references: completeQuartersBefore(quarter, today, HISTORY_QUARTERS),
    backtest,
  };
}
