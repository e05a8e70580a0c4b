import { freshnessOf } from "@revops/connectors/freshness";
import { AnalyticsMetaSchema, annotations, ConnectionSchema, IsoDateSchema, userError } from "@revops/kit";
import { z } from "zod";
import { funnel } from "../../domain/economics";
import { marketingTool } from "../../ports";
import { leadsToolset } from "./toolset";

const rate = z.number().nullable();

export const leadsBySource = marketingTool({
  name: "leads_by_source",
  title: "Leads by source",
  description:
    "Lead volume and funnel conversion (MQL, SQL, won) per lead source for a date range, with won revenue.",
  toolset: leadsToolset.name,
  scopes: ["marketing:read"],
  annotations: annotations.read,
  input: z
    .object({
      from: IsoDateSchema.optional().describe("Created on or after"),
      to: IsoDateSchema.optional().describe("Created on or before"),
      connection: ConnectionSchema.optional(),
    })
    .strict(),
  output: z.object({
    sources: z.array(
      z.object({
        source: z.string(),
        leads: z.number(),
        mqls: z.number(),
        sqls: z.number(),
        converted: z.number(),
        won_revenue: z.number(),
        mql_rate: rate,
        sql_rate: rate,
        win_conversion: rate,
      }),
    ),
    total_leads: z.number(),
    meta: AnalyticsMetaSchema,
  }),
  example: { from: "2026-01-01" },
  handler: async ({ input, ctx }) => {
    const ports = await ctx.ports.using(input.connection);
    if (input.from && input.to && input.from > input.to) {
      throw userError("from is after to.", { fields: ["from", "to"], hint: "Swap the two dates." });
    }
    const rows = await ports.marketing.leadsBySource(input);
    const sources = rows
      .map((r) => ({
        source: r.source,
        leads: r.leads,
        mqls: r.mqls,
        sqls: r.sqls,
        converted: r.converted,
        won_revenue: r.wonRevenue,
        ...funnel(r),
      }))
      .sort((a, b) => b.leads - a.leads);
    const total = sources.reduce((t, r) => t + r.leads, 0);
    return {
      sources,
      total_leads: total,
      meta: {
        method:
          "lead-funnel-v1: counts by current lead status; MQL and SQL include leads that progressed further",
        as_of: await ports.today(),
        source: ports.source,
        inputs: { from: input.from ?? "all", to: input.to ?? "all", leads: total },
        caveats: [
          ...(total < 30 ? ["Fewer than 30 leads: rates are noisy."] : []),
          ...(freshnessOf(rows) ? [freshnessOf(rows)?.note as string] : []),
        ],
      },
    };
  },
});
