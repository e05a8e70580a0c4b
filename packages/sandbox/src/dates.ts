/** Date helpers on UTC day numbers (days since 1970-01-01) and minute timestamps. ISO strings out. */

const DAY_MS = 86_400_000;

// Formatting dates dominates generation at large scales; the days a dataset spans are few, so each is formatted once.
const dayNames = new Map<number, string>();

export function isoDay(day: number): string {
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size < 100_000) dayNames.set(day, name);
  }
  return name;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

export function dayOf(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) throw new Error(`Invalid date: ${iso}`);
  const ms = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new Error(`Invalid date: ${iso}`);
  return Math.floor(ms / DAY_MS);
}

/** Minutes since epoch -> `YYYY-MM-DDTHH:MM:SSZ`. */
export function isoTime(minute: number): string {
  const day = Math.floor(minute / 1440);
  const m = minute - day * 1440;
  return `${isoDay(day)}T${TWO_DIGITS[Math.floor(m / 60)]}:${TWO_DIGITS[m % 60]}:00Z`;
}

export function minuteOf(iso: string): number {
  return Math.floor(Date.parse(iso) / 60_000);
}

/** Start day of the calendar quarter containing `day`. */
export function quarterStart(day: number): number {
  const d = new Date(day * DAY_MS);
  const m = Math.floor(d.getUTCMonth() / 3) * 3;
  return Math.floor(Date.UTC(d.getUTCFullYear(), m, 1) / DAY_MS);
}

/** Start day of the quarter `n` quarters after the one containing `day` (n may be negative). */
export function addQuarters(day: number, n: number): number {
  const d = new Date(quarterStart(day) * DAY_MS);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3 * n, 1) / DAY_MS);
}

export function addYears(day: number, n: number): number {
  const d = new Date(day * DAY_MS);
  return Math.floor(Date.UTC(d.getUTCFullYear() + n, d.getUTCMonth(), d.getUTCDate()) / DAY_MS);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(day: number): number {
  return (day + 4) % 7;
}

/** Upper bound for a `to` filter: a bare date includes the whole day. Returns [operator, value]. */
export function upperBound(to: string): ["<" | "<=", string] {
  return to.length === 10 ? ["<", isoDay(dayOf(to) + 1)] : ["<=", to];
}
