import { AnalyticsMetaSchema, annotations, MoneySchema } from "@revops/kit";
import { z } from "zod";
import { type FunnelGroup, median, rate } from "../../domain/funnel";
import { marketingTool } from "../../ports";
import { Days, funnelInput, funnelPage, GroupKeys, NextCursorSchema, Rate } from "./funnel-query";
import { leadsToolset } from "./toolset";

const Counts = {
  leads: z.number(),
  opportunities: z.number(),
  won: z.number(),
  won_revenue: MoneySchema,
  lead_to_opportunity_rate: Rate,
  lead_to_won_rate: Rate,
  median_days_to_opportunity: Days,
  median_days_to_won: Days,
};

function counts(g: FunnelGroup) {
  return {
    leads: g.leads,
    opportunities: g.opportunities,
    won: g.won,
    won_revenue: g.wonRevenue,
    lead_to_opportunity_rate: rate(g.opportunities, g.leads),
    lead_to_won_rate: rate(g.won, g.leads),
    median_days_to_opportunity: median(g.days.lead_to_opportunity),
    median_days_to_won: median(g.days.lead_to_won),
  };
}

export const leadsBySource = marketingTool({
  name: "leads_by_source",
  title: "Leads by source",
  description:
    "Leads per source and cohort month with lead→opportunity and lead→won rates, won revenue and median days to convert.",
  toolset: leadsToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z.object({ ...funnelInput }).strict(),
  output: z.object({
    rows: z.array(z.object({ ...GroupKeys, ...Counts })),
    totals: z.object(Counts),
    next_cursor: NextCursorSchema,
    note: z.string(),
    meta: AnalyticsMetaSchema,
  }),
  example: { from: "2026-01-01" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const r = await funnelPage(ports, input, "leads_by_source");
    return {
      rows: r.page.map((g) => ({
        ...(g.month !== undefined && { month: g.month }),
        ...(g.source !== undefined && { source: g.source }),
        ...counts(g),
      })),
      totals: counts(r.total),
      next_cursor: r.next_cursor,
      note: r.note,
      meta: {
        method:
          "lead-conversion-v2: leads by creation month and source; opportunity = converted into a deal, won = that deal closed won; days from lead creation",
        as_of: r.today,
        source: ports.source,
        inputs: {
          from: input.from ?? "all",
          to: input.to ?? "all",
          group_by: input.group_by,
          leads: r.total.leads,
        },
        caveats: r.caveats,
      },
    };
  },
});
