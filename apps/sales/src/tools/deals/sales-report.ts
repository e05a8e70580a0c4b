import { AnalyticsMetaSchema, annotations, IsoDateSchema, MoneySchema, userError } from "@revops/kit";
import { daysBetween } from "@revops/sandbox";
import { z } from "zod";
import { lossReasons, REPORT_DIMENSIONS, type WinLossRow, winLossBy, winLossOf } from "../../domain/win-loss";
import { salesTool } from "../../ports";
import { DealTypeSchema } from "../schemas";
import { dealsToolset } from "./toolset";

const RowSchema = z.object({
  group: z.string(),
  closed: z.number().describe("Sample size: deals won or lost"),
  won: z.number(),
  win_rate: z.number().nullable(),
  win_rate_dollars: z.number().nullable().describe("Won $ ÷ closed $"),
  won_dollars: MoneySchema,
  closed_dollars: MoneySchema,
  avg_won_deal: MoneySchema.nullable(),
  median_cycle_days: z.number().nullable().describe("Created → won"),
});
const row = (r: WinLossRow) => ({
  group: r.group,
  closed: r.closed,
  won: r.won,
  win_rate: r.winRate,
  win_rate_dollars: r.winRateDollars,
  won_dollars: r.wonDollars,
  closed_dollars: r.closedDollars,
  avg_won_deal: r.avgWonDeal,
  median_cycle_days: r.medianCycleDays,
});
const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export const salesReport = salesTool({
  name: "sales_report",
  title: "Win/loss report",
  description:
    "Win rate, average deal, cycle time and loss reasons of closed deals, grouped by one dimension.",
  toolset: dealsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      by: z.enum(REPORT_DIMENSIONS).default("type"),
      from: IsoDateSchema.optional().describe("Close date; default a year before to"),
      to: IsoDateSchema.optional(),
      type: DealTypeSchema.optional(),
    })
    .strict(),
  output: z.object({
    from: z.string(),
    to: z.string(),
    by: z.enum(REPORT_DIMENSIONS),
    rows: z.array(RowSchema),
    total: RowSchema,
    loss_reasons: z.array(z.object({ reason: z.string(), deals: z.number(), dollars: MoneySchema })),
    meta: AnalyticsMetaSchema,
  }),
  example: { by: "segment" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const to = input.to ?? today;
    const from = input.from ?? shift(to, -364);
    if (from > to)
      throw userError(`from (${from}) is after to (${to}).`, {
        fields: ["from", "to"],
        hint: "Pass from on or before to, e.g. from: 2026-01-01, to: 2026-06-30.",
      });
    if (daysBetween(from, to) > 3 * 366)
      throw userError("The period is longer than three years.", {
        fields: ["from"],
        hint: "Pass a period of at most three years.",
      });
    const all = await ports.crm.closedDeals(from, to);
    const deals = all.filter((d) => !input.type || d.type === input.type);
    const rows = winLossBy(deals, input.by);
    const thin = rows.filter((r) => r.closed < 20).map((r) => r.group);
    return {
      from,
      to,
      by: input.by,
      rows: rows.map(row),
      total: row(winLossOf("all", deals)),
      loss_reasons: lossReasons(deals).slice(0, 10),
      meta: {
        method:
          "win-loss-v1: deals won or lost with a close date in the period; win_rate = won ÷ closed by count, win_rate_dollars by amount; avg_won_deal = won $ ÷ won; median_cycle_days = created → close of won deals; segment = account employee band; amount_band = deal size",
        as_of: today,
        source: ports.source,
        inputs: {
          from,
          to,
          by: input.by,
          closed_deals: deals.length,
          ...(input.type && { type: input.type }),
        },
        caveats: [
          ...(thin.length
            ? [`Fewer than 20 closed deals (read the rates with care): ${thin.join(", ")}.`]
            : []),
          ...(deals.some((d) => !d.won && d.lossReason === null)
            ? ["Where the CRM records no loss reason, the stage a deal was lost in stands for it."]
            : []),
        ],
      },
    };
  },
});
