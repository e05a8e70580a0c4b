import { freshnessOf } from "@revops/connectors/freshness";
import { AnalyticsMetaSchema, annotations, ConnectionSchema, untrustedName, userError } from "@revops/kit";
import { z } from "zod";
import { economics, rank } from "../../domain/economics";
import { marketingTool } from "../../ports";
import { CampaignIdSchema } from "../schemas";
import { campaignsToolset } from "./toolset";

const num = z.number().nullable();

export const campaignPerformance = marketingTool({
  name: "campaign_performance",
  title: "Campaign performance and ROI",
  description:
    "Spend, leads, MQLs, influenced pipeline, won revenue, cost per lead and ROI per campaign, ranked. Omit campaign_ids for all.",
  toolset: campaignsToolset.name,
  scopes: ["marketing:read"],
  annotations: annotations.read,
  input: z
    .object({
      campaign_ids: z.array(CampaignIdSchema).min(1).max(50).optional(),
      rank_by: z.enum(["roi", "pipeline", "revenue", "cost_per_lead"]).default("roi"),
      top: z.number().int().min(1).max(50).default(10).describe("How many campaigns to return"),
      connection: ConnectionSchema.optional(),
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
      roi: num,
    }),
    meta: AnalyticsMetaSchema,
  }),
  example: { rank_by: "roi", top: 3 },
  handler: async ({ input, ctx }) => {
    const ports = await ctx.ports.using(input.connection);
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
    const rows = stats.map((s) => ({
      id: s.id,
      name: s.name,
      channel: s.channel,
      spend: s.spend,
      leads: s.leads,
      mqls: s.mqls,
      deals_influenced: s.dealsInfluenced,
      pipeline: s.pipeline,
      revenue: s.revenue,
      ...economics(s),
    }));
    const sum = (k: "spend" | "leads" | "pipeline" | "revenue") => rows.reduce((t, r) => t + r[k], 0);
    const totals = {
      spend: sum("spend"),
      leads: sum("leads"),
      pipeline: sum("pipeline"),
      revenue: sum("revenue"),
    };
    return {
      campaigns: rank(rows, input.rank_by).slice(0, input.top),
      totals: { ...totals, roi: economics({ ...totals, budget: 0, mqls: 0 }).roi },
      meta: {
        method:
          "campaign-economics-v1: leads attributed to their source campaign; pipeline and revenue from deals converted from those leads",
        as_of: await ports.today(),
        source: ports.source,
        inputs: { campaigns: rows.length },
        caveats: [
          "Single-touch (source campaign) attribution: influenced deals from later touches are not credited.",
          ...(freshnessOf(stats) ? [freshnessOf(stats)?.note as string] : []),
        ],
      },
    };
  },
});
