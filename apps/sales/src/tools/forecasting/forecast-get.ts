import { AnalyticsMetaSchema, annotations, defineView } from "@revops/kit";
import { z } from "zod";
import { DEAL_TYPES, FORECAST_METHOD, PRIOR_DEALS, SEED, SIMULATIONS } from "../../domain/forecast-model";
import { parseQuarter, quarterOf } from "../../domain/period";
import { OPEN_STAGES } from "../../domain/pipeline";
import { type SalesPorts, salesTool } from "../../ports";
import { OwnerSchema, QuarterSchema } from "../schemas";
import { forecastCaveats, runForecast } from "./forecast-run";
import { forecastingToolset } from "./toolset";

const TypeLineSchema = z.object({
  won: z.number(),
  open: z.number().describe("Open pipeline $"),
  p50: z.number(),
});

const BacktestSchema = z.object({
  points: z.number(),
  mean_signed_error: z.number().describe("Mean (P50 − actual) / actual"),
  mean_abs_error: z.number(),
  p10_p90_coverage: z.number().describe("Share of points whose actual fell in P10–P90"),
  table: z.array(
    z.object({
      quarter: z.string(),
      week: z.number(),
      p10: z.number(),
      p50: z.number(),
      p90: z.number(),
      actual: z.number(),
      error: z.number(),
    }),
  ),
});

/** Renewal deals of the quarter in commit whose account customer success expects to lose (suite only). */
async function reconcile(ports: SalesPorts, quarter: string, owner: string | undefined) {
  if (!ports.renewalRisk) return [];
  const { from, to } = parseQuarter(quarter);
  const commits = (await ports.crm.dealsClosingBetween(from, to, owner)).filter(
    (d) => d.type === "renewal" && d.forecastCategory === "commit" && OPEN_STAGES.includes(d.stage as never),
  );
  if (commits.length === 0) return [];
  const risk = await ports.renewalRisk([...new Set(commits.map((d) => d.accountId))]);
  return commits
    .filter((d) => risk.get(d.accountId)?.high)
    .map((d) => ({
      deal_id: d.id,
      account: d.accountName,
      amount: d.amount,
      churn_probability: Math.round((risk.get(d.accountId)?.probability ?? 0) * 1000) / 1000,
    }));
}

/** The forecast of a quarter (this one by default) and its reconciliation with customer success's churn model. */
export async function forecastOf(ports: SalesPorts, quarterArg?: string, owner?: string) {
  const today = await ports.today();
  const quarter = quarterArg ?? quarterOf(today);
  const run = await runForecast(ports.crm, today, quarter, owner);
  return { quarter, run, conflicts: await reconcile(ports, quarter, owner) };
}

export const forecastGet = salesTool({
  name: "forecast_get",
  title: "Forecast a quarter",
  description:
    "Quarter revenue forecast (P10/P50/P90) by deal type with commit and best-case categories, from dollar-weighted historical conversion; backtested.",
  toolset: forecastingToolset.name,
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
    owner: z.string().nullable(),
    forecast: z.object({ p10: z.number(), p50: z.number(), p90: z.number() }),
    categories: z
      .object({ closed_won: z.number(), commit: z.number(), best_case: z.number(), pipeline: z.number() })
      .describe(
        "commit = won + commit deals at 100%; best_case = commit + best-case deals; pipeline = all open",
      ),
    by_type: z.object({ new_business: TypeLineSchema, expansion: TypeLineSchema, renewal: TypeLineSchema }),
    open_deals: z.number(),
    slipped: z.object({ deals: z.number(), amount: z.number(), expected: z.number() }),
    not_yet_created: z.number().describe("Expected $ from deals not in the pipeline yet"),
    conversion: z
      .record(z.string(), z.array(z.number()))
      .describe("Team $-weighted win rate by type, per stage prospecting→negotiation"),
    reconciliation: z
      .array(
        z.object({
          deal_id: z.string(),
          account: z.string(),
          amount: z.number(),
          churn_probability: z.number(),
        }),
      )
      .describe("Renewals in commit that customer success rates high churn risk (suite only)"),
    meta: AnalyticsMetaSchema.extend({ backtest: BacktestSchema.nullable() }),
  }),
  example: {},
  view: defineView({
    uri: "ui://sales/forecast",
    title: "Forecast chart",
    description: "Commit, best case and pipeline beside the P10–P90 range.",
    html: async () => (await import("../../views/forecast.view.ts?view")).default,
  }),
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const { quarter, run, conflicts } = await forecastOf(ports, input.quarter, input.owner);
    const f = run.forecast;
    const r3 = (n: number) => Math.round(n * 1000) / 1000;
    return {
      quarter,
      owner: input.owner ?? null,
      forecast: { p10: f.p10, p50: f.p50, p90: f.p90 },
      categories: f.categories,
      by_type: Object.fromEntries(
        DEAL_TYPES.map((t) => [t, { won: f.byType[t].won, open: f.byType[t].open, p50: f.byType[t].p50 }]),
      ) as Record<(typeof DEAL_TYPES)[number], z.infer<typeof TypeLineSchema>>,
      open_deals: f.open.deals,
      slipped: f.slipped,
      not_yet_created: f.notYetCreated,
      conversion: Object.fromEntries(
        DEAL_TYPES.map((t) => [t, OPEN_STAGES.map((s) => r3(run.rates.typeStage(t, s)))]),
      ),
      reconciliation: conflicts,
      meta: {
        method: FORECAST_METHOD,
        as_of: run.asOf,
        source: ports.source,
        inputs: {
          training_quarters: run.training.join(", "),
          closed_deals: run.rates.closedDeals,
          reference_quarters: run.references,
          prior_deals: PRIOR_DEALS,
          simulations: SIMULATIONS,
          seed: SEED,
        },
        caveats: [
          ...forecastCaveats(run, input.owner),
          ...conflicts.map(
            (c) =>
              `Reconcile: renewal ${c.deal_id} (${c.account}, $${c.amount.toLocaleString("en-US")}) is in commit, but customer success puts its churn probability at ${Math.round(c.churn_probability * 100)}%.`,
          ),
        ],
        backtest: run.summary
          ? {
              ...run.summary,
              table: run.backtest,
            }
          : null,
      },
    };
  },
});
