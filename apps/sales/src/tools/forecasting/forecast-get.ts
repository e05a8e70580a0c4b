import { AnalyticsMetaSchema, annotations, ConnectionSchema } from "@revops/kit";
import { z } from "zod";
import { conversionFromReach, FORECAST_METHOD, forecastPeriod } from "../../domain/forecast";
import { parseQuarter, quarterOf, shiftQuarter } from "../../domain/period";
import { salesTool } from "../../ports";
import { OwnerSchema, QuarterSchema } from "../schemas";
import { forecastingToolset } from "./toolset";

const HISTORY_QUARTERS = 4;

export const forecastGet = salesTool({
  name: "forecast_get",
  title: "Forecast a quarter",
  description:
    "Revenue forecast for a quarter from won deals plus open pipeline weighted by each stage's historical win rate, with a low–high range.",
  toolset: forecastingToolset.name,
  scopes: ["sales:read"],
  annotations: annotations.read,
  input: z
    .object({
      quarter: QuarterSchema.optional(),
      owner: OwnerSchema.optional(),
      connection: ConnectionSchema.optional(),
    })
    .strict(),
  output: z.object({
    quarter: z.string(),
    owner: z.string().nullable(),
    closed_won: z.number(),
    expected: z.number(),
    low: z.number().describe("Won plus commit deals at their historical rates"),
    high: z.number(),
    open_deals: z.number(),
    stage_conversion: z.record(
      z.string(),
      z.object({ rate: z.number(), sample: z.number(), source: z.enum(["history", "crm_probability"]) }),
    ),
    meta: AnalyticsMetaSchema,
  }),
  example: {},
  handler: async ({ input, ctx }) => {
    const ports = await ctx.ports.using(input.connection);
    const today = await ports.today();
    const label = input.quarter ?? quarterOf(today);
    const period = parseQuarter(label);
    const historyFrom = parseQuarter(shiftQuarter(label, -HISTORY_QUARTERS)).from;
    const [deals, reach] = await Promise.all([
      ports.crm.dealsClosingBetween(period.from, period.to, input.owner),
      ports.crm.stageReach(historyFrom, period.from, input.owner),
    ]);
    const conversion = conversionFromReach(reach);
    const caveats = Object.entries(conversion)
      .filter(([, c]) => c.source === "crm_probability")
      .map(([stage, c]) => `${stage}: only ${c.sample} closed deals in history, CRM probability used`);
    return {
      quarter: label,
      owner: input.owner ?? null,
      ...forecastPeriod(deals, conversion),
      stage_conversion: conversion,
      meta: {
        method: FORECAST_METHOD,
        as_of: today,
        source: ports.source,
        inputs: {
          deals_in_quarter: deals.length,
          closed_deals_in_history: reach.closed,
          history_quarters: HISTORY_QUARTERS,
        },
        caveats,
      },
    };
  },
});
