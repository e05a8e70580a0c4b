import { AnalyticsMetaSchema, annotations, defineView, MoneySchema, untrustedName } from "@revops/kit";
import { z } from "zod";
import {
  ATTRIBUTION_MODELS,
  attribute,
  attributionCaveats,
  campaignAttribution,
  DEFAULT_HALF_LIFE_DAYS,
  DEFAULT_LOOKBACK_DAYS,
  MODEL_METHOD,
} from "../../domain/attribution";
import { marketingTool } from "../../ports";
import { attributionToolset } from "./toolset";

const money = MoneySchema;

/** The shown campaigns' pipeline under each model, the same window and half-life (a chart's series). */
function byModel(
  deals: Parameters<typeof attribute>[0],
  opts: Parameters<typeof attribute>[1],
  ids: string[],
) {
  const credited = ATTRIBUTION_MODELS.map((model) => attribute(deals, { ...opts, model }).byCampaign);
  return {
    models: [...ATTRIBUTION_MODELS],
    pipeline: Object.fromEntries(ids.map((id) => [id, credited.map((c) => c.get(id)?.pipeline ?? 0)])),
  };
}

export const attribution = marketingTool({
  name: "attribution",
  title: "Campaign attribution",
  description:
    "Pipeline and revenue credited to campaigns by an attribution model, each deal counted once; sourced pipeline apart.",
  toolset: attributionToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z
    .object({
      model: z.enum(ATTRIBUTION_MODELS).default("linear"),
      half_life_days: z
        .number()
        .int()
        .min(1)
        .max(365)
        .default(DEFAULT_HALF_LIFE_DAYS)
        .describe("time_decay only"),
      lookback_days: z
        .number()
        .int()
        .min(1)
        .max(730)
        .default(DEFAULT_LOOKBACK_DAYS)
        .describe("Touches before opportunity"),
      top: z.number().int().min(1).max(100).default(10),
      all_models: z.boolean().optional(),
    })
    .strict(),
  output: z.object({
    campaigns: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "campaign name"),
        channel: z.string(),
        spend: money,
        pipeline: money.describe("Attributed open + won amounts"),
        revenue: money.describe("Attributed won amounts"),
        sourced_pipeline: money.describe("Deals whose lead this campaign sourced, in full"),
        roi: z.number().nullable().describe("null: no spend, or younger than the sales cycle"),
        mature: z.boolean(),
      }),
    ),
    totals: z.object({
      deals: z.number(),
      spend: money,
      pipeline: money,
      revenue: money,
      sourced_pipeline: money,
      sourced_revenue: money,
    }),
    left_out: z.object({ campaigns: z.number(), spend: money, pipeline: money, revenue: money }),
    unattributed: z
      .object({ deals: z.number(), pipeline: money, revenue: money })
      .describe("Open or won deals with no campaign touch in the window"),
    by_model: z
      .object({
        models: z.array(z.enum(ATTRIBUTION_MODELS)),
        pipeline: z.record(z.string(), z.array(money)).describe("Campaign id → pipeline under each model"),
      })
      .optional(),
    meta: AnalyticsMetaSchema,
  }),
  example: { model: "w_shaped", top: 5 },
  view: defineView({
    uri: "ui://marketing/attribution",
    title: "Attribution chart",
    description: "Pipeline and revenue credited to each campaign, and under every model (all_models).",
    html: async () => (await import("../../views/attribution.view.ts?view")).default,
  }),
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const data = await ports.marketing.touchPaths();
    const today = await ports.today();
    const opts = {
      model: input.model,
      lookbackDays: input.lookback_days,
      halfLifeDays: input.half_life_days,
    };
    const { rows, result, cycleDays } = campaignAttribution(data, opts, today);
    const ranked = [...rows].sort(
      (a, b) => b.pipeline - a.pipeline || b.revenue - a.revenue || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const shown = ranked.slice(0, input.top);
    const rest = ranked.slice(input.top);
    const sum = (list: typeof rows, k: "spend" | "pipeline" | "revenue") =>
      list.reduce((t, r) => t + r[k], 0);
    return {
      campaigns: shown.map((r) => ({
        id: r.id,
        name: r.name,
        channel: r.channel,
        spend: r.spend,
        pipeline: r.pipeline,
        revenue: r.revenue,
        sourced_pipeline: r.sourcedPipeline,
        roi: r.roi,
        mature: r.mature,
      })),
      totals: {
        deals: result.totals.deals,
        spend: sum(rows, "spend"),
        pipeline: result.totals.pipeline,
        revenue: result.totals.revenue,
        sourced_pipeline: result.totals.sourcedPipeline,
        sourced_revenue: result.totals.sourcedRevenue,
      },
      left_out: {
        campaigns: rest.length,
        spend: sum(rest, "spend"),
        pipeline: sum(rest, "pipeline"),
        revenue: sum(rest, "revenue"),
      },
      unattributed: result.unattributed,
      ...(input.all_models && {
        by_model: byModel(
          data.deals,
          opts,
          shown.map((r) => r.id),
        ),
      }),
      meta: {
        method: `attribution-v1 ${input.model}: ${MODEL_METHOD[input.model]}`,
        as_of: today,
        source: ports.source,
        inputs: {
          model: input.model,
          lookback_days: input.lookback_days,
          ...(input.model === "time_decay" ? { half_life_days: input.half_life_days } : {}),
          deals: result.totals.deals,
          sales_cycle_days: cycleDays ?? "unknown",
        },
        caveats: [...attributionCaveats(rows, cycleDays, data.notes)],
      },
    };
  },
});
