import { annotations, CursorSchema, LimitSchema, NextCursorSchema, untrustedName } from "@revops/kit";
import { z } from "zod";
import { marketingTool } from "../../ports";
import { ChannelSchema, StatusSchema } from "../schemas";
import { campaignsToolset } from "./toolset";

export const campaignsList = marketingTool({
  name: "campaigns_list",
  title: "List campaigns",
  description: "Campaigns with channel, dates, budget and spend, by status or channel.",
  toolset: campaignsToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z
    .object({
      status: StatusSchema.optional(),
      channel: ChannelSchema.optional(),
      cursor: CursorSchema.optional(),
      limit: LimitSchema,
    })
    .strict(),
  output: z.object({
    campaigns: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "campaign name"),
        channel: z.string(),
        status: z.string(),
        start_date: z.string(),
        end_date: z.string(),
        budget: z.number(),
        spend: z.number(),
      }),
    ),
    total: z.number(),
    next_cursor: NextCursorSchema,
    note: z.string(),
  }),
  example: { status: "active" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const page = await ports.marketing.listCampaigns({ ...input });
    return {
      campaigns: page.rows.map((c) => ({
        id: c.id,
        name: c.name,
        channel: c.channel,
        status: c.status,
        start_date: c.startDate,
        end_date: c.endDate,
        budget: c.budget,
        spend: c.spend,
      })),
      total: page.total,
      next_cursor: page.nextCursor,
      note:
        page.total === 0
          ? "No campaigns match; drop a filter."
          : `Showing ${page.rows.length} of ${page.total}.`,
    };
  },
});
