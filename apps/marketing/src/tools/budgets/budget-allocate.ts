import { guardStateOf } from "@revops/guards";
import { annotations, MoneySchema, notFound, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import { type MarketingCampaignRow, type MarketingPorts, marketingTool } from "../../ports";
import { planOnce } from "../plan-once";
import { CampaignIdSchema } from "../schemas";
import { runningCampaigns } from "./running-campaigns";
import { budgetsToolset } from "./toolset";

const input = z
  .object({
    campaign_id: CampaignIdSchema,
    amount: z.number().positive().max(10_000_000).multipleOf(0.01).describe("In the caps' currency"),
    note: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

type Input = z.output<typeof input>;

interface Derived {
  campaign: MarketingCampaignRow;
  before: number;
  from: string;
  currency: string;
  plan: Record<string, unknown>;
}

const money = (n: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 2 }).format(n);

/** The spend plan from fresh reads: the campaign, what is planned for it so far, and the period it buys. */
async function derive(i: Input, ctx: ToolContext<MarketingPorts>): Promise<Derived> {
  const ports = ctx.ports;
  const today = await ports.today();
  const campaign = (await runningCampaigns(ports.marketing)).find((c) => c.id === i.campaign_id);
  if (!campaign) {
    const [known] = await ports.marketing.campaignStats([i.campaign_id]);
    if (!known)
      throw notFound(`There is no campaign ${i.campaign_id}.`, {
        fields: ["campaign_id"],
        hint: "Call ad_budgets or campaigns_list for campaign ids.",
      });
    throw userError(
      `Campaign ${i.campaign_id} (${known.name}) has ended: there is no period left to plan spend for.`,
      {
        fields: ["campaign_id"],
        hint: "Pick an active or planned campaign from ad_budgets.",
      },
    );
  }
  const allocated = (await ports.budgets.allocations([campaign.id])).reduce((s, a) => s + a.amount, 0);
  const before = campaign.budget + allocated;
  // biome-ignore lint/complexity/useMathMinMax: ISO dates are strings; this picks the later day
  const from = campaign.startDate > today ? campaign.startDate : today;
  const currency = guardStateOf(ctx)?.config.SPEND_CURRENCY ?? "USD";
  const plan = {
    summary: `Allocate ${money(i.amount, currency)} of planned ${campaign.channel} spend to "${campaign.name}" (${campaign.id}) for ${from} to ${campaign.endDate}`,
    action: "allocate",
    record_type: "budget allocation",
    records: [{ id: campaign.id, name: campaign.name }],
    amount: i.amount,
    currency,
    campaign_id: campaign.id,
    buys: `planned ${campaign.channel} spend on ${campaign.name}, ${from} to ${campaign.endDate}`,
    changes: [{ field: "planned budget", before, after: before + i.amount }],
    ...(i.note && { note: i.note }),
    side_effects: [
      "Recorded as planned spend in the suite, the system of record for planned spend; no ad platform is charged or changed.",
      "Counts toward the per-campaign, daily and monthly spending caps.",
    ],
  };
  return { campaign, before, from, currency, plan };
}

// the preview's reads, kept for the handler of the same call
const planned = planOnce(derive, (i: Input) => JSON.stringify([i.campaign_id, i.amount, i.note ?? null]));

export const budgetAllocate = marketingTool({
  name: "budget_allocate",
  title: "Allocate campaign budget",
  description: "Plans spend for a campaign within the spending caps. A human approves.",
  toolset: budgetsToolset.name,
  scopes: ["marketing:spend"],
  ports: ["marketing"],
  // each call adds one allocation, in our own database
  annotations: { ...annotations.send, openWorldHint: false },
  input,
  output: z.object({
    allocation_id: z.string(),
    campaign_id: z.string(),
    amount: MoneySchema,
    currency: z.string(),
    period: z.object({ from: z.string(), to: z.string() }),
    planned_budget: MoneySchema.describe("Campaign budget plus every allocation, after this one"),
    written: WrittenSchema,
  }),
  guard: {
    kind: "spend",
    preview: planned.preview,
  },
  handler: async ({ input: i, ctx }) => {
    const d = await planned.derived(i, ctx);
    const { budgets } = ctx.ports;
    const { allocation } = await budgets.allocate(
      {
        campaignId: d.campaign.id,
        channel: d.campaign.channel,
        amount: i.amount,
        currency: d.currency,
        periodStart: d.from,
        periodEnd: d.campaign.endDate,
        ...(i.note && { note: i.note }),
      },
      {
        principal: ctx.principal.id,
        // the key, and whether an interrupted execution under it may have landed
        ...ctx.write,
      },
    );
    return {
      allocation_id: allocation.id,
      campaign_id: allocation.campaignId,
      amount: allocation.amount,
      currency: allocation.currency,
      period: { from: allocation.periodStart, to: allocation.periodEnd },
      planned_budget: d.before + allocation.amount,
      written: { system: "revops", id: allocation.id },
    };
  },
  render: (o) =>
    `Allocated ${money(o.amount, o.currency)} to ${o.campaign_id} (${o.period.from} to ${o.period.to}); planned budget now ${money(o.planned_budget, o.currency)}. Allocation ${o.allocation_id}.`,
  example: { campaign_id: "cmp_0027", amount: 400 },
});
