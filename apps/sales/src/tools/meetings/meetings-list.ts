import { annotations, untrustedName, userError } from "@revops/kit";
import { z } from "zod";
import { salesTool } from "../../ports";
import { resolveOwner } from "../deals-write/owner";
import { meetingsToolset } from "./toolset";

const DAY_MS = 86_400_000;

export const meetingsList = salesTool({
  name: "meetings_list",
  title: "List meetings",
  description: "Upcoming or past meetings of a rep, account or deal.",
  toolset: meetingsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm", "calendar"],
  annotations: annotations.read,
  input: z
    .object({
      when: z.enum(["upcoming", "past"]).default("upcoming"),
      owner: z.string().min(1).max(100).optional(),
      account_id: z.string().min(1).max(64).optional(),
      deal_id: z.string().min(1).max(64).optional(),
      days: z.number().int().min(1).max(365).default(30),
      limit: z.number().int().min(1).max(50).default(15),
    })
    .strict(),
  output: z.object({
    meetings: z.array(
      z.object({
        id: z.string(),
        title: untrustedName(z.string(), "meeting title"),
        start: z.string(),
        end: z.string(),
        deal_id: z.string().nullable(),
        account_id: z.string().nullable(),
        attendees: z.array(z.string()),
      }),
    ),
    window: z
      .object({ from: z.string(), to: z.string() })
      .describe("Days covered; upcoming starts now, past ends now"),
    source: z.string(),
    note: z.string(),
  }),
  example: { when: "past", owner: "Maya Chen", days: 14, limit: 5 },
  handler: async ({ input: i, ctx }) => {
    if (!i.owner && !i.account_id && !i.deal_id)
      throw userError("Say whose meetings: pass owner, account_id or deal_id.", {
        fields: ["owner", "account_id", "deal_id"],
        hint: "e.g. { owner: <rep email> } for a rep's week.",
      });
    const ports = ctx.ports;
    const owner = i.owner ? await resolveOwner(ports.crm, i.owner) : undefined;
    const now = Date.parse(await ports.now());
    const span = i.days * DAY_MS;
    const [from, to] = i.when === "upcoming" ? [now, now + span] : [now - span, now];
    const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    // days, not instants: the sandbox's "now" carries the wall clock's time of day
    const window = { from: range.from.slice(0, 10), to: range.to.slice(0, 10) };
    const { rows, caveats } = await ports.calendar.listMeetings({
      ...range,
      ...(owner && { ownerId: owner.id }),
      ...(i.account_id && { accountId: i.account_id }),
      ...(i.deal_id && { dealId: i.deal_id }),
      order: i.when === "upcoming" ? "asc" : "desc",
      limit: i.limit + 1,
    });
    const shown = rows.slice(0, i.limit);
    const more = rows.length > i.limit ? ` More exist: narrow days or raise limit.` : "";
    return {
      meetings: shown.map((m) => ({
        id: m.id,
        title: m.title,
        start: m.start,
        end: m.end,
        deal_id: m.dealId,
        account_id: m.accountId,
        attendees: m.attendees,
      })),
      window,
      source: ports.calendar.source,
      note: `${shown.length} ${i.when} meeting(s) ${i.when === "upcoming" ? "soonest" : "newest"} first.${more}${caveats.length ? ` ${caveats.join(" ")}` : ""}`,
    };
  },
  render: (o) =>
    o.meetings.length
      ? o.meetings
          .map((m) => `${m.start.slice(0, 16)} ${m.title} (${m.id}${m.deal_id ? `, ${m.deal_id}` : ""})`)
          .join("\n")
      : o.note,
});
