/** Quota attainment: pure arithmetic over a quarter's deals, the quotas and the stage probabilities. No I/O. */
import { isOpen } from "./pipeline";

/** Deal types that count toward quota; renewals are reported beside them, never counted. */
export const QUOTA_TYPES = ["new_business", "expansion"] as const;
export const QUOTA_METHOD = "quota-attainment v2 (CRM quotas, else configured)";

export interface QuotaDeal {
  ownerId: string;
  stage: string;
  type: string;
  amount: number;
  closeDate: string;
}

export interface AttainmentLine {
  won: { new_business: number; expansion: number; renewal: number };
  /** New business + expansion won: what counts toward quota. */
  bookings: number;
  quota: number | null;
  attainment_pct: number | null;
  /** Open new business + expansion closing in the quarter. */
  open_pipeline: number;
  /** Open pipeline × the configured probability of each deal's stage. */
  weighted_pipeline: number;
  gap: number | null;
  coverage: number | null;
  expected_attainment_pct: number;
  pace_points: number | null;
  projected_attainment_pct: number | null;
  /** Open deals in the figures whose close date has passed. */
  past_due: number;
}

export interface QuarterClock {
  days: number;
  elapsed: number;
}

const DAY = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY;
const pct = (n: number) => Math.round(n * 1000) / 10;

/** Days in [from, to] and how many of them have passed by `today` (today counts as passed). */
export function quarterClock(from: string, to: string, today: string): QuarterClock {
  const days = dayNumber(to) - dayNumber(from) + 1;
  const elapsed = Math.min(days, Math.max(0, dayNumber(today) - dayNumber(from) + 1));
  return { days, elapsed };
}

const counts = (type: string) => (QUOTA_TYPES as readonly string[]).includes(type);

/** One line of the table from its deals (closing in the quarter) and its quota (null: none configured). */
export function attainmentLine(
  deals: readonly QuotaDeal[],
  quota: number | null,
  probabilities: Readonly<Record<string, number>>,
  clock: QuarterClock,
  today: string,
): AttainmentLine {
  const won = { new_business: 0, expansion: 0, renewal: 0 };
  let open = 0;
  let weighted = 0;
  let pastDue = 0;
  for (const d of deals) {
    if (d.stage === "closed_won" && d.type in won) won[d.type as keyof typeof won] += d.amount;
    if (!isOpen(d.stage) || !counts(d.type)) continue;
    open += d.amount;
    weighted += (d.amount * (probabilities[d.stage] ?? 0)) / 100;
    if (d.closeDate < today) pastDue += 1;
  }
  const bookings = won.new_business + won.expansion;
  const expected = clock.elapsed / clock.days;
  const attainment = quota ? bookings / quota : null;
  const gap = quota === null ? null : Math.max(0, quota - bookings);
  return {
    won,
    bookings,
    quota,
    attainment_pct: attainment === null ? null : pct(attainment),
    open_pipeline: open,
    weighted_pipeline: Math.round(weighted),
    gap,
    coverage: gap ? Math.round((open / gap) * 100) / 100 : null,
    expected_attainment_pct: pct(expected),
    pace_points: attainment === null ? null : Math.round((pct(attainment) - pct(expected)) * 10) / 10,
    projected_attainment_pct: quota ? pct((bookings + Math.round(weighted)) / quota) : null,
    past_due: pastDue,
  };
}

/** A CRM quota period: owner, first and last day (inclusive), amount. */
export interface QuotaPeriod {
  ownerId: string;
  start: string;
  end: string;
  amount: number;
}

/** One owner's quota for a quarter from the CRM's periods, and how many of the quarter's days they cover. */
export interface CrmQuarterQuota {
  amount: number;
  coveredDays: number;
  /** Periods that reach outside the quarter and were prorated by days. */
  prorated: number;
}

/**
 * Each owner's quota for [from, to] from CRM periods: a period inside the quarter counts whole (monthly periods add
 * up), one reaching outside it counts by the share of its days inside (a yearly quota gives a quarter its days'
 * share). Rounded to whole dollars; days covered twice (overlapping periods) are counted once in `coveredDays`.
 */
export function quarterQuotas(
  periods: readonly QuotaPeriod[],
  from: string,
  to: string,
): Map<string, CrmQuarterQuota> {
  const out = new Map<string, CrmQuarterQuota & { days: Set<number> }>();
  const q0 = dayNumber(from);
  const q1 = dayNumber(to);
  for (const p of periods) {
    const p0 = dayNumber(p.start);
    const p1 = dayNumber(p.end);
    const lo = Math.max(p0, q0);
    const hi = Math.min(p1, q1);
    if (hi < lo || p1 < p0) continue;
    const share = (hi - lo + 1) / (p1 - p0 + 1);
    const line = out.get(p.ownerId) ?? { amount: 0, coveredDays: 0, prorated: 0, days: new Set<number>() };
    line.amount += p.amount * share;
    if (share < 1) line.prorated += 1;
    for (let d = lo; d <= hi; d++) line.days.add(d);
    out.set(p.ownerId, line);
  }
  return new Map(
    [...out].map(([id, { days, amount, prorated }]) => [
      id,
      { amount: Math.round(amount), coveredDays: days.size, prorated },
    ]),
  );
}

export type QuotaSource = "crm" | "configured";

/** Each owner's quota and where it came from: the CRM's where it has one, else the configured one. */
export function chooseQuotas(
  crm: ReadonlyMap<string, CrmQuarterQuota>,
  configured: readonly { ownerId: string; amount: number }[],
): Map<string, { amount: number; source: QuotaSource; configured?: number; coveredDays?: number }> {
  const out = new Map<
    string,
    { amount: number; source: QuotaSource; configured?: number; coveredDays?: number }
  >();
  for (const q of configured) out.set(q.ownerId, { amount: q.amount, source: "configured" });
  for (const [ownerId, q] of crm) {
    const mine = out.get(ownerId)?.amount;
    out.set(ownerId, {
      amount: q.amount,
      source: "crm",
      coveredDays: q.coveredDays,
      ...(mine === undefined ? {} : { configured: mine }),
    });
  }
  return out;
}
