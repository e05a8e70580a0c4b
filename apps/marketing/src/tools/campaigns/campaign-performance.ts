import { AnalyticsMetaSchema, annotations, untrustedName, userError } from "@revops/kit";
import { z } from "zod";
import {
  ATTRIBUTION_MODELS,
  attributedRoi,
  attributionCaveats,
  campaignAttribution,
  DEFAULT_HALF_LIFE_DAYS,
  DEFAULT_LOOKBACK_DAYS,
  MODEL_METHOD,
} from "../../domain/attribution";
import { economics, rank } from "../../domain/economics";
import { marketingTool } from "../../ports";
import { CampaignIdSchema } from "../schemas";
import { campaignsToolset } from "./toolset";

const num = z.number().nullable();

export const campaignPerformance = marketingTool({
  name: "campaign_performance",
  title: "Campaign performance and ROI",
  description:
    "Spend, leads, MQLs, attributed pipeline and revenue (model as in attribution), cost per lead and ROI per campaign, ranked.",
  toolset: campaignsToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z
    .object({
      campaign_ids: z.array(CampaignIdSchema).min(1).max(50).optional(),
      model: z.enum(ATTRIBUTION_MODELS).default("linear"),
      rank_by: z.enum(["roi", "pipeline", "revenue", "cost_per_lead"]).default("roi"),
      top: z.number().int().min(1).max(50).default(10),
    })
    .strict(),
  output: z.object({
    campaigns: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "campaign name"),
        channel: z.string(),
        spend: z.number(),
        leads: z.number(),
        mqls: z.number(),
        deals_influenced: z.number(),
        pipeline: z.number(),
        revenue: z.number(),
        cost_per_lead: num,
        cost_per_mql: num,
        pipeline_per_dollar: num,
        roi: num,
        budget_used: num,
      }),
    ),
    totals: z.object({
      spend: z.number(),
      leads: z.number(),
      pipeline: z.number(),
      revenue: z.number(),
      roi: num.describe("Of mature campaigns"),
    }),
    meta: AnalyticsMetaSchema,
  }),
  example: { rank_by: "roi", top: 3 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const stats = await ports.marketing.campaignStats(input.campaign_ids);
    if (input.campaign_ids) {
      const found = new Set(stats.map((s) => s.id));
      const missing = input.campaign_ids.filter((id) => !found.has(id));
      if (missing.length)
        throw userError(`Unknown campaign id(s): ${missing.join(", ")}.`, {
          fields: ["campaign_ids"],
          hint: "Get ids from campaigns_list.",
        });
    }
    const today = await ports.today();
    const vendor = ports.marketing.vendorAttribution;
    const opts = {
      model: input.model,
      lookbackDays: DEFAULT_LOOKBACK_DAYS,
      halfLifeDays: DEFAULT_HALF_LIFE_DAYS,
    };
    // the attribution tool's computation and defaults, so both agree to the dollar (unless the vendor attributes)
    const data = vendor ? undefined : await ports.marketing.touchPaths();
    const attributed = data ? campaignAttribution(data, opts, today) : undefined;
    const byId = new Map(attributed?.rows.map((r) => [r.id, r]));
    const byStat = new Set(stats.map((s) => s.id));
    const rows = stats.map((s) => {
      const a = byId.get(s.id);
      const pipeline = a ? a.pipeline : attributed ? 0 : s.pipeline;
      const revenue = a ? a.revenue : attributed ? 0 : s.revenue;
      const mature = a?.mature ?? true;
      const e = economics({ ...s, pipeline, revenue });
      return {
        row: {
          id: s.id,
          name: s.name,
          channel: s.channel,
          spend: s.spend,
          leads: s.leads,
          mqls: s.mqls,
          deals_influenced: a ? a.deals : attributed ? 0 : s.dealsInfluenced,
          pipeline,
          revenue,
          ...e,
          roi: mature ? e.roi : null,
        },
        mature,
      };
    });
    const sum = (k: "spend" | "leads" | "pipeline" | "revenue") => rows.reduce((t, r) => t + r.row[k], 0);
    const totals = {
      spend: sum("spend"),
      leads: sum("leads"),
      pipeline: sum("pipeline"),
      revenue: sum("revenue"),
    };
    const mature = rows
      .filter((r) => r.mature)
      .reduce((t, r) => ({ spend: t.spend + r.row.spend, revenue: t.revenue + r.row.revenue }), {
        spend: 0,
        revenue: 0,
      });
    return {
      campaigns: rank(
        rows.map((r) => r.row),
        input.rank_by,
      ).slice(0, input.top),
      // ROI over mature campaigns only: young ones have spent but their deals have not closed yet
      totals: { ...totals, roi: attributedRoi(mature.revenue, mature.spend, true) },
      meta: {
        method: vendor
          ? `campaign-economics-v2: leads and MQLs the campaign sourced; pipeline and revenue from the vendor's ${vendor.model} report`
          : `campaign-economics-v2: leads and MQLs the campaign sourced; pipeline and revenue ${input.model}-attributed (${MODEL_METHOD[input.model]})`,
        as_of: today,
        source: ports.source,
        inputs: {
          campaigns: rows.length,
          model: vendor ? vendor.model : input.model,
          ...(attributed
            ? { lookback_days: opts.lookbackDays, sales_cycle_days: attributed.cycleDays ?? "unknown" }
            : {}),
        },
        caveats: [
          ...(attributed
            ? [
                `Pipeline and revenue: each deal converted from a lead is split across the campaigns that touched it in the ${opts.lookbackDays} days up to its opportunity (${input.model}), so totals count each deal once; the attribution tool gives the same figures.`,
                ...attributionCaveats(
                  attributed.rows.filter((r) => byStat.has(r.id)),
                  attributed.cycleDays,
                  data?.notes,
                ).filter((c) => !c.startsWith("Only deals")),
                "Total ROI counts mature campaigns only.",
              ]
            : [vendor?.note as string]),
        ],
      },
    };
  },
});
