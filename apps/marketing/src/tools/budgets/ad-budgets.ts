import { AnalyticsMetaSchema, annotations, MoneySchema, untrustedName } from "@revops/kit";
import { z } from "zod";
import { pacing } from "../../domain/pacing";
import { marketingTool } from "../../ports";
import { ChannelSchema } from "../schemas";
import { runningCampaigns } from "./running-campaigns";
import { budgetsToolset } from "./toolset";

const Figures = {
  budget: MoneySchema.describe("Campaign budget"),
  allocated: MoneySchema.describe("Planned spend added by budget_allocate"),
  spend: MoneySchema.describe("Spend to date"),
  forecast: MoneySchema.describe("Spend at the end at today's run rate"),
  over_by: MoneySchema.describe("Forecast above budget + allocated"),
};

const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;

export const adBudgets = marketingTool({
  name: "ad_budgets",
  title: "Ad budgets and pacing",
  description: "Budgets per campaign and channel, spend to date, pacing, forecast to end, overspend alerts.",
  toolset: budgetsToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z.object({ channel: ChannelSchema.optional() }).strict(),
  output: z.object({
    campaigns: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "campaign name"),
        channel: z.string(),
        status: z.string(),
        start: z.string(),
        end: z.string(),
        ...Figures,
        pace: z.number().nullable().describe("Spend over straight-line plan to date; null before start"),
      }),
    ),
    channels: z.array(z.object({ channel: z.string(), campaigns: z.number(), ...Figures })),
    alerts: z.array(z.string()),
    meta: AnalyticsMetaSchema,
  }),
  example: {},
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const campaigns = await runningCampaigns(ports.marketing, input.channel);
    const allocations = await ports.budgets.allocations(campaigns.map((c) => c.id));
    const allocatedTo = new Map<string, number>();
    for (const a of allocations)
      allocatedTo.set(a.campaignId, (allocatedTo.get(a.campaignId) ?? 0) + a.amount);
    const rows = campaigns.map((c) => {
      const allocated = allocatedTo.get(c.id) ?? 0;
      const p = pacing({ ...c, allocated, today });
      return {
        id: c.id,
        name: c.name,
        channel: c.channel,
        status: c.status,
        start: c.startDate,
        end: c.endDate,
        budget: c.budget,
        allocated,
        spend: c.spend,
        forecast: p.forecast,
        over_by: p.over_by,
        pace: p.pace,
      };
    });
    const byChannel = new Map<string, (typeof rows)[number][]>();
    for (const r of rows)
      byChannel
        .set(r.channel, byChannel.get(r.channel) ?? [])
        .get(r.channel)
        ?.push(r);
    const sum = (rs: typeof rows, k: "budget" | "allocated" | "spend" | "forecast" | "over_by") =>
      rs.reduce((s, r) => s + r[k], 0);
    const channels = [...byChannel.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([channel, rs]) => ({
        channel,
        campaigns: rs.length,
        budget: sum(rs, "budget"),
        allocated: sum(rs, "allocated"),
        spend: sum(rs, "spend"),
        forecast: sum(rs, "forecast"),
        over_by: sum(rs, "over_by"),
      }));
    const alerts = rows
      .filter((r) => r.over_by > 0)
      .map(
        (r) =>
          `${r.id} (${r.channel}) will overspend by ${usd(r.over_by)}: ${usd(r.forecast)} forecast against ${usd(r.budget + r.allocated)} by ${r.end}.`,
      );
    return {
      campaigns: rows,
      channels,
      alerts,
      meta: {
        method:
          "pacing-v1: straight-line plan over the campaign's flight (start to end, both days counted); forecast = spend to date / days elapsed × days; budget includes allocations made through budget_allocate",
        as_of: today,
        source: ports.source,
        inputs: {
          campaigns: rows.length,
          allocations: allocations.length,
          ...(input.channel && { channel: input.channel }),
        },
        caveats: [
          "Active and planned campaigns only; completed ones have nothing left to pace.",
          "Spend to date is the campaign's own spend figure; no ad platform (Google Ads, LinkedIn, Meta) is connected, so spend between syncs is not seen.",
          "A flat run rate ignores flighting: a campaign that front-loads or back-loads spend on purpose reads as off pace.",
        ],
      },
    };
  },
});
