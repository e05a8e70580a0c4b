import type { TrafficMetrics, TrafficRow } from "@revops/model";

const DAY_MS = 86_400_000;
/** Longest range one report covers: a bigger one is refused with the fix. */
export const MAX_RANGE_DAYS = 400;
/** Days GA4 may still be processing (its documented 24–48 hours). */
export const PROCESSING_LAG_DAYS = 2;

export const shiftDay = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/** The Monday that starts the ISO week of a day. */
export function weekOf(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return shiftDay(day, -weekday);
}

export const rate = (part: number, whole: number | null): number | null =>
  whole ? Math.round((part / whole) * 10_000) / 10_000 : null;

const add = (a: TrafficMetrics, b: TrafficMetrics): TrafficMetrics => ({
  sessions: a.sessions + b.sessions,
  engagedSessions: a.engagedSessions + b.engagedSessions,
  conversions: a.conversions + b.conversions,
  users: a.users + b.users,
});

/** Daily rows summed into ISO weeks (keyed by their Monday), oldest first. */
export function foldWeeks(days: TrafficRow[]): TrafficRow[] {
  const weeks = new Map<string, TrafficRow>();
  for (const d of days) {
    const key = weekOf(d.key);
    const prior = weeks.get(key);
    weeks.set(key, prior ? { key, ...add(prior, d) } : { ...d, key });
  }
  return [...weeks.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** The row as tools show it: metrics with engagement and conversion rates per session. */
export const trafficRow = (m: TrafficMetrics) => ({
  sessions: m.sessions,
  engaged_sessions: m.engagedSessions,
  engagement_rate: rate(m.engagedSessions, m.sessions),
  conversions: m.conversions,
  conversion_rate: rate(m.conversions, m.sessions),
  users: m.users,
});
