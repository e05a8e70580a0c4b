import { AnalyticsMetaSchema, annotations } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { HEALTH_METHOD, healthScore, weightsLabel } from "../../domain/health";
import { activeHealthWeights } from "../../health-weights";
import { csTool } from "../../ports";
import { AccountNameSchema } from "../schemas";
import { healthToolset } from "./toolset";

export const accountsAtRisk = csTool({
  name: "accounts_at_risk",
  title: "Accounts at risk of churn",
  description:
    "Customer accounts ranked by churn risk from usage trend, seat adoption, support load and NPS, with the reasons for each.",
  toolset: healthToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      min_risk: z.enum(["high", "medium"]).default("high").describe("Lowest risk band to include"),
      renewal_within_days: z
        .number()
        .int()
        .min(1)
        .max(730)
        .optional()
        .describe("Only accounts renewing within N days"),
      limit: z.number().int().min(1).max(100).default(12),
    })
    .strict(),
  output: z.object({
    accounts: z.array(
      z.object({
        account_id: z.string(),
        account_name: AccountNameSchema,
        owner: z.string(),
        arr: z.number(),
        health_score: z.number(),
        risk: z.enum(["high", "medium", "low"]),
        days_to_renewal: z.number().nullable(),
        reasons: z.array(z.string()),
      }),
    ),
    total_at_risk: z.number(),
    arr_at_risk: z.number(),
    meta: AnalyticsMetaSchema,
  }),
  example: { min_risk: "high", limit: 5 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const signals = await fromVendor(() => ports.support.accountSignals());
    const weights = await activeHealthWeights(ports);
    const scored = signals.map((s) => ({ s, h: healthScore(s, today, weights.weights) }));
    const wanted = scored.filter(
      ({ h }) =>
        (h.risk === "high" || (input.min_risk === "medium" && h.risk === "medium")) &&
        (input.renewal_within_days === undefined ||
          (h.days_to_renewal !== null &&
            h.days_to_renewal >= 0 &&
            h.days_to_renewal <= input.renewal_within_days)),
    );
    wanted.sort((a, b) => a.h.score - b.h.score || b.s.arr - a.s.arr);
    return {
      accounts: wanted.slice(0, input.limit).map(({ s, h }) => ({
        account_id: s.accountId,
        account_name: s.accountName,
        owner: s.ownerName,
        arr: s.arr,
        health_score: h.score,
        risk: h.risk,
        days_to_renewal: h.days_to_renewal,
        reasons: h.reasons,
      })),
      total_at_risk: wanted.length,
      arr_at_risk: wanted.reduce((t, w) => t + w.s.arr, 0),
      meta: {
        method: `${HEALTH_METHOD} weights v${weights.version}: ${weightsLabel(weights.weights)} (adoption = monthly actives per seat); high < 45, medium < 65; renewal ≤ 90 days raises medium to high`,
        as_of: today,
        source: ports.source,
        inputs: { customer_accounts: signals.length },
        caveats: ["Usage compares the last 30 days with the 30 before; seasonal dips look like decline."],
      },
    };
  },
});
