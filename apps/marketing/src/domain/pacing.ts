/** Budget pacing of one campaign over its flight: straight-line plan, forecast at the run rate so far. */
export interface PacingInput {
  budget: number;
  allocated: number;
  spend: number;
  startDate: string;
  endDate: string;
  today: string;
}

export interface Pacing {
  /** Campaign budget plus planned spend allocated through the suite. */
  total_budget: number;
  days: number;
  days_elapsed: number;
  /** Spend a straight line from start to end would have reached by today. */
  expected_to_date: number;
  /** Spend to date over expected_to_date; null before the start. */
  pace: number | null;
  /** Spend to date plus today's run rate over the days left; the total budget before the start. */
  forecast: number;
  /** Forecast above the total budget (0 when within). */
  over_by: number;
}

const day = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000;
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

export function pacing(c: PacingInput): Pacing {
  const total = c.budget + c.allocated;
  const days = Math.max(1, day(c.endDate) - day(c.startDate) + 1);
  // today counts as elapsed: spend is reported to the end of the sandbox day
  const elapsed = Math.min(days, Math.max(0, day(c.today) - day(c.startDate) + 1));
  const expected = (total * elapsed) / days;
  const forecast = elapsed === 0 ? Math.max(total, c.spend) : (c.spend / elapsed) * days;
  return {
    total_budget: total,
    days,
    days_elapsed: elapsed,
    expected_to_date: round(expected),
    pace: elapsed === 0 || expected === 0 ? null : round(c.spend / expected, 3),
    forecast: round(forecast),
    over_by: Math.max(0, round(forecast - total)),
  };
}
