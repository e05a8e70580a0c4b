import { defineResource, notFound } from "@revops/kit";
import { economics } from "./domain/economics";
import type { MarketingPorts } from "./ports";

export const campaignResource = defineResource<MarketingPorts>({
  name: "campaign",
  title: "Campaign report",
  description: "One campaign's spend, funnel and ROI as JSON.",
  mimeType: "application/json",
  scopes: ["marketing:read"],
  uriTemplate: "marketing://campaigns/{campaign_id}",
  read: async ({ uri, params, ctx }) => {
    const [stats] = await ctx.ports.marketing.campaignStats([params.campaign_id ?? ""]);
    if (!stats)
      throw notFound(`No campaign ${params.campaign_id}.`, {
        hint: "Complete campaign_id or call campaigns_list.",
      });
    return [{ uri, mimeType: "application/json", text: JSON.stringify({ ...stats, ...economics(stats) }) }];
  },
  list: async (ctx) =>
    (await ctx.ports.marketing.searchCampaigns("", 50)).map((c) => ({
      uri: `marketing://campaigns/${c.id}`,
      name: c.name,
    })),
  complete: {
    campaign_id: async (value, ctx) =>
      (await ctx.ports.marketing.searchCampaigns(value, 20)).map((c) => c.id),
  },
});

export const brandGuideResource = defineResource<MarketingPorts>({
  name: "brand_guide",
  title: "Brand guide",
  description: "Voice, banned words, claims that need proof and reading level that brand_check applies.",
  mimeType: "application/json",
  scopes: ["marketing:read"],
  uri: "brand://guide",
  read: async ({ uri, ctx }) => [
    { uri, mimeType: "application/json", text: JSON.stringify(await ctx.ports.settings.guide(), null, 2) },
  ],
});
