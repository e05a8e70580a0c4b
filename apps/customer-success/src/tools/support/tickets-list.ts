import {
  annotations,
  CursorSchema,
  IsoDateSchema,
  LimitSchema,
  NextCursorSchema,
  untrustedText,
} from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { csTool } from "../../ports";
import { AccountIdSchema, AccountNameSchema } from "../schemas";
import { supportToolset } from "./toolset";

export const ticketsList = csTool({
  name: "tickets_list",
  title: "List support tickets",
  description: "Support tickets by status, priority, account or creation date, newest first.",
  toolset: supportToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      status: z.enum(["new", "open", "pending", "solved", "closed"]).optional(),
      priority: z.enum(["low", "normal", "high", "urgent"]).optional(),
      account_id: AccountIdSchema.optional(),
      created_from: IsoDateSchema.optional(),
      created_to: IsoDateSchema.optional(),
      cursor: CursorSchema.optional(),
      limit: LimitSchema,
    })
    .strict(),
  output: z.object({
    tickets: z.array(
      z.object({
        id: z.string(),
        subject: untrustedText(z.string(), "ticket subject", 200),
        account_id: z.string(),
        account_name: AccountNameSchema,
        priority: z.string(),
        status: z.string(),
        channel: z.string(),
        created_at: z.string(),
        solved_at: z.string().nullable(),
        csat: z.string().nullable(),
      }),
    ),
    total: z.number(),
    next_cursor: NextCursorSchema,
    note: z.string(),
  }),
  example: { priority: "urgent", limit: 3 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const page = await fromVendor(() =>
      ports.support.listTickets({
        status: input.status,
        priority: input.priority,
        accountId: input.account_id,
        createdFrom: input.created_from,
        createdTo: input.created_to,
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
        priority: t.priority,
        status: t.status,
        channel: t.channel,
        created_at: t.createdAt,
        solved_at: t.solvedAt ?? null,
        csat: t.csat ?? null,
      })),
      total: page.total,
      next_cursor: page.nextCursor,
      note:
        page.total === 0
          ? "No tickets match; drop a filter."
          : `Showing ${page.rows.length} of ${page.total}.`,
    };
  },
});
