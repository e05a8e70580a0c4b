import { AnalyticsMetaSchema, annotations } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { CHURN_MODEL, predict } from "../../domain/churn";
import { csTool } from "../../ports";
import { AccountNameSchema } from "../schemas";
import { modelFor } from "./churn-model";
import { healthToolset } from "./toolset";

const DAY_MS = 86_400_000;

const r2 = (v: number) => Math.round(v * 100) / 100;

export const churnRisk = csTool({
  name: "churn_risk",
  title: "Churn probability before renewal",
  description:
    "Churn probability per upcoming renewal from a model trained on past renewals, ranked by ARR at risk, with top drivers and held-out accuracy.",
  toolset: healthToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      renewal_within_days: z.number().int().min(1).max(730).optional(),
      min_probability: z.number().min(0).max(1).optional(),
      limit: z.number().int().min(1).max(100).default(8),
    })
    .strict(),
  output: z.object({
    accounts: z.array(
      z.object({
        account_id: z.string(),
        account_name: AccountNameSchema,
        owner: z.string(),
        arr: z.number(),
        days_to_renewal: z.number(),
        probability: z.number(),
        arr_at_risk: z.number().describe("ARR × probability"),
        drivers: z
          .array(z.object({ feature: z.string(), value: z.number().nullable(), log_odds: z.number() }))
          .describe("Largest contributions to the log-odds vs an average renewal (+ raises risk)"),
      }),
    ),
    total: z.object({
      accounts: z.number(),
      arr: z.number(),
      arr_at_risk: z.number(),
      above_threshold: z.number(),
    }),
    left_out: z.object({
      beyond_limit: z.number(),
      below_min_probability: z.number(),
      outside_window: z.number(),
    }),
    meta: AnalyticsMetaSchema,
  }),
  example: { renewal_within_days: 120, limit: 5 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const { model, history } = await modelFor(ports.support, today);
    const upcoming = await fromVendor(() => ports.support.upcomingRenewals());
    const baseMeta = { as_of: today, source: ports.source };
    if (!model) {
      return {
        accounts: [],
        total: { accounts: 0, arr: 0, arr_at_risk: 0, above_threshold: 0 },
        left_out: { beyond_limit: 0, below_min_probability: 0, outside_window: upcoming.length },
        meta: {
          ...baseMeta,
          method: `${CHURN_MODEL}: not trained`,
          inputs: { past_renewals: history.terms.length },
          caveats: ["No model: the renewal history needs both renewed and cancelled terms."],
        },
      };
    }
    const scored = upcoming.map((t) => {
      const p = predict(model.fitted, t);
      return { t, p, days: Math.round((Date.parse(t.renewalDate) - Date.parse(today)) / DAY_MS) };
    });
    const inWindow = scored.filter(
      (s) => s.days >= 0 && (input.renewal_within_days === undefined || s.days <= input.renewal_within_days),
    );
    const wanted = inWindow.filter((s) => s.p.probability >= (input.min_probability ?? 0));
    wanted.sort(
      (a, b) =>
        b.p.probability * b.t.arr - a.p.probability * a.t.arr ||
        b.p.probability - a.p.probability ||
        a.t.accountId.localeCompare(b.t.accountId),
    );
    const ev = model.evaluation;
    // the threshold whose held-out precision and recall are published
    const threshold = ev?.threshold ?? model.fitted.threshold;
    return {
      accounts: wanted.slice(0, input.limit).map(({ t, p, days }) => ({
        account_id: t.accountId,
        account_name: t.accountName,
        owner: t.ownerName,
        arr: t.arr,
        days_to_renewal: days,
        probability: r2(p.probability),
        arr_at_risk: Math.round(t.arr * p.probability),
        drivers: p.drivers
          .slice(0, 3)
          .map((d) => ({ feature: d.feature, value: d.value, log_odds: r2(d.logOdds) })),
      })),
      total: {
        accounts: wanted.length,
        arr: wanted.reduce((s, w) => s + w.t.arr, 0),
        arr_at_risk: Math.round(wanted.reduce((s, w) => s + w.t.arr * w.p.probability, 0)),
        above_threshold: wanted.filter((w) => w.p.probability >= threshold).length,
      },
      left_out: {
        beyond_limit: Math.max(0, wanted.length - input.limit),
        below_min_probability: inWindow.length - wanted.length,
        outside_window: scored.length - inWindow.length,
      },
      meta: {
        ...baseMeta,
        method: `${model.version}: L2 logistic regression, features ${model.leadDays} d before renewal; held-out = same recipe on older renewals; served model refit on all`,
        inputs: {
          past_renewals: model.nTerms,
          cancelled: model.positives,
          ...(ev
            ? {
                held_out: `${ev.testFrom}..${ev.testTo}`,
                n_train: ev.nTrain,
                n_test: ev.nTest,
                test_cancelled: ev.positivesTest,
                auc: ev.auc,
                threshold: r2(threshold),
                precision: ev.precision,
                recall: ev.recall,
                ece: ev.ece,
              }
            : { held_out: "none: too few renewals in the latest two quarters" }),
        },
        caveats: [
          `Scored on today's data; trained on data ${model.leadDays} days before each renewal.`,
          `Support/NPS/CS history of retained accounts starts ${model.coverage.tickets ?? "?"}: earlier windows are unknown, not zero.`,
          "CS activity is reactive: heavy CSM attention lowers the score.",
          "Churn without warning signals is not predictable.",
          ...(history.note ? [history.note] : []),
        ],
      },
    };
  },
});
