import {
  annotations,
  notFound,
  type ToolContext,
  ToolError,
  untrustedText,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import { vendorToolError } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { type CsPorts, csTool, isTicketWriteError, type TicketChanges, type TicketDetail } from "../../ports";
import { supportWriteToolset } from "./toolset";

export const TagSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[^\s,]+$/, "one word: no spaces or commas");
/** Subjects are customer text: capped wherever they appear, fenced in what the model reads. */
const SUBJECT_IN_PLAN = 60;

const input = z
  .object({
    ticket_id: z.string().min(1).max(64),
    status: z.enum(["open", "pending", "solved", "closed"]).optional(),
    priority: z.enum(["low", "normal", "high", "urgent"]).optional(),
    assignee_id: z.string().min(1).max(64).nullable().optional().describe("null unassigns"),
    add_tags: z.array(TagSchema).max(20).optional(),
    remove_tags: z.array(TagSchema).max(20).optional(),
    comment: z
      .object({
        visibility: z.enum(["internal", "public"]).describe("public: a reply the requester sees"),
        body: z.string().trim().min(1).max(10_000),
      })
      .strict()
      .optional(),
  })
  .strict();
type Input = z.output<typeof input>;

const FieldChangeSchema = z.object({
  field: z.string(),
  before: z.union([z.string(), z.array(z.string())]).nullable(),
  after: z.union([z.string(), z.array(z.string())]).nullable(),
});
type FieldChange = z.output<typeof FieldChangeSchema>;

/** One line of plain text, capped: what a human types back in the confirmation phrase. */
export const shortSubject = (s: string) => {
  const one = s.replace(/\s+/g, " ").replaceAll("<<<", "‹‹‹").replaceAll(">>>", "›››").trim();
  return one.length > SUBJECT_IN_PLAN ? `${one.slice(0, SUBJECT_IN_PLAN - 1)}…` : one;
};

const changesOf = (input: Input): TicketChanges => ({
  ...(input.status && { status: input.status }),
  ...(input.priority && { priority: input.priority }),
  ...(input.assignee_id !== undefined && { assigneeId: input.assignee_id }),
  ...(input.add_tags?.length && { addTags: input.add_tags }),
  ...(input.remove_tags?.length && { removeTags: input.remove_tags }),
  ...(input.comment && { comment: input.comment }),
});

/** Field by field, what the update changes on this ticket as it is now (no-ops left out). */
function fieldChanges(t: TicketDetail, c: TicketChanges): FieldChange[] {
  const out: FieldChange[] = [];
  if (c.status && c.status !== t.status) out.push({ field: "status", before: t.status, after: c.status });
  if (c.priority && c.priority !== t.priority)
    out.push({ field: "priority", before: t.priority, after: c.priority });
  if (c.assigneeId !== undefined && c.assigneeId !== t.assigneeId)
    out.push({ field: "assignee_id", before: t.assigneeId, after: c.assigneeId });
  if (c.addTags || c.removeTags) {
    const removed = new Set(c.removeTags ?? []);
    const tags = [...new Set([...t.tags, ...(c.addTags ?? [])])].filter((x) => !removed.has(x));
    if (tags.join(",") !== t.tags.join(",")) out.push({ field: "tags", before: t.tags, after: tags });
  }
  return out;
}

/** The ticket as it is now, from the system of record; never a cached copy. */
async function freshTicket(ports: CsPorts, id: string): Promise<TicketDetail> {
  let t: TicketDetail | undefined;
  try {
    t = await ports.support.getTicket(id);
  } catch (err) {
    if (isTicketWriteError(err)) throw userError(err.message, { fields: [err.field ?? "ticket_id"] });
    if (
      isVendorError(err) &&
      (err.kind === "unavailable" || err.kind === "timeout" || err.kind === "circuit_open")
    )
      throw new ToolError(
        "retryable",
        `Cannot read ticket ${id} from ${err.vendor}: ${err.message} A plan is never built from cached data, so nothing was planned or changed.`,
        { cause: err, hint: "Retry in a minute, when the help desk answers again." },
      );
    throw vendorToolError(err);
  }
  if (!t)
    throw notFound(`No ticket ${id}.`, { fields: ["ticket_id"], hint: "Take an id from tickets_list." });
  return t;
}

async function planOf(input: Input, ctx: ToolContext<CsPorts>) {
  const ports = ctx.ports;
  const t = await freshTicket(ports, input.ticket_id);
  if (t.status === "closed")
    throw userError(`Ticket ${t.id} is closed: closed tickets cannot be updated.`, {
      fields: ["ticket_id"],
      hint: "Open a follow-up ticket instead.",
    });
  const changes = changesOf(input);
  const fields = fieldChanges(t, changes);
  if (fields.length === 0 && !changes.comment)
    throw userError(`Nothing to change on ticket ${t.id}: the values given are its current ones.`, {
      fields: ["status", "priority", "assignee_id", "add_tags", "remove_tags", "comment"],
      hint: "Give at least one field with a new value, or a comment.",
    });
  const reply = changes.comment?.visibility === "public";
  if (reply && !t.requester)
    throw userError(`Ticket ${t.id} has no requester with an email, so a public reply cannot be sent.`, {
      fields: ["comment.visibility"],
      hint: 'Use visibility "internal" for a note.',
    });
  const name = shortSubject(t.subject);
  const what = [
    ...fields.map((f) => `${f.field} ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`),
    ...(changes.comment
      ? [reply ? `public reply to ${t.requester?.name ?? ""} <${t.requester?.email}>` : "internal note"]
      : []),
  ];
  return {
    ticket: t,
    changes,
    plan: {
      summary: `Update ticket ${t.id} "${name}": ${what.join("; ")}`,
      action: "update",
      record_type: "ticket",
      records: [{ id: t.id, name }],
      changes: fields,
      ...(changes.comment && { comment: changes.comment }),
      // a public reply is seen outside the company: high risk, confirmed only through the approval queue
      ...(reply && { public: true }),
      ...(reply &&
        t.requester && {
          recipients: [
            {
              email: t.requester.email,
              name: t.requester.name,
              ...(t.requester.timeZone && { time_zone: t.requester.timeZone }),
            },
          ],
        }),
    },
  };
}

export const ticketUpdate = csTool({
  name: "ticket_update",
  title: "Update a support ticket",
  description:
    "Changes a ticket's status, priority, assignee or tags, and adds an internal note or a public reply.",
  toolset: supportWriteToolset.name,
  scopes: ["cs:write"],
  ports: ["support"],
  annotations: annotations.send,
  input,
  output: z.object({
    ticket_id: z.string(),
    subject: untrustedText(z.string(), "ticket subject", 200),
    status: z.string(),
    changes: z.array(FieldChangeSchema),
    comment: z.object({ id: z.string().nullable(), visibility: z.enum(["internal", "public"]) }).nullable(),
    recovered: z.boolean().describe("true: an interrupted earlier attempt had already applied it"),
    written: WrittenSchema,
  }),
  guard: {
    // a public reply reaches the customer: outbound, so send rules apply; anything else overwrites fields
    kind: (i) => (i.comment?.visibility === "public" ? "outbound" : "destructive"),
    preview: async (i, ctx) => (await planOf(i, ctx)).plan,
  },
  example: {
    ticket_id: "tkt_0989",
    priority: "high",
    add_tags: ["escalation"],
    comment: { visibility: "internal", body: "Customer called; escalating to tier 2." },
  },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const { ticket, changes, plan } = await planOf(input, ctx);
    let r: Awaited<ReturnType<CsPorts["support"]["updateTicket"]>>;
    try {
      r = await ports.support.updateTicket(ticket.id, changes, {
        principal: ctx.principal.id,
        // the key, and whether an interrupted execution under it may have landed
        ...ctx.write,
      });
    } catch (err) {
      if (!isTicketWriteError(err)) throw vendorToolError(err);
      if (err.code === "not_found") throw notFound(err.message, { fields: ["ticket_id"] });
      throw userError(err.message, { fields: [err.field ?? "ticket_id"] });
    }
    return {
      ticket_id: ticket.id,
      subject: ticket.subject,
      status: r.ticket.status,
      changes: plan.changes,
      comment: changes.comment ? { id: r.commentId ?? null, visibility: changes.comment.visibility } : null,
      recovered: r.recovered,
      written: { system: r.system, id: ticket.id },
    };
  },
  render: (o) =>
    [
      `Ticket ${o.ticket_id} updated in ${o.written.system}${o.recovered ? " (found already applied after an interrupted attempt)" : ""}: ${o.subject}`,
      ...o.changes.map((c) => `- ${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`),
      ...(o.comment
        ? [`- ${o.comment.visibility === "public" ? "public reply" : "internal note"} added`]
        : []),
    ].join("\n"),
});
