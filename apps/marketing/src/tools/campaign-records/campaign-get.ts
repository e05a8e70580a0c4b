import { AnalyticsMetaSchema, annotations, MoneySchema, notFound, untrustedName } from "@revops/kit";
import { z } from "zod";
import { marketingTool } from "../../ports";
import { CampaignIdSchema } from "../schemas";
import { campaignCredit } from "./credit";
import { campaignRecordsToolset } from "./toolset";

const nullableMoney = MoneySchema.nullable();

export const campaignGet = marketingTool({
  name: "campaign_get",
  title: "Get a campaign",
  description:
    "One campaign: budget, spend, planned allocations, dates, owner, touches, assets and attributed pipeline.",
  toolset: campaignRecordsToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z.object({ campaign_id: CampaignIdSchema }).strict(),
  output: z.object({
    id: z.string(),
    name: untrustedName(z.string(), "campaign name"),
    channel: z.string(),
    status: z.string(),
    start_date: z.string(),
    end_date: z.string(),
    owner: z.object({ id: z.string(), name: untrustedName(z.string(), "owner name").nullable() }).nullable(),
    currency: z.string(),
    budget: MoneySchema,
    allocated: MoneySchema.describe("Planned spend added by budget_allocate"),
    spend: MoneySchema.describe("Spend to date"),
    remaining: MoneySchema.describe("Budget + allocated - spend"),
    touches: z.array(z.object({ type: z.string(), count: z.number() })),
    assets: z.array(
      z.object({ type: z.string(), id: z.string(), name: untrustedName(z.string(), "asset name") }),
    ),
    pipeline: z.object({
      model: z.string(),
      deals: z.number(),
      pipeline: MoneySchema.describe("Open and won, credited by the model (influenced)"),
      revenue: MoneySchema,
      sourced_pipeline: nullableMoney.describe("Deals whose first touch in the window is this campaign"),
      sourced_revenue: nullableMoney,
    }),
    meta: AnalyticsMetaSchema,
  }),
  example: { campaign_id: "cmp_0027" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const c = await ports.marketing.getCampaign(input.campaign_id);
    if (!c)
      throw notFound(`There is no campaign ${input.campaign_id}.`, {
        fields: ["campaign_id"],
        hint: "Call campaigns_list for campaign ids.",
      });
    const today = await ports.today();
    const allocations = await ports.budgets.allocations([c.id]);
    const allocated = allocations.reduce((s, a) => s + a.amount, 0);
    const { method, notes, ...pipeline } = await campaignCredit(ports, c.id, today);
    return {
      id: c.id,
      name: c.name,
      channel: c.channel,
      status: c.status,
      start_date: c.startDate,
      end_date: c.endDate,
      owner: c.ownerId ? { id: c.ownerId, name: c.ownerName } : null,
      currency: c.currency,
      budget: c.budget,
      allocated,
      spend: c.spend,
      remaining: c.budget + allocated - c.spend,
      touches: c.touches,
      assets: c.assets,
      pipeline,
      meta: {
        method: `campaign-record-v1: the campaign read fresh; pipeline by ${method}`,
        as_of: today,
        source: ports.source,
        inputs: { allocations: allocations.length, touches: c.touches.reduce((s, t) => s + t.count, 0) },
        caveats: [...c.notes, ...notes],
      },
    };
  },
});
