import { fromVendor } from "@revops/safety/vendor-errors";
import { type ChurnFeature, predict } from "../../domain/churn";
import { type HealthComponent, healthScore, pastScore } from "../../domain/health";
import { activeHealthWeights } from "../../health-weights";
import type { CsPorts } from "../../ports";
import { modelFor } from "../health/churn-model";

const DAY_MS = 86_400_000;
export const minusDays = (day: string, n: number) =>
  new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);
export const plusDays = (day: string, n: number) => minusDays(day, -n);
const r2 = (v: number) => Math.round(v * 100) / 100;

/** One customer's risk as account_health and churn_risk see it: health now and `dropDays` ago, churn probability. */
export interface RiskAssessment {
  accountId: string;
  accountName: string;
  ownerId: string | null;
  ownerName: string;
  arr: number;
  renewalDate: string | null;
  health: number;
  components: Record<HealthComponent, number>;
  /** Points each component could give under the active weights. */
  componentMax?: Record<HealthComponent, number>;
  /** The score `dropDays` ago (null: not computable, e.g. vendor data or a newer account). */
  healthBefore: number | null;
  /** Points lost since then (negative: it rose). */
  drop: number | null;
  probability: number | null;
  drivers: { feature: ChurnFeature; logOdds: number }[];
}

export interface Assessment {
  today: string;
  /** The past day health is compared with. */
  since: string;
  /** The churn model's version and decision threshold (null: no model). */
  model: { version: string; threshold: number } | null;
  rows: RiskAssessment[];
  caveats: string[];
}

/** Every current customer (or some) assessed once: the selection both save_play and the churn hand-off use. */
export async function assessAccounts(
  ports: CsPorts,
  o: { accountIds?: string[]; dropDays: number },
): Promise<Assessment> {
  const today = await ports.today();
  const since = minusDays(today, o.dropDays);
  const ids = o.accountIds ? { accountIds: o.accountIds } : {};
  // a past day is computable from the sandbox's history only (vendors serve today's windows)
  const trend = ports.source === "sandbox";
  const [now, then, { model, history }, upcoming, { weights }] = await Promise.all([
    fromVendor(() => ports.support.accountSignals(ids)),
    trend ? fromVendor(() => ports.support.accountSignals({ ...ids, asOf: since })) : [],
    modelFor(ports.support, today),
    fromVendor(() => ports.support.upcomingRenewals()),
    activeHealthWeights(ports),
  ]);
  const before = new Map(then.map((s) => [s.accountId, s]));
  // the nearest renewal ahead is the one the account is at risk of losing
  const terms = new Map<string, (typeof upcoming)[number]>();
  for (const t of [...upcoming].sort((a, b) => a.renewalDate.localeCompare(b.renewalDate)))
    if (t.renewalDate >= today && !terms.has(t.accountId)) terms.set(t.accountId, t);
  const rows = now.map((s): RiskAssessment => {
    const h = healthScore(s, today, weights);
    const past = trend ? pastScore(before.get(s.accountId), since, weights) : null;
    const term = terms.get(s.accountId);
    const p = model && term ? predict(model.fitted, term) : null;
    return {
      accountId: s.accountId,
      accountName: s.accountName,
      ownerId: s.ownerId ?? null,
      ownerName: s.ownerName,
      arr: s.arr,
      renewalDate: s.renewalDate,
      health: h.score,
      components: h.components,
      componentMax: h.max,
      healthBefore: past,
      drop: past === null ? null : past - h.score,
      probability: p ? r2(p.probability) : null,
      drivers: p ? p.drivers.map((d) => ({ feature: d.feature, logOdds: r2(d.logOdds) })) : [],
    };
  });
  return {
    today,
    since,
    model: model
      ? { version: model.version, threshold: r2(model.evaluation?.threshold ?? model.fitted.threshold) }
      : null,
    rows,
    caveats: [
      ...(trend
        ? []
        : ["Health drop not computable: vendor usage and support data are today's windows only."]),
      ...(model ? [] : ["No churn model: the renewal history needs both renewed and cancelled terms."]),
      ...(history.note ? [history.note] : []),
    ],
  };
}
