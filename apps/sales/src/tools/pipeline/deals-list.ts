import {
  annotations,
  CursorSchema,
  IsoDateSchema,
  LimitSchema,
  NextCursorSchema,
  userError,
} from "@revops/kit";
import { z } from "zod";
import { salesTool } from "../../ports";
import {
  AccountIdSchema,
  DealRowSchema,
  DealTypeSchema,
  OwnerSchema,
  StageSchema,
  toDealRow,
} from "../schemas";
import { pipelineToolset } from "./toolset";

export const dealsList = salesTool({
  name: "deals_list",
  title: "List deals",
  description: "Deals by stage, status, type, owner, account, close date or amount, latest close date first.",
  toolset: pipelineToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      stage: StageSchema.optional(),
      status: z.enum(["open", "won", "lost"]).optional(),
      type: DealTypeSchema.optional(),
      owner: OwnerSchema.optional(),
      account_id: AccountIdSchema.optional(),
      close_from: IsoDateSchema.optional(),
      close_to: IsoDateSchema.optional(),
      min_amount: z.number().nonnegative().optional().describe("USD"),
      cursor: CursorSchema.optional(),
      limit: LimitSchema,
    })
    .strict(),
  output: z.object({
    deals: z.array(DealRowSchema),
    total: z.number().describe("Deals matching the filters"),
    next_cursor: NextCursorSchema,
    note: z.string(),
  }),
  example: { status: "open", limit: 3 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    if (input.close_from && input.close_to && input.close_from > input.close_to) {
      throw userError("close_from is after close_to.", {
        fields: ["close_from", "close_to"],
        hint: "Swap the two dates.",
      });
    }
    const page = await ports.crm.listDeals({
      stage: input.stage,
      status: input.status,
      type: input.type,
      owner: input.owner,
      accountId: input.account_id,
      closeFrom: input.close_from,
      closeTo: input.close_to,
      minAmount: input.min_amount,
      cursor: input.cursor,
      limit: input.limit,
    });
    const shown = page.rows.length;
    const note =
      page.total === 0
        ? "No deals match; loosen the filters."
        : `Showing ${shown} of ${page.total}${page.nextCursor ? "; pass next_cursor for more, or narrow by owner, stage or close date" : ""}.`;
    const today = await ports.today();
    return {
      deals: page.rows.map((d) => toDealRow(d, today)),
      total: page.total,
      next_cursor: page.nextCursor,
      note,
    };
  },
});
