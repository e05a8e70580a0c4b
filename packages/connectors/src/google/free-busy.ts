import type { calendar_v3 } from "@googleapis/calendar";

export interface BusyPeriod {
  start: string;
  end: string;
}

/** One calendar's availability: `unknown` when Google could not read it, which must never be taken as free. */
export type CalendarAvailability =
  | { status: "known"; busy: BusyPeriod[] }
  | { status: "unknown"; reasons: string[] };

/** freebusy.query's answer per asked calendar: per-calendar `errors` (and absent calendars) become unknown. */
export function availabilityOf(
  asked: string[],
  answer: calendar_v3.Schema$FreeBusyResponse,
): Record<string, CalendarAvailability> {
  return Object.fromEntries(
    asked.map((id): [string, CalendarAvailability] => {
      const c = answer.calendars?.[id];
      if (!c) return [id, { status: "unknown", reasons: ["not in Google's answer"] }];
      if (c.errors?.length)
        return [id, { status: "unknown", reasons: c.errors.map((e) => e.reason ?? e.domain ?? "unknown") }];
      const busy = (c.busy ?? []).map((b) => ({ start: b.start ?? "", end: b.end ?? "" }));
      return [id, { status: "known", busy }];
    }),
  );
}
