import { AnalyticsMetaSchema, annotations } from "@revops/kit";
import { z } from "zod";
import { type FunnelGroup, median, rate } from "../../domain/funnel";
import { marketingTool } from "../../ports";
import { Days, funnelInput, funnelPage, GroupKeys, NextCursorSchema, Rate } from "../leads/funnel-query";
import { analyticsToolset } from "./toolset";

// flat columns, so the text rendering is one table row per group
const Stages = {
  leads: z.number(),
  mqls: z.number(),
  sqls: z.number(),
  opportunities: z.number(),
  won: z.number(),
  lead_to_mql_rate: Rate,
  mql_to_sql_rate: Rate,
  sql_to_opportunity_rate: Rate,
  opportunity_to_won_rate: Rate,
  days_lead_to_mql: Days.describe("Median days; null where the source records no stage date"),
  days_mql_to_sql: Days,
  days_sql_to_opportunity: Days,
  days_lead_to_opportunity: Days,
  days_opportunity_to_won: Days,
};

function stages(g: FunnelGroup) {
  return {
    leads: g.leads,
    mqls: g.mqls,
    sqls: g.sqls,
    opportunities: g.opportunities,
    won: g.won,
    lead_to_mql_rate: rate(g.mqls, g.leads),
    mql_to_sql_rate: rate(g.sqls, g.mqls),
    sql_to_opportunity_rate: rate(g.opportunities, g.sqls),
    opportunity_to_won_rate: rate(g.won, g.opportunities),
    days_lead_to_mql: median(g.days.lead_to_mql),
    days_mql_to_sql: median(g.days.mql_to_sql),
    days_sql_to_opportunity: median(g.days.sql_to_opportunity),
    days_lead_to_opportunity: median(g.days.lead_to_opportunity),
    days_opportunity_to_won: median(g.days.opportunity_to_won),
  };
}

export const funnelReport = marketingTool({
  name: "funnel_report",
  title: "Lead funnel report",
  description:
    "Lead → MQL → SQL → opportunity → won counts, stage rates and median days between stages by cohort month and source.",
  toolset: analyticsToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z
    .object({
      ...funnelInput,
      // rows are wider than leads_by_source's: a smaller default page keeps it inside the result budget
      limit: z.number().int().min(1).max(100).default(8),
    })
    .strict(),
  output: z.object({
    rows: z.array(z.object({ ...GroupKeys, ...Stages })),
    totals: z.object(Stages),
    next_cursor: NextCursorSchema,
    note: z.string(),
    meta: AnalyticsMetaSchema,
  }),
  example: { group_by: "source" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const r = await funnelPage(ports, input, "funnel_report");
    const undated = (["mql", "sql", "opportunity", "won"] as const).filter(
      (s) => !r.funnel.datedStages.includes(s),
    );
    return {
      rows: r.page.map((g) => ({
        ...(g.month !== undefined && { month: g.month }),
        ...(g.source !== undefined && { source: g.source }),
        ...stages(g),
      })),
      totals: stages(r.total),
      next_cursor: r.next_cursor,
      note: r.note,
      meta: {
        method:
          "lead-funnel-v2: each stage counts leads that reached it or a later one; days are medians over leads with both stage dates in order",
        as_of: r.today,
        source: ports.source,
        inputs: {
          from: input.from ?? "all",
          to: input.to ?? "all",
          group_by: input.group_by,
          leads: r.total.leads,
          dated_stages: r.funnel.datedStages.join(",") || "none",
        },
        caveats: [
          ...(undated.length > 0
            ? [`No dates recorded for: ${undated.join(", ")}; their days are null.`]
            : []),
          ...r.caveats,
        ],
      },
    };
  },
});
