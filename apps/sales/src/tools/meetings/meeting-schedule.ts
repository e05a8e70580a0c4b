import { guardStateOf } from "@revops/guards";
import { annotations, IsoDateTimeSchema, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import { conflicts, localLabel, withinWorkingHours } from "../../domain/scheduling";
import { type SalesPorts, salesTool } from "../../ports";
import {
  AddressSchema,
  deliveryOf,
  distinct,
  freshDeal,
  originOf,
  peopleOf,
  refuseUnsubscribed,
  repOf,
} from "./context";
import { meetingsToolset } from "./toolset";

const input = z
  .object({
    deal_id: z.string().min(1).max(64),
    start: IsoDateTimeSchema,
    attendees: z.array(AddressSchema).min(1).max(10),
  })
  .strict();
type Input = z.output<typeof input>;
/** Every booking is half an hour (a duration argument would cost tokens on every turn). */
const MINUTES = 30;

/** The invitation the arguments make, checked against every attendee's zone, working hours and calendar. */
async function planOf(i: Input, ctx: ToolContext<SalesPorts>, calendars = true) {
  const ports = ctx.ports;
  const deal = await freshDeal(ports, i.deal_id);
  const rep = await repOf(ports, deal);
  const title = `${deal.name} (${deal.accountName})`;
  const start = new Date(i.start).toISOString();
  const end = new Date(Date.parse(i.start) + MINUTES * 60_000).toISOString();
  if (Date.parse(start) <= Date.parse(await ports.now()))
    throw userError(`start: ${i.start} has passed.`, {
      fields: ["start"],
      hint: "Pick a time in the future.",
    });
  const guests = distinct(i.attendees).filter((e) => e !== rep.email.toLowerCase());
  const people = await peopleOf(ports, guests);
  refuseUnsubscribed(people, guests, "attendees");
  const fallback = guardStateOf(ctx)?.config.GUARD_DEFAULT_TIME_ZONE ?? "UTC";
  const everyone = [rep.email.toLowerCase(), ...guests];
  const zoneOf = (e: string) =>
    (e === rep.email.toLowerCase() ? rep.timeZone : people.get(e)?.timeZone) ?? null;
  // a zone the CRM does not know cannot be judged: the plan names those attendees instead of guessing
  const offHours = everyone.filter((e) => {
    const zone = zoneOf(e);
    return zone !== null && !withinWorkingHours(start, end, zone);
  });
  if (offHours.length > 0)
    throw userError(
      `start: outside working hours (Mon-Fri 09-17 local) for ${offHours.map((e) => `${e} (${localLabel(start, zoneOf(e) ?? fallback)} ${zoneOf(e)})`).join(", ")}.`,
      { fields: ["start"], hint: "Pick a time inside everyone's working day." },
    );
  // the handler books what was confirmed: a retry after a landed booking would find its own event busy
  const availability = calendars ? await ports.calendar.busy(everyone, start, end) : {};
  const busy = everyone.filter((e) => {
    const a = availability[e];
    return a?.status === "known" && conflicts(a.busy, start, end).length > 0;
  });
  if (busy.length > 0)
    throw userError(`start: ${busy.join(", ")} already busy then.`, {
      fields: ["start"],
      hint: "Pick another time; meetings_list shows a rep's meetings.",
    });
  const unknown = everyone.filter((e) => availability[e]?.status !== "known");
  const meeting = {
    title,
    start,
    end,
    timeZone: rep.timeZone ?? fallback,
    ownerId: rep.id,
    ownerEmail: rep.email,
    accountId: deal.accountId,
    dealId: deal.id,
    attendees: guests,
    agenda: null,
  };
  const plan = {
    summary: `Invite ${guests.join(", ")} to "${title}", ${start} for ${MINUTES} min, from ${rep.email}`,
    action: "send",
    record_type: "meeting invitation",
    records: [{ id: "(new)", name: title }],
    recipients: guests.map((e) => ({
      email: e,
      ...(people.get(e)?.name && { name: people.get(e)?.name }),
      ...(zoneOf(e) && { time_zone: zoneOf(e) as string }),
    })),
    local_times: everyone.map(
      (e) => `${e}: ${zoneOf(e) ? localLabel(start, zoneOf(e) as string) : "zone unknown"}`,
    ),
    not_known_contacts: guests.filter((e) => !people.has(e)),
    availability_unknown: unknown,
    system: ports.calendar.source,
    delivery: deliveryOf(ports.calendar.source),
    side_effects: ["Each attendee gets a calendar invitation by email."],
  };
  return { ports, meeting, plan };
}

export const meetingSchedule = salesTool({
  name: "meeting_schedule",
  title: "Schedule a meeting",
  description: "Books a 30-minute deal meeting, inviting attendees.",
  toolset: meetingsToolset.name,
  scopes: ["sales:write"],
  ports: ["crm", "calendar"],
  annotations: annotations.send,
  input,
  output: z.object({
    meeting: z.object({ id: z.string(), start: z.string(), end: z.string(), attendees: z.array(z.string()) }),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: { kind: "outbound", preview: async (i, ctx) => (await planOf(i, ctx)).plan },
  handler: async ({ input: i, ctx }) => {
    const { ports, meeting } = await planOf(i, ctx, false);
    const w = await ports.calendar.createMeeting(meeting, originOf(ctx));
    return {
      meeting: { id: w.id, start: meeting.start, end: meeting.end, attendees: meeting.attendees },
      written: { system: w.system, id: w.id },
      note: w.created
        ? `Booked in ${w.system}; invitations sent.`
        : "An earlier attempt had already booked it: found, not booked again.",
    };
  },
  render: (o) =>
    `${o.written.system}:${o.written.id} ${o.meeting.start} with ${o.meeting.attendees.join(", ")}`,
  example: {
    deal_id: "deal_0001",
    start: "2026-11-25T03:00:00Z",
    attendees: ["buyer@example.com"],
  },
});
