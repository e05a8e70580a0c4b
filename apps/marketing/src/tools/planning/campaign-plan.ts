import { AnalyticsMetaSchema, annotations, IsoDateSchema, MoneySchema, userError } from "@revops/kit";
import { z } from "zod";
import {
  CREDIBILITY_UNITS,
  channelEconomics,
  MAX_SHARE,
  type PastCampaign,
  planChannels,
  RANGE_HIGH,
  RANGE_LOW,
  RESAMPLES,
} from "../../domain/channel-plan";
import { median } from "../../domain/funnel";
import { marketingTool } from "../../ports";
import { ChannelSchema } from "../schemas";
import { planningToolset } from "./toolset";

/** Below these a channel's own figures are too few to lean on. */
const THIN_CAMPAIGNS = 3;
const THIN_OPPORTUNITIES = 5;
/** Planned daily spend above this multiple of a channel's past best is flagged as extrapolation. */
const SCALE_WARNING = 1.5;

const RangeSchema = z.object({ low: z.number(), expected: z.number(), high: z.number() });

const DAY = 86_400_000;
const addDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
const pct = (x: number) => `${Math.round(x * 100)}%`;

function quantile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? null;
}

export const campaignPlan = marketingTool({
  name: "campaign_plan",
  title: "Plan a campaign",
  description:
    "Splits a budget across channels from past campaigns; expected leads and pipeline with ranges.",
  toolset: planningToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z
    .object({
      goal: z.enum(["pipeline", "leads"]),
      target: z.number().positive().max(1e10).describe("Leads, or pipeline in USD"),
      budget: z.number().positive().max(1e8),
      start: IsoDateSchema,
      end: IsoDateSchema,
      channels: z.array(ChannelSchema).min(1).optional(),
      audience: z.string().trim().min(1).max(200).optional(),
    })
    .strict(),
  output: z.object({
    goal: z.enum(["pipeline", "leads"]),
    target: z.number(),
    budget: MoneySchema,
    plan: z.array(
      z.object({
        channel: z.string(),
        share: z.number(),
        budget: MoneySchema,
        leads: RangeSchema,
        opportunities: RangeSchema,
        pipeline: RangeSchema,
      }),
    ),
    total: z.object({ leads: RangeSchema, opportunities: RangeSchema, pipeline: RangeSchema }),
    chance_of_target: z.number().describe("Share of resampled histories reaching the target"),
    budget_for_target: MoneySchema.nullable().describe("Budget the same mix expects to need"),
    history: z
      .array(
        z.object({
          channel: z.string(),
          campaigns: z.number(),
          spend: MoneySchema,
          leads: z.number(),
          opportunities: z.number(),
          pipeline: MoneySchema,
          cost_per_lead: z.number().nullable(),
          cost_per_opportunity: z.number().nullable(),
          pipeline_per_dollar: z.number().nullable(),
        }),
      )
      .describe("Completed campaigns per channel: sourced leads, opportunities, pipeline created"),
    timeline: z.array(z.object({ phase: z.string(), from: z.string(), to: z.string() })),
    meta: AnalyticsMetaSchema,
  }),
  example: { goal: "pipeline", target: 400000, budget: 60000, start: "2027-01-04", end: "2027-03-31" },
  handler: async ({ input: i, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    if (i.start < today)
      throw userError(`start ${i.start} is before today (${today}).`, {
        fields: ["start"],
        hint: `Plan from ${today} or later.`,
      });
    if (i.end <= i.start)
      throw userError(`end ${i.end} is not after start ${i.start}.`, {
        fields: ["end"],
        hint: "Pass an end date after the start date.",
      });
    const { campaigns, notes } = await ports.marketing.campaignOutcomes();
    const finished = campaigns.filter((c) => c.status === "completed" && c.endDate < today && c.spend > 0);
    const known = [...new Set(finished.map((c) => c.channel))].sort();
    const wanted = i.channels ?? known;
    const history: PastCampaign[] = finished.filter((c) => wanted.includes(c.channel));
    if (history.length === 0)
      throw userError(`No completed campaign with spend in ${wanted.join(", ")}: nothing to plan from.`, {
        fields: ["channels"],
        hint: `Channels with history: ${known.join(", ") || "none"}.`,
      });
    const economics = channelEconomics(history);
    const plan = planChannels(history, i.goal, i.budget, i.target);
    const expected = plan.total[i.goal].expected;
    const budgetForTarget = expected > 0 ? Math.round((i.budget * i.target) / expected) : null;
    const days = daysBetween(i.start, i.end) + 1;

    const lags = finished.filter((c) => wanted.includes(c.channel)).flatMap((c) => c.leadToOpportunityDays);
    const lagMedian = median(lags);
    const lagLate = quantile(lags, 0.75);
    const timeline = [
      ...(i.start > today ? [{ phase: "prepare", from: today, to: addDays(i.start, -1) }] : []),
      { phase: "in market: leads arrive", from: i.start, to: i.end },
      ...(lagMedian !== null && lagLate !== null
        ? [
            {
              phase: "opportunities created (median to 75th percentile lead-to-deal days)",
              from: addDays(i.start, Math.round(lagMedian)),
              to: addDays(i.end, lagLate),
            },
          ]
        : []),
    ];

    const thin = economics.filter(
      (e) => e.campaigns < THIN_CAMPAIGNS || (i.goal === "pipeline" && e.opportunities < THIN_OPPORTUNITIES),
    );
    const overScale = plan.allocations.flatMap((a) => {
      const past = economics.find((e) => e.channel === a.channel)?.max_daily_spend ?? 0;
      const perDay = a.budget / days;
      return past > 0 && perDay > past * SCALE_WARNING
        ? [`${a.channel} (${usd(perDay)}/day against at most ${usd(past)}/day before)`]
        : [];
    });
    const missing = wanted.filter((ch) => !known.includes(ch));
    const caveats = [
      ...(plan.chance_of_target < 0.5
        ? [
            `The budget is unlikely to reach the target: ${pct(plan.chance_of_target)} of resampled histories do${budgetForTarget ? `; the same mix expects to need about ${usd(budgetForTarget)}` : ""}.`,
          ]
        : []),
      ...(thin.length > 0
        ? [
            `Thin history for ${thin.map((e) => `${e.channel} (${e.campaigns} campaigns, ${e.opportunities} opportunities)`).join(", ")}: their rates lean on the all-channel rate and their ranges are wide.`,
          ]
        : []),
      ...(missing.length > 0
        ? [`No completed campaign to learn from in ${missing.join(", ")}: left out.`]
        : []),
      ...(overScale.length > 0
        ? [`Planned daily spend above past scale, where returns usually fall: ${overScale.join("; ")}.`]
        : []),
      ...(i.audience
        ? [
            `History is not split by audience: rates are the company's overall ones, not those of "${i.audience}".`,
          ]
        : []),
      "Ranges cover how past campaigns varied, not market changes, new creative or seasonality.",
      ...notes,
    ];
    return {
      goal: i.goal,
      target: i.target,
      budget: i.budget,
      plan: plan.allocations,
      total: plan.total,
      chance_of_target: plan.chance_of_target,
      budget_for_target: budgetForTarget,
      history: economics.map(({ max_daily_spend: _, ...e }) => e),
      timeline,
      meta: {
        method: `channel-plan-v1: sourced leads, opportunities and pipeline created per dollar of completed campaigns; each channel's rate weighted toward the all-channel rate by n/(n+${CREDIBILITY_UNITS}) (n = its leads, or opportunities for opportunity and pipeline rates); budget split in proportion to the goal rate, at most ${pct(MAX_SHARE)} a channel; ranges are the ${RANGE_LOW * 100}th–${RANGE_HIGH * 100}th percentiles over ${RESAMPLES} seeded bootstrap resamples of each channel's campaigns`,
        as_of: today,
        source: ports.source,
        inputs: {
          goal: i.goal,
          target: i.target,
          budget: i.budget,
          start: i.start,
          end: i.end,
          channels: wanted.join(","),
          campaigns_used: history.length,
          ...(i.audience && { audience: i.audience }),
        },
        caveats,
      },
    };
  },
});
