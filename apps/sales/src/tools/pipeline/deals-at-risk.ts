import {
  AnalyticsMetaSchema,
  annotations,
  CursorSchema,
  MoneySchema,
  NextCursorSchema,
  untrustedName,
} from "@revops/kit";
import { decodeCursor, encodeCursor } from "@revops/sandbox";
import { z } from "zod";
import { RISK_WEIGHTS, rankAtRisk } from "../../domain/risk";
import { salesTool } from "../../ports";
import { DealTypeSchema, OwnerSchema } from "../schemas";
import { pipelineToolset } from "./toolset";

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

export const dealsAtRisk = salesTool({
  name: "deals_at_risk",
  title: "Deals at risk",
  description:
    "Open deals ranked by amount × risk, each risk explained (stalled, idle, slipping, single-threaded, cut).",
  toolset: pipelineToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      owner: OwnerSchema.optional(),
      type: DealTypeSchema.optional(),
      no_activity_days: z.number().int().min(1).max(365).default(14).describe("Idle after this many days"),
      cursor: CursorSchema.optional(),
      limit: z.number().int().min(1).max(50).default(10),
    })
    .strict(),
  output: z.object({
    deals: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "deal name"),
        owner: z.string(),
        stage: z.string(),
        type: z.string(),
        amount: MoneySchema,
        close_date: z.string(),
        days_in_stage: z.number().nullable(),
        risk: z.number().describe("0–1"),
        score: z.number().describe("amount × risk"),
        reasons: z.array(z.string()),
      }),
    ),
    totals: z.object({
      open_deals: z.number(),
      at_risk: z.number(),
      at_risk_amount: z.number(),
      risk_weighted_amount: z.number().describe("Σ amount × risk"),
    }),
    next_cursor: NextCursorSchema,
    meta: AnalyticsMetaSchema,
  }),
  example: { limit: 3 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const inputs = await ports.crm.openDealRisks({ owner: input.owner, type: input.type });
    const ranked = rankAtRisk(inputs.deals, inputs.typical, today, input.no_activity_days);
    const start = input.cursor ? Number(decodeCursor("deals_at_risk", input.cursor, 1)[0]) : 0;
    const page = ranked.slice(start, start + input.limit);
    const end = start + page.length;
    return {
      deals: page.map((a) => ({
        id: a.deal.id,
        name: a.deal.name,
        owner: a.deal.ownerName,
        stage: a.deal.stage,
        type: a.deal.type,
        amount: a.deal.amount,
        close_date: a.deal.closeDate,
        days_in_stage: a.daysInStage,
        risk: round(a.risk, 3),
        score: Math.round(a.score),
        reasons: a.reasons.map((r) => `${r.code}: ${r.detail}`),
      })),
      totals: {
        open_deals: inputs.deals.length,
        at_risk: ranked.length,
        at_risk_amount: ranked.reduce((t, a) => t + a.deal.amount, 0),
        risk_weighted_amount: Math.round(ranked.reduce((t, a) => t + a.score, 0)),
      },
      next_cursor: end < ranked.length ? encodeCursor("deals_at_risk", [end]) : null,
      meta: {
        method:
          "deal-risk-v1: risk = 1 − Π(1 − w) over reasons (w: " +
          Object.entries(RISK_WEIGHTS)
            .map(([k, w]) => `${k} ${w}${k === "pushed" ? " per push, ≤3" : ""}`)
            .join(", ") +
          "); stalled = days in stage > median of closed deals' days in that stage; ranked by amount × risk",
        as_of: today,
        source: ports.source,
        inputs: {
          open_deals: inputs.deals.length,
          no_activity_days: input.no_activity_days,
          ...Object.fromEntries(inputs.typical.map((t) => [`typical_days_${t.stage}`, t.medianDays])),
          ...(input.owner && { owner: input.owner }),
          ...(input.type && { type: input.type }),
        },
        caveats: [
          ...inputs.caveats,
          ...(inputs.typical.length === 0
            ? ["No closed-deal stage history: stalled deals cannot be told from normal ones."]
            : []),
        ],
      },
    };
  },
});
