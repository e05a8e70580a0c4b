import {
  annotations,
  notFound,
  type ToolContext,
  ToolError,
  untrustedName,
  untrustedText,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import { vendorToolError } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { type CsPorts, csTool, isTicketWriteError, type NewTicket, type TicketRequester } from "../../ports";
import { shortSubject, TagSchema } from "./ticket-update";
import { supportWriteToolset } from "./toolset";

const PRIORITIES = ["low", "normal", "high", "urgent"] as const;

const input = z
  .object({
    account_id: z.string().min(1).max(64),
    requester_email: z
      .string()
      .max(254)
      .refine((v) => z.email().safeParse(v).success, "requester_email: an email address")
      .optional(),
    subject: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(10_000),
    public: z.boolean().default(false),
    // validated here, listed only in errors: every enum costs tokens on every turn
    priority: z
      .string()
      .default("normal")
      .refine(
        (v) => (PRIORITIES as readonly string[]).includes(v),
        `priority: one of ${PRIORITIES.join(", ")}`,
      )
      .transform((v) => v as (typeof PRIORITIES)[number]),
    tags: z.array(TagSchema).max(20).default([]),
  })
  .strict();
type Input = z.output<typeof input>;

/** The requester as the system of record has it now; an outage refuses the plan instead of guessing. */
async function requesterOf(ports: CsPorts, a: Input): Promise<TicketRequester> {
  let r: TicketRequester | undefined;
  try {
    r = await ports.support.ticketRequester(a.account_id, a.requester_email);
  } catch (err) {
    if (isTicketWriteError(err)) throw userError(err.message, { fields: [err.field ?? "account_id"] });
    if (isVendorError(err) && ["unavailable", "timeout", "circuit_open"].includes(err.kind))
      throw new ToolError(
        "retryable",
        `Cannot read account ${a.account_id}'s contacts from ${err.vendor}: ${err.message} Nothing was planned or created.`,
        { cause: err, hint: "Retry in a minute, when the help desk answers again." },
      );
    throw vendorToolError(err);
  }
  if (!r)
    throw notFound(
      a.requester_email
        ? `No contact ${a.requester_email} at account ${a.account_id}.`
        : `No account ${a.account_id} with a contact to open a ticket for.`,
      {
        fields: [a.requester_email ? "requester_email" : "account_id"],
        hint: a.requester_email
          ? "Give the email of one of the account's contacts, or omit it for the primary contact."
          : "Take an account id from health_scores or tickets_search.",
      },
    );
  return r;
}

async function planOf(a: Input, ctx: ToolContext<CsPorts>) {
  const ports = ctx.ports;
  const who = await requesterOf(ports, a);
  const name = shortSubject(a.subject);
  const isPublic = a.public;
  const ticket: NewTicket = {
    accountId: who.accountId,
    requesterId: who.id,
    subject: a.subject,
    priority: a.priority,
    tags: [...new Set(a.tags)],
    comment: { visibility: isPublic ? ("public" as const) : ("internal" as const), body: a.body },
  };
  const first = isPublic ? `public message to ${who.name} <${who.email}>` : "internal note";
  return {
    ports,
    who,
    ticket,
    plan: {
      summary: `Open ticket "${name}" at ${shortSubject(who.accountName) || who.accountId} for ${who.name} <${who.email}>: priority ${a.priority}${ticket.tags.length ? `, tags ${ticket.tags.join(", ")}` : ""}; first comment: ${first}`,
      action: "create",
      record_type: "ticket",
      records: [{ id: "(new)", name }],
      record: {
        account_id: who.accountId,
        requester_id: who.id,
        priority: a.priority,
        tags: ticket.tags,
      },
      comment: ticket.comment,
      system: ports.source,
      // a public first comment is emailed to the customer: high risk, confirmed only through the approval queue
      ...(isPublic && {
        public: true,
        recipients: [{ email: who.email, name: who.name, ...(who.timeZone && { time_zone: who.timeZone }) }],
      }),
    },
  };
}

export const ticketCreate = csTool({
  name: "ticket_create",
  title: "Open a support ticket",
  description:
    "Opens a ticket for an account's contact; the first comment is an internal note unless public.",
  toolset: supportWriteToolset.name,
  scopes: ["cs:write"],
  ports: ["support"],
  annotations: annotations.send,
  input,
  output: z.object({
    ticket_id: z.string(),
    subject: untrustedText(z.string(), "ticket subject", 200),
    account_id: z.string(),
    requester: untrustedName(z.string(), "requester name"),
    status: z.string(),
    comment: z.object({ id: z.string().nullable(), visibility: z.enum(["internal", "public"]) }),
    recovered: z.boolean().describe("true: an interrupted earlier attempt had already created it"),
    written: WrittenSchema,
  }),
  guard: {
    // a public first comment reaches the customer: outbound, so send rules apply
    kind: (i) => (i.public ? "outbound" : "destructive"),
    preview: async (i, ctx) => (await planOf(i, ctx)).plan,
  },
  example: {
    account_id: "acc_0064",
    subject: "Follow-up on the dashboard outage",
    body: "Customer reported dashboards timing out on Monday; tracking the fix here.",
    priority: "high",
    tags: ["performance"],
  },
  handler: async ({ input, ctx }) => {
    const { ports, who, ticket } = await planOf(input, ctx);
    let r: Awaited<ReturnType<CsPorts["support"]["createTicket"]>>;
    try {
      r = await ports.support.createTicket(ticket, { principal: ctx.principal.id, ...ctx.write });
    } catch (err) {
      if (!isTicketWriteError(err)) throw vendorToolError(err);
      throw userError(err.message, { fields: [err.field ?? "account_id"] });
    }
    return {
      ticket_id: r.id,
      subject: ticket.subject,
      account_id: who.accountId,
      requester: who.name,
      status: r.status,
      comment: { id: r.commentId ?? null, visibility: ticket.comment.visibility },
      recovered: r.recovered,
      written: { system: r.system, id: r.id },
    };
  },
  render: (o) =>
    `Ticket ${o.ticket_id} opened in ${o.written.system}${o.recovered ? " (found already created after an interrupted attempt)" : ""} for ${o.requester}: ${o.subject} (${o.comment.visibility === "public" ? "public message sent" : "internal note"})`,
});
