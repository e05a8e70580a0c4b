/** Budget pacing of one campaign within a reporting period (a calendar month or quarter), straight-line. */
export interface PeriodPacingInput {
  budget: number;
  /** Planned spend from budget_allocate, each over its own dates. */
  allocations: { amount: number; periodStart: string; periodEnd: string }[];
  /** Spend to date over the whole flight. */
  spend: number;
  startDate: string;
  endDate: string;
  today: string;
  period: { start: string; end: string };
}

export interface PeriodPacing {
  /** The campaign budget's share of the period: budget × flight days in the period / flight days. */
  budget: number;
  /** Allocations' share of the period, each prorated over its own dates. */
  planned: number;
  /** Spend to date's share of the period: spend × flight days elapsed in the period / flight days elapsed. */
  spend: number;
  /** (budget + planned) × days elapsed in the period's flight / flight days in the period. */
  expected: number;
  /** Spend over expected; null before anything was expected. */
  pace: number | null;
  /** Spend at the run rate so far over the flight days in the period; budget + planned before any elapsed. */
  forecast: number;
  over_by: number;
}

const day = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000;
/** Days in [a, b], both counted; 0 when b is before a. */
const span = (a: number, b: number) => Math.max(0, b - a + 1);
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

export function periodPacing(c: PeriodPacingInput): PeriodPacing {
  const [s, e, t] = [day(c.startDate), day(c.endDate), day(c.today)];
  const [ps, pe] = [day(c.period.start), day(c.period.end)];
  const flight = Math.max(1, span(s, e));
  const inPeriod = span(Math.max(s, ps), Math.min(e, pe));
  const elapsedFlight = span(s, Math.min(t, e));
  const elapsedInPeriod = span(Math.max(s, ps), Math.min(t, e, pe));
  const budget = (c.budget * inPeriod) / flight;
  const planned = c.allocations.reduce((sum, a) => {
    const [as, ae] = [day(a.periodStart), day(a.periodEnd)];
    return sum + (a.amount * span(Math.max(as, ps), Math.min(ae, pe))) / Math.max(1, span(as, ae));
  }, 0);
  const spend = elapsedFlight === 0 ? 0 : (c.spend * elapsedInPeriod) / elapsedFlight;
  const expected = inPeriod === 0 ? 0 : ((budget + planned) * elapsedInPeriod) / inPeriod;
  const forecast = elapsedInPeriod === 0 ? budget + planned : (spend / elapsedInPeriod) * inPeriod;
  return {
    budget: round(budget),
    planned: round(planned),
    spend: round(spend),
    expected: round(expected),
    pace: expected === 0 ? null : round(spend / expected, 3),
    forecast: round(forecast),
    over_by: Math.max(0, round(forecast - budget - planned)),
  };
}

/** The calendar month or quarter holding `today`: its first and last day. */
export function periodOf(today: string, kind: "month" | "quarter"): { start: string; end: string } {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1;
  const first = kind === "month" ? m : m - (m % 3);
  const months = kind === "month" ? 1 : 3;
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return {
    start: iso(new Date(Date.UTC(y, first, 1))),
    end: iso(new Date(Date.UTC(y, first + months, 0))),
  };
}
