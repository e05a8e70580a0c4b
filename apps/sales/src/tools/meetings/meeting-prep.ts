import {
  AnalyticsMetaSchema,
  annotations,
  MoneySchema,
  notFound,
  untrustedName,
  untrustedText,
  userError,
} from "@revops/kit";
import { z } from "zod";
import { qualify } from "../../domain/qualification";
import { mapCommittee } from "../../domain/stakeholders";
import { salesTool } from "../../ports";
import { readDealRecord } from "../deals/deal-record";
import { meetingsToolset } from "./toolset";

const TOUCHES = 5;
const PEOPLE = 6;
const QUESTIONS = 5;

export const meetingPrep = salesTool({
  name: "meeting_prep",
  title: "Prepare for a meeting",
  description: "Brief for a meeting or deal: deal, stakeholders, last touches, open questions.",
  toolset: meetingsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm", "calendar"],
  annotations: annotations.read,
  input: z
    .object({
      deal_id: z.string().min(1).max(64).optional(),
      meeting_id: z.string().min(1).max(64).optional(),
    })
    .strict(),
  output: z.object({
    meeting: z
      .object({ id: z.string(), title: untrustedName(z.string(), "meeting title"), start: z.string() })
      .nullable(),
    deal: z.object({
      id: z.string(),
      name: untrustedName(z.string(), "deal name"),
      account: untrustedName(z.string(), "account name"),
      stage: z.string(),
      amount: MoneySchema,
      close_date: z.string(),
      next_step: untrustedText(z.string().nullable(), "next step", 255),
      owner: z.string(),
    }),
    stakeholders: z.array(
      z.object({
        name: untrustedName(z.string(), "contact name"),
        title: untrustedName(z.string(), "job title"),
        role: z.string().nullable(),
        last_touch: z.string().nullable(),
      }),
    ),
    gaps: z.array(z.string()),
    last_touches: z.array(
      z.object({
        at: z.string(),
        type: z.string(),
        subject: untrustedText(z.string(), "activity subject", 120),
        contact: untrustedName(z.string().nullable(), "contact name"),
      }),
    ),
    open_questions: z.array(z.string()),
    meta: AnalyticsMetaSchema,
  }),
  example: { deal_id: "deal_0001" },
  handler: async ({ input: i, ctx }) => {
    if (!i.deal_id && !i.meeting_id)
      throw userError("Pass deal_id or meeting_id.", {
        fields: ["deal_id", "meeting_id"],
        hint: "Find meetings with meetings_list, deals with deals_list.",
      });
    const ports = ctx.ports;
    const meeting = i.meeting_id ? await ports.calendar.getMeeting(i.meeting_id) : undefined;
    if (i.meeting_id && !meeting)
      throw notFound(`meeting_id: no meeting ${i.meeting_id}.`, {
        fields: ["meeting_id"],
        hint: "Find it with meetings_list.",
      });
    const dealId = i.deal_id ?? meeting?.dealId;
    if (!dealId)
      throw userError(`meeting_id: meeting ${i.meeting_id} is on no deal.`, {
        fields: ["deal_id"],
        hint: "Pass the deal's deal_id as well.",
      });
    const { record: r, read, caveats } = await readDealRecord(ctx, dealId);
    const today = await ports.today();
    const { people, gaps } = mapCommittee({ activities: read, contacts: r.contacts }, today);
    const { elements } = qualify(
      { nextStep: r.deal.nextStep, activities: read, contacts: r.contacts },
      "meddicc",
    );
    const missing = elements.filter((e) => !e.known);
    return {
      meeting: meeting ? { id: meeting.id, title: meeting.title, start: meeting.start } : null,
      deal: {
        id: r.deal.id,
        name: r.deal.name,
        account: r.deal.accountName,
        stage: r.deal.stage,
        amount: r.deal.amount,
        close_date: r.deal.closeDate,
        next_step: r.deal.nextStep ?? null,
        owner: r.deal.ownerName,
      },
      // the most engaged first, as the CRM ranks them
      stakeholders: people.slice(0, PEOPLE).map((p) => ({
        name: p.name,
        title: p.title,
        role: p.role,
        last_touch: p.last_touch,
      })),
      gaps: gaps.map((g) => g.advice),
      last_touches: read.slice(0, TOUCHES).map((a) => ({
        at: a.occurredAt,
        type: a.type,
        subject: a.subject,
        contact: a.contactName ?? null,
      })),
      open_questions: missing.flatMap((e) => e.ask.slice(0, 1)).slice(0, QUESTIONS),
      meta: {
        method:
          "prep-v1: stakeholders and gaps as stakeholders_map; open questions = the first question of each MEDDICC element deal_qualify finds missing; last touches = newest activities",
        as_of: today,
        source: ports.source,
        inputs: {
          activities_read: read.length,
          contacts: r.contacts.length,
          missing_elements: missing.map((e) => e.element).join(", "),
        },
        caveats,
      },
    };
  },
  render: (o) =>
    `${o.deal.name} (${o.deal.account}) ${o.deal.stage} $${o.deal.amount} closing ${o.deal.close_date}; next: ${o.deal.next_step ?? "(none)"}; ask: ${o.open_questions.join(" | ")}`,
});
