import { AnalyticsMetaSchema, annotations, MoneySchema } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { predict } from "../../domain/churn";
import { HEALTH_METHOD, healthScore } from "../../domain/health";
import { activeHealthWeights } from "../../health-weights";
import { csTool, type RenewalDealRow } from "../../ports";
import { modelFor } from "../health/churn-model";
import { AccountNameSchema } from "../schemas";
import { renewalsToolset } from "./toolset";

const DAY_MS = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
const r2 = (v: number) => Math.round(v * 100) / 100;
const plusDays = (day: string, n: number) =>
  new Date(Date.parse(day) + n * DAY_MS).toISOString().slice(0, 10);
/** Health below this is "low health" (the health definition's high-risk band before its renewal bump). */
export const LOW_HEALTH = 45;
const MAX_IDS = 500;

/** Of an account's open renewal deals, the one closing nearest the renewal date (ties: the smaller id). */
export function dealFor(deals: RenewalDealRow[], renewalDate: string) {
  let best: RenewalDealRow | undefined;
  for (const d of deals) {
    const gap = Math.abs(days(d.closeDate, renewalDate));
    const bestGap = best ? Math.abs(days(best.closeDate, renewalDate)) : Number.POSITIVE_INFINITY;
    if (gap < bestGap || (gap === bestGap && best && d.id < best.id)) best = d;
  }
  return best;
}

export const renewalsUpcoming = csTool({
  name: "renewals_upcoming",
  title: "Renewal book",
  description:
    "Renewals due in N days with ARR, health, churn probability and the renewal deal's stage; flags commits at high risk.",
  toolset: renewalsToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      within_days: z.number().int().min(1).max(365).default(90),
      flagged_only: z.boolean().optional().describe("Only contradictions"),
      limit: z.number().int().min(1).max(100).default(8),
    })
    .strict(),
  output: z.object({
    renewals: z.array(
      z.object({
        account_id: z.string(),
        account_name: AccountNameSchema,
        arr: MoneySchema,
        renewal_date: z.string(),
        days_to_renewal: z.number(),
        health_score: z.number().nullable(),
        churn_probability: z.number().nullable(),
        arr_at_risk: MoneySchema.describe("ARR × churn probability"),
        high_risk: z.boolean(),
        deal: z
          .object({ id: z.string(), stage: z.string(), forecast_category: z.string() })
          .nullable()
          .describe("Open renewal deal"),
        contradiction: z.string().nullable().describe("Why a commit conflicts with the risk"),
      }),
    ),
    total: z.object({
      renewals: z.number(),
      arr_due: MoneySchema,
      arr_at_risk: MoneySchema,
      high_risk: z.number(),
      arr_high_risk: MoneySchema,
      contradictions: z.number(),
      without_deal: z.number(),
    }),
    beyond_limit: z.number(),
    meta: AnalyticsMetaSchema,
  }),
  example: { within_days: 30, limit: 5 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const [{ model, history }, upcoming] = await Promise.all([
      modelFor(ports.support, today),
      fromVendor(() => ports.support.upcomingRenewals({ until: plusDays(today, input.within_days) })),
    ]);
    const due = upcoming
      .map((t) => ({ t, days: days(today, t.renewalDate) }))
      .filter((u) => u.days >= 0 && u.days <= input.within_days);
    const inBook = new Set(due.map((u) => u.t.accountId));
    const ids = [...inBook];
    // a long window reads every customer rather than bind thousands of ids
    const some = ids.length <= MAX_IDS ? ids : undefined;
    const [signals, deals] = ids.length
      ? await Promise.all([
          fromVendor(() => ports.support.accountSignals(some ? { accountIds: some } : undefined)),
          fromVendor(() => ports.support.renewalDeals(some)),
        ])
      : [[], []];
    const dealsOf = new Map<string, RenewalDealRow[]>();
    for (const d of deals) dealsOf.set(d.accountId, [...(dealsOf.get(d.accountId) ?? []), d]);
    const { weights } = await activeHealthWeights(ports);
    const healthOf = new Map(signals.map((s) => [s.accountId, healthScore(s, today, weights).score]));
    const threshold = model ? (model.evaluation?.threshold ?? model.fitted.threshold) : null;
    const book = due.map(({ t, days: d }) => {
      const p = model ? predict(model.fitted, t).probability : null;
      const health = healthOf.get(t.accountId) ?? null;
      const churnHigh = p !== null && threshold !== null && p >= threshold;
      const healthLow = health !== null && health < LOW_HEALTH;
      const deal = dealFor(dealsOf.get(t.accountId) ?? [], t.renewalDate);
      const why = [
        ...(churnHigh ? [`churn ${r2(p as number)} ≥ threshold ${r2(threshold as number)}`] : []),
        ...(healthLow ? [`health ${health} < ${LOW_HEALTH}`] : []),
      ];
      return {
        account_id: t.accountId,
        account_name: t.accountName,
        arr: t.arr,
        renewal_date: t.renewalDate,
        days_to_renewal: d,
        health_score: health,
        churn_probability: p === null ? null : r2(p),
        arr_at_risk: p === null ? 0 : Math.round(t.arr * p),
        exact_at_risk: p === null ? 0 : t.arr * p,
        high_risk: churnHigh || healthLow,
        deal: deal ? { id: deal.id, stage: deal.stage, forecast_category: deal.forecastCategory } : null,
        contradiction:
          deal?.forecastCategory === "commit" && why.length ? `in commit, but ${why.join(" and ")}` : null,
      };
    });
    book.sort(
      (a, b) =>
        b.exact_at_risk - a.exact_at_risk || b.arr - a.arr || a.account_id.localeCompare(b.account_id),
    );
    const shown = input.flagged_only ? book.filter((r) => r.contradiction) : book;
    const high = book.filter((r) => r.high_risk);
    return {
      renewals: shown.slice(0, input.limit).map(({ exact_at_risk: _e, ...r }) => r),
      total: {
        renewals: book.length,
        arr_due: book.reduce((s, r) => s + r.arr, 0),
        arr_at_risk: Math.round(book.reduce((s, r) => s + r.exact_at_risk, 0)),
        high_risk: high.length,
        arr_high_risk: high.reduce((s, r) => s + r.arr, 0),
        contradictions: book.filter((r) => r.contradiction).length,
        without_deal: book.filter((r) => !r.deal).length,
      },
      beyond_limit: Math.max(0, shown.length - input.limit),
      meta: {
        method: `${model?.version ?? "churn model: not trained"} (as churn_risk) and ${HEALTH_METHOD}; high risk = churn probability ≥ the model's threshold or health < ${LOW_HEALTH}; contradiction = high risk with the renewal deal in commit; sorted by ARR × probability`,
        as_of: today,
        source: ports.source,
        inputs: {
          window_days: input.within_days,
          open_renewal_deals: deals.filter((d) => inBook.has(d.accountId)).length,
          ...(threshold !== null ? { churn_threshold: r2(threshold) } : {}),
        },
        caveats: [
          "ARR is the current term's; the renewal deal is the account's open renewal deal closing nearest the renewal date.",
          ...(model ? [] : ["No churn model (needs renewed and cancelled history): probabilities are null."]),
          ...(history.note ? [history.note] : []),
        ],
      },
    };
  },
});
