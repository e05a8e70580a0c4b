import { AnalyticsMetaSchema, annotations, MoneySchema, notFound } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { predict } from "../../domain/churn";
import {
  HEALTH_METHOD,
  type HealthComponent,
  healthScore,
  pastScore,
  topDriver,
  weightsLabel,
} from "../../domain/health";
import { activeHealthWeights } from "../../health-weights";
import { csTool } from "../../ports";
import { AccountIdSchema, AccountNameSchema } from "../schemas";
import { modelFor } from "./churn-model";
import { healthToolset } from "./toolset";

const DAY_MS = 86_400_000;
const minusDays = (day: string, n: number) =>
  new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);
const r1 = (v: number) => Math.round(v * 10) / 10;
const r2 = (v: number) => Math.round(v * 100) / 100;
/** Past scores every 30 days, as health_scores computes its 30/90-day ones. */
const STEP_DAYS = 30;

export const accountHealth = csTool({
  name: "account_health",
  title: "One account's health",
  description: "One customer's health components, drivers, churn probability and monthly score history.",
  toolset: healthToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      account_id: AccountIdSchema,
      months: z.number().int().min(1).max(12).default(6).describe("History length"),
    })
    .strict(),
  output: z.object({
    account_id: z.string(),
    account_name: AccountNameSchema,
    owner: z.string(),
    arr: MoneySchema,
    renewal_date: z.string().nullable(),
    score: z.number(),
    band: z.enum(["high", "medium", "low"]).describe("Risk band"),
    components: z.array(
      z.object({ component: z.string(), points: z.number(), max: z.number(), lost: z.number() }),
    ),
    top_driver: z.string(),
    reasons: z.array(z.string()),
    churn: z
      .object({
        probability: z.number(),
        drivers: z.array(
          z.object({ feature: z.string(), value: z.number().nullable(), log_odds: z.number() }),
        ),
      })
      .nullable(),
    history: z.array(z.object({ as_of: z.string(), score: z.number().nullable() })),
    meta: AnalyticsMetaSchema,
  }),
  example: { account_id: "acc_0064", months: 3 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const [s] = await fromVendor(() => ports.support.accountSignals({ accountIds: [input.account_id] }));
    if (!s)
      throw notFound(`No customer account ${input.account_id}.`, {
        fields: ["account_id"],
        hint: "Take an id from health_scores or accounts_at_risk.",
      });
    const weights = await activeHealthWeights(ports);
    const h = healthScore(s, today, weights.weights);
    // a past day is computable from the sandbox's history only (vendors serve today's windows)
    const trend = ports.source === "sandbox";
    const days = Array.from({ length: input.months }, (_, i) =>
      minusDays(today, (input.months - i) * STEP_DAYS),
    );
    const past = trend
      ? await Promise.all(
          days.map(async (asOf) => {
            const [then] = await fromVendor(() =>
              ports.support.accountSignals({ accountIds: [s.accountId], asOf }),
            );
            return { as_of: asOf, score: pastScore(then, asOf, weights.weights) };
          }),
        )
      : [];
    const [{ model, history }, upcoming] = await Promise.all([
      modelFor(ports.support, today),
      s.renewalDate
        ? fromVendor(() => ports.support.upcomingRenewals({ until: s.renewalDate as string }))
        : [],
    ]);
    const term = upcoming.find((t) => t.accountId === s.accountId);
    const p = model && term ? predict(model.fitted, term) : null;
    return {
      account_id: s.accountId,
      account_name: s.accountName,
      owner: s.ownerName,
      arr: s.arr,
      renewal_date: s.renewalDate,
      score: h.score,
      band: h.risk,
      components: (Object.entries(h.max) as [HealthComponent, number][]).map(([c, max]) => ({
        component: c,
        points: r1(h.components[c]),
        max,
        lost: r1(max - h.components[c]),
      })),
      top_driver: topDriver(h).component,
      reasons: h.reasons,
      churn: p
        ? {
            probability: r2(p.probability),
            drivers: p.drivers
              .slice(0, 3)
              .map((d) => ({ feature: d.feature, value: d.value, log_odds: r2(d.logOdds) })),
          }
        : null,
      history: [...past, { as_of: today, score: h.score }],
      meta: {
        method: `${HEALTH_METHOD} weights v${weights.version} (as health_scores): ${weightsLabel(weights.weights)}; past scores = the same windows ending each ${STEP_DAYS} days back; churn: ${model?.version ?? "no model"} (as churn_risk), drivers vs an average renewal`,
        as_of: today,
        source: ports.source,
        inputs: {
          usage_month: s.usageMonth,
          ...(model ? { churn_threshold: r2(model.evaluation?.threshold ?? model.fitted.threshold) } : {}),
        },
        caveats: [
          ...(trend
            ? []
            : ["History not computable here: vendor usage and support data are today's windows only."]),
          ...(p ? [] : ["No churn probability: no model, or no renewal ahead for this account."]),
          ...(history.note ? [history.note] : []),
        ],
      },
    };
  },
});
