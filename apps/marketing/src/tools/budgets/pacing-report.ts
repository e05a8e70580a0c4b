import { AnalyticsMetaSchema, annotations, MoneySchema, untrustedName } from "@revops/kit";
import { z } from "zod";
import { periodOf, periodPacing } from "../../domain/period-pacing";
import { type MarketingCampaignRow, marketingTool } from "../../ports";
import { ChannelSchema } from "../schemas";
import { budgetsToolset } from "./toolset";

const Figures = {
  budget: MoneySchema.describe("Budget's share of the period"),
  planned: MoneySchema.describe("budget_allocate spend's share of the period"),
  spend: MoneySchema.describe("Actual spend's share of the period to date"),
  expected: MoneySchema.describe("Straight-line spend by today"),
  forecast: MoneySchema.describe("Spend by period end at the run rate"),
  over_by: MoneySchema,
};
type FigureKey = keyof typeof Figures;
const KEYS = Object.keys(Figures) as FigureKey[];

const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;

export const pacingReport = marketingTool({
  name: "pacing_report",
  title: "Budget pacing for a period",
  description:
    "This month's or quarter's budget, planned and actual spend per channel and campaign, pace, forecast, overspend alerts.",
  toolset: budgetsToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z
    .object({
      period: z.enum(["month", "quarter"]).default("month"),
      channel: ChannelSchema.optional(),
    })
    .strict(),
  output: z.object({
    period: z.object({ start: z.string(), end: z.string() }),
    channels: z.array(
      z.object({ channel: z.string(), campaigns: z.number(), ...Figures, pace: z.number().nullable() }),
    ),
    campaigns: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "campaign name"),
        channel: z.string(),
        ...Figures,
        pace: z.number().nullable(),
      }),
    ),
    alerts: z.array(z.string()),
    meta: AnalyticsMetaSchema,
  }),
  example: { period: "month" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const period = periodOf(today, input.period);
    const all: MarketingCampaignRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await ports.marketing.listCampaigns({
        ...(input.channel && { channel: input.channel }),
        limit: 100,
        ...(cursor && { cursor }),
      });
      all.push(...page.rows);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const inPeriod = all
      .filter((c) => c.startDate <= period.end && c.endDate >= period.start)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const allocations = await ports.budgets.allocations(inPeriod.map((c) => c.id));
    const rows = inPeriod.map((c) => ({
      id: c.id,
      name: c.name,
      channel: c.channel,
      ...periodPacing({
        budget: c.budget,
        allocations: allocations.filter((a) => a.campaignId === c.id),
        spend: c.spend,
        startDate: c.startDate,
        endDate: c.endDate,
        today,
        period,
      }),
    }));
    const byChannel = new Map<string, typeof rows>();
    for (const r of rows) byChannel.set(r.channel, [...(byChannel.get(r.channel) ?? []), r]);
    const channels = [...byChannel.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([channel, rs]) => {
        const sum = Object.fromEntries(KEYS.map((k) => [k, rs.reduce((s, r) => s + r[k], 0)])) as Record<
          FigureKey,
          number
        >;
        const over = Math.max(0, sum.forecast - sum.budget - sum.planned);
        return {
          channel,
          campaigns: rs.length,
          ...sum,
          over_by: over,
          pace: sum.expected === 0 ? null : Math.round((sum.spend / sum.expected) * 1000) / 1000,
        };
      });
    const alerts = channels
      .filter((c) => c.over_by > 0)
      .map(
        (c) =>
          `${c.channel} will overspend by ${usd(c.over_by)} by ${period.end}: ${usd(c.forecast)} forecast against ${usd(c.budget + c.planned)} budgeted and planned.`,
      );
    const vendorSpend = ports.source !== "sandbox";
    return {
      period,
      channels,
      campaigns: rows,
      alerts,
      meta: {
        method:
          "period-pacing-v1: each campaign's budget, planned allocations and spend to date prorated by days to the calendar period (straight line, both ends counted); forecast = period spend to date / days elapsed × the flight's days in the period",
        as_of: today,
        source: ports.source,
        inputs: {
          period: input.period,
          campaigns: rows.length,
          allocations: allocations.length,
          ...(input.channel && { channel: input.channel }),
        },
        caveats: [
          vendorSpend
            ? "Actual spend is the sum of the campaign's spend items in HubSpot; planned spend is the suite's own budget_allocate ledger (its system of record), added to HubSpot's budget items."
            : "Actual spend is the sandbox campaign's spend to date; planned spend is the budget_allocate ledger.",
          "Spend to date is spread evenly over the days elapsed; a campaign that front-loads spend shows more of it in earlier periods than it had.",
          "No ad platform (Google Ads, LinkedIn, Meta) is connected: spend not yet entered as spend items is not seen.",
        ],
      },
    };
  },
});
