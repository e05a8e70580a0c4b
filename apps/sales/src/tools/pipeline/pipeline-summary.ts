import { AnalyticsMetaSchema, annotations, defineView } from "@revops/kit";
import { z } from "zod";
import { isQuarter, type Period, parseQuarter, quarterOf } from "../../domain/period";
import { OPEN_STAGES, openByWeek, summarisePipeline, weekEnds } from "../../domain/pipeline";
import { type SalesPorts, salesTool } from "../../ports";
import { OwnerSchema, QuarterSchema } from "../schemas";
import { pipelineToolset } from "./toolset";

const Amounts = z.object({ deals: z.number(), amount: z.number() });
/** Weeks of the weekly series (the chart's columns); a CRM without stage history serves only the last. */
const WEEKS = 8;

/** The quarter's open pipeline at each week end of the series (the sales warm-up reads this quarter's). */
export async function weeklyPipeline(ports: SalesPorts, period: Period, today: string, owner?: string) {
  // past weeks are rebuilt from stage history, which only the sandbox port reads
  const history = ports.source === "sandbox";
  const end = [period.to, today].sort()[0] ?? today; // the earlier day: a past quarter's last
  // without it only today's pipeline is known: a past quarter has no weekly series
  const weeks = history ? weekEnds(end, WEEKS) : end === today ? [today] : [];
  const cells = weeks.length
    ? await ports.crm.pipelineSnapshots(
        weeks.map((asOf) => ({ asOf, from: period.from, to: period.to })),
        owner,
      )
    : [];
  return { history, weeks, cells };
}

export const pipelineSummary = salesTool({
  name: "pipeline_summary",
  title: "Pipeline summary",
  description:
    "Pipeline of one quarter by stage: open, weighted, won, lost, win rate, slipped deals and forecast categories.",
  toolset: pipelineToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      quarter: QuarterSchema.optional(),
      owner: OwnerSchema.optional(),
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
    by_week: z
      .object({
        week_ending: z.array(z.string()),
        open: z.record(z.enum(OPEN_STAGES), z.array(z.number())),
      })
      .describe("Open amount of this quarter's deals per stage as each week ended"),
    meta: AnalyticsMetaSchema,
  }),
  example: { quarter: "2026-Q4" },
  view: defineView({
    uri: "ui://sales/pipeline",
    title: "Pipeline chart",
    description: "Amount by stage with the weighted amount, and open pipeline by stage week by week.",
    html: async () => (await import("../../views/pipeline.view.ts?view")).default,
  }),
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const period = parseQuarter(input.quarter && isQuarter(input.quarter) ? input.quarter : quarterOf(today));
    const deals = await ports.crm.dealsClosingBetween(period.from, period.to, input.owner);
    const { history, weeks, cells } = await weeklyPipeline(ports, period, today, input.owner);
    return {
      quarter: period.label,
      from: period.from,
      to: period.to,
      owner: input.owner ?? null,
      ...summarisePipeline(deals, today),
      by_week: { week_ending: weeks, open: openByWeek(cells, weeks.length) },
      meta: {
        method:
          "pipeline-summary-v1: sums by stage; weighted = amount × CRM stage probability; by_week = the quarter's deals by the stage they were in at the end of each week (stage history), today's amounts and close dates",
        as_of: today,
        source: ports.source,
        inputs: { deals: deals.length },
        caveats: [
          ...(history
            ? []
            : [
                "by_week has today's pipeline only (none for a past quarter): this CRM's stage history is not read.",
              ]),
          ...(deals.length === 0 ? ["No deals close in this quarter for this owner."] : []),
        ],
      },
    };
  },
});
