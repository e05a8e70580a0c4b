/** Local working hours every attendee is booked within: 09:00-17:00, Monday to Friday, in their own zone. */
export const WORKING_HOURS = { start: 9, end: 17 } as const;

/** Local weekday (0 Sunday), hour and minute of an instant in an IANA zone. */
function localParts(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "numeric",
    minute: "numeric",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday"));
  return { day, minutes: Number(get("hour")) * 60 + Number(get("minute")) };
}

/** "Tue 10:30" where the attendee is. */
export function localLabel(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(iso));
}

/** True when [start, end) lies inside one local working day of the zone; an unknown zone throws RangeError. */
export function withinWorkingHours(start: string, end: string, timeZone: string): boolean {
  const a = localParts(new Date(start), timeZone);
  const b = localParts(new Date(Date.parse(end) - 1), timeZone);
  const weekday = (d: number) => d >= 1 && d <= 5;
  return (
    a.day === b.day &&
    weekday(a.day) &&
    a.minutes >= WORKING_HOURS.start * 60 &&
    b.minutes < WORKING_HOURS.end * 60
  );
}

/** The busy periods that overlap [start, end). */
export function conflicts(busy: { start: string; end: string }[], start: string, end: string) {
  const s = Date.parse(start);
  const e = Date.parse(end);
  return busy.filter((b) => Date.parse(b.start) < e && Date.parse(b.end) > s);
}
