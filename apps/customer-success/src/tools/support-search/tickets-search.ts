import {
  annotations,
  CursorSchema,
  LimitSchema,
  NextCursorSchema,
  untrustedName,
  untrustedText,
} from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { csTool } from "../../ports";
import { AccountIdSchema, AccountNameSchema } from "../schemas";
import { supportSearchToolset } from "./toolset";

export const TicketStatusSchema = z.enum(["new", "open", "pending", "solved", "closed"]);
export const TicketPrioritySchema = z.enum(["low", "normal", "high", "urgent"]);

export const ticketsSearch = csTool({
  name: "tickets_search",
  title: "Search support tickets",
  description: "Search tickets by text (subject, comments), status, priority, tag, account or requester.",
  toolset: supportSearchToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      text: z.string().max(200).optional(),
      status: TicketStatusSchema.optional(),
      priority: TicketPrioritySchema.optional(),
      tag: z.string().max(60).optional(),
      account_id: AccountIdSchema.optional(),
      requester: z.string().max(120).optional().describe("Email or name"),
      cursor: CursorSchema.optional(),
      limit: LimitSchema.default(10),
    })
    .strict(),
  output: z.object({
    tickets: z.array(
      z.object({
        id: z.string(),
        subject: untrustedText(z.string(), "ticket subject", 200),
        account_id: z.string(),
        account_name: AccountNameSchema,
        requester: untrustedName(z.string(), "requester name").nullable(),
        priority: z.string(),
        status: z.string(),
        tags: z.array(z.string()),
        created_at: z.string(),
        csat: z.string().nullable(),
      }),
    ),
    total: z.number(),
    next_cursor: NextCursorSchema,
    note: z.string(),
  }),
  example: { text: "slow", priority: "urgent", limit: 3 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const page = await fromVendor(() =>
      ports.support.searchTickets({
        text: input.text,
        status: input.status,
        priority: input.priority,
        tag: input.tag,
        accountId: input.account_id,
        requester: input.requester,
        cursor: input.cursor,
        limit: input.limit,
      }),
    );
    return {
      tickets: page.rows.map((t) => ({
        id: t.id,
        subject: t.subject,
        account_id: t.accountId,
        account_name: t.accountName,
        requester: t.requesterName,
        priority: t.priority,
        status: t.status,
        tags: t.tags,
        created_at: t.createdAt,
        csat: t.csat,
      })),
      total: page.total,
      next_cursor: page.nextCursor,
      note:
        page.total === 0
          ? "No tickets match; drop a filter or shorten the text."
          : `Showing ${page.rows.length} of ${page.total}; ticket_get reads one with its comments.`,
    };
  },
});
