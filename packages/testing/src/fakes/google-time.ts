/** Calendar's EventDateTime: `dateTime` (RFC 3339 with an offset) or all-day `date` (GG5). */
export interface EventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

const HAS_OFFSET = /(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The instant an event time names, in ms (undefined when unreadable). All-day dates start at midnight in the
 * fake's calendar zone, UTC; an offset-less dateTime never reaches here (the contract's date-time format refuses it).
 */
export function instantOf(t: EventTime | undefined): number | undefined {
  if (t?.dateTime && HAS_OFFSET.test(t.dateTime)) return Date.parse(t.dateTime);
  if (t?.date && /^\d{4}-\d{2}-\d{2}$/.test(t.date)) return Date.parse(`${t.date}T00:00:00Z`);
  return undefined;
}

/** Google writes free/busy periods in UTC without fractions: 2025-01-20T09:00:00Z. */
export const rfc3339Utc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
