import { AnalyticsMetaSchema, annotations, MoneySchema } from "@revops/kit";
import { z } from "zod";
import {
  ADOPTION_BANDS,
  ARR_BANDS,
  GROUP_BY,
  SEGMENTS_METHOD,
  summarise,
  TREND_LIMIT,
} from "../../domain/segments";
import { csTool } from "../../ports";
import { AccountNameSchema } from "../schemas";
import { matching, segmentCustomers } from "./customers";
import { FilterSchema, filterOf } from "./filter";
import { segmentsToolset } from "./toolset";

const SAMPLE = 3;

export const segments = csTool({
  name: "segments",
  title: "Customer segments",
  description: "Customer segments by rules and behaviour with ARR, health, churn probability and a sample.",
  toolset: segmentsToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      filter: FilterSchema,
      group_by: z.enum(GROUP_BY).default("size_band"),
    })
    .strict(),
  output: z.object({
    segments: z.array(
      z.object({
        segment: z.string(),
        accounts: z.number(),
        arr: MoneySchema,
        average_health: z.number().nullable(),
        churn_probability: z.number().nullable().describe("Mean over accounts with a renewal ahead"),
        sample: z.array(z.object({ id: z.string(), name: AccountNameSchema })),
      }),
    ),
    total: z.object({ accounts: z.number(), arr: MoneySchema }),
    meta: AnalyticsMetaSchema,
  }),
  example: { filter: { usage_trend: "down" }, group_by: "size_band" },
  handler: async ({ input, ctx }) => {
    const filter = filterOf(input.filter);
    const book = await segmentCustomers(ctx.ports);
    const rows = matching(book.rows, filter);
    return {
      segments: summarise(rows, input.group_by, SAMPLE),
      total: { accounts: rows.length, arr: rows.reduce((t, c) => t + c.arr, 0) },
      meta: {
        method: `${SEGMENTS_METHOD}: rules on the account book; usage trend = events last 30 days vs the 30 before (±${TREND_LIMIT * 100}% = up/down); adoption = monthly actives per seat (low < ${ADOPTION_BANDS.low}, high ≥ ${ADOPTION_BANDS.high}); ARR bands ${ARR_BANDS.map((b) => b.label).join(", ")}; health weights v${book.weights.version}; churn = ${book.model ?? "no model"} (as churn_risk)`,
        as_of: book.today,
        source: ctx.ports.source,
        inputs: { accounts: book.rows.length, customers: book.customers, filter: JSON.stringify(filter) },
        caveats: [
          "Behaviour, health and churn exist for current customers only; other lifecycles match rule filters alone.",
        ],
      },
    };
  },
});
