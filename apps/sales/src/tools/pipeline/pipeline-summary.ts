import { freshnessOf } from "@revops/connectors/freshness";
import { AnalyticsMetaSchema, annotations, ConnectionSchema, defineView } from "@revops/kit";
import { z } from "zod";
import { isQuarter, parseQuarter, quarterOf } from "../../domain/period";
import { summarisePipeline } from "../../domain/pipeline";
import { salesTool } from "../../ports";
import { OwnerSchema, QuarterSchema } from "../schemas";
import { pipelineToolset } from "./toolset";

const Amounts = z.object({ deals: z.number(), amount: z.number() });

export const pipelineSummary = salesTool({
  name: "pipeline_summary",
  title: "Pipeline summary",
  description:
    "Pipeline of one quarter by stage: open, weighted, won, lost, win rate, slipped deals and forecast categories.",
  toolset: pipelineToolset.name,
  scopes: ["sales:read"],
  annotations: annotations.read,
  input: z
    .object({
      quarter: QuarterSchema.optional(),
      owner: OwnerSchema.optional(),
      connection: ConnectionSchema.optional(),
    })
    .strict(),
  output: z.object({
    quarter: z.string(),
    from: z.string(),
    to: z.string(),
    owner: z.string().nullable(),
    by_stage: z.array(
      z.object({ stage: z.string(), deals: z.number(), amount: z.number(), weighted: z.number() }),
    ),
    open: Amounts.extend({ weighted: z.number() }),
    won: Amounts,
    lost: Amounts,
    win_rate: z.number().nullable().describe("Won ÷ (won + lost) by count"),
    average_won_deal: z.number().nullable(),
    slipped: Amounts.describe("Open deals whose close date is already past"),
    forecast_categories: z.object({ commit: z.number(), best_case: z.number(), pipeline: z.number() }),
    meta: AnalyticsMetaSchema,
  }),
  example: { quarter: "2026-Q4" },
  view: defineView({
    uri: "ui://sales/pipeline",
    title: "Pipeline chart",
    description: "Amount by stage, with the weighted amount.",
    html: async () => (await import("../../views/pipeline.view.ts?view")).default,
  }),
  handler: async ({ input, ctx }) => {
    const ports = await ctx.ports.using(input.connection);
    const today = await ports.today();
    const period = parseQuarter(input.quarter && isQuarter(input.quarter) ? input.quarter : quarterOf(today));
    const deals = await ports.crm.dealsClosingBetween(period.from, period.to, input.owner);
    return {
      quarter: period.label,
      from: period.from,
      to: period.to,
      owner: input.owner ?? null,
      ...summarisePipeline(deals, today),
      meta: {
        method: "pipeline-summary-v1: sums by stage; weighted = amount × CRM stage probability",
        as_of: today,
        source: ports.source,
        inputs: { deals: deals.length },
        caveats: [
          ...(deals.length === 0 ? ["No deals close in this quarter for this owner."] : []),
          ...(freshnessOf(deals) ? [freshnessOf(deals)?.note as string] : []),
        ],
      },
    };
  },
});
