import { annotations, notFound, untrustedName, untrustedText } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { csTool } from "../../ports";
import { AccountNameSchema } from "../schemas";
import { supportSearchToolset } from "./toolset";

/** The newest comments shown; older ones are counted. */
const MAX_COMMENTS = 10;

export const ticketGet = csTool({
  name: "ticket_get",
  title: "Read a support ticket",
  description: "One ticket with its fields and newest comments (public and internal).",
  toolset: supportSearchToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      ticket_id: z.string().min(1).max(64).describe("Ticket id from tickets_search"),
    })
    .strict(),
  output: z.object({
    id: z.string(),
    subject: untrustedText(z.string(), "ticket subject", 200),
    account_id: z.string(),
    account_name: AccountNameSchema,
    requester: untrustedName(z.string(), "requester name").nullable(),
    status: z.string(),
    priority: z.string(),
    channel: z.string(),
    tags: z.array(z.string()),
    assignee_id: z.string().nullable(),
    created_at: z.string(),
    solved_at: z.string().nullable(),
    first_response_minutes: z.number().nullable(),
    csat: z.string().nullable(),
    csat_comment: untrustedText(z.string(), "CSAT comment", 400).nullable(),
    comments: z.array(
      z.object({
        id: z.string(),
        author_id: z.string(),
        public: z.boolean(),
        created_at: z.string(),
        body: untrustedText(z.string(), "ticket comment", 600),
      }),
    ),
    comments_total: z.number(),
  }),
  example: { ticket_id: "tkt_0001" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const t = await fromVendor(() => ports.support.ticketThread(input.ticket_id));
    if (!t) throw notFound(`No ticket ${input.ticket_id}.`, { hint: "Find its id with tickets_search." });
    return {
      id: t.id,
      subject: t.subject,
      account_id: t.accountId,
      account_name: t.accountName,
      requester: t.requesterName,
      status: t.status,
      priority: t.priority,
      channel: t.channel,
      tags: t.tags,
      assignee_id: t.assigneeId,
      created_at: t.createdAt,
      solved_at: t.solvedAt,
      first_response_minutes: t.firstResponseMinutes,
      csat: t.csat,
      csat_comment: t.csatComment,
      comments: t.comments.slice(-MAX_COMMENTS).map((c) => ({
        id: c.id,
        author_id: c.authorId,
        public: c.public,
        created_at: c.createdAt,
        body: c.body,
      })),
      comments_total: t.comments.length,
    };
  },
});
