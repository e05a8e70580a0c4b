const DAY_MS = 86_400_000;

/** The UTC calendar day (YYYY-MM-DD) of a moment. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** The day `n` days after `day` (negative: before). */
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Unix seconds of a day's first moment (UTC). */
export const dayStartSeconds = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;

/** The UTC day of a Unix time in seconds or milliseconds (Mixpanel exports seconds unless asked otherwise). */
export const dayOfUnix = (t: number): string => new Date(t > 1e12 ? t : t * 1000).toISOString().slice(0, 10);
