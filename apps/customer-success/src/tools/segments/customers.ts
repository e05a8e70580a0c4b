import { fromVendor } from "@revops/safety/vendor-errors";
import { predict } from "../../domain/churn";
import { healthScore } from "../../domain/health";
import { type Filter, matches, type SegmentCustomer, trendOf } from "../../domain/segments";
import { activeHealthWeights } from "../../health-weights";
import type { CsPorts } from "../../ports";
import { modelFor } from "../health/churn-model";

/**
 * Every account of the book with its rules' fields and, for current customers, behaviour: usage trend, monthly
 * actives per seat, health band (active weights) and the churn model's probability for the next renewal.
 */
export async function segmentCustomers(ports: CsPorts) {
  const today = await ports.today();
  const [book, signals, upcoming, weights, { model }] = await Promise.all([
    ports.book.rows(),
    fromVendor(() => ports.support.accountSignals()),
    fromVendor(() => ports.support.upcomingRenewals()),
    activeHealthWeights(ports),
    modelFor(ports.support, today),
  ]);
  const signalOf = new Map(signals.map((s) => [s.accountId, s]));
  const termOf = new Map<string, (typeof upcoming)[number]>();
  for (const t of [...upcoming].sort((a, b) => a.renewalDate.localeCompare(b.renewalDate)))
    if (t.renewalDate >= today && !termOf.has(t.accountId)) termOf.set(t.accountId, t);
  const rows = book.map((b): SegmentCustomer => {
    const s = signalOf.get(b.accountId);
    const h = s ? healthScore(s, today, weights.weights) : null;
    const term = termOf.get(b.accountId);
    return {
      id: b.accountId,
      name: b.name,
      arr: b.arr,
      size_band: b.sizeBand,
      industry: b.industry,
      region: b.region,
      lifecycle: b.lifecycle,
      plan: s?.plan ?? null,
      csm: b.csmName,
      tags: b.tags,
      usage_trend: s ? trendOf(s.usageLast30, s.usagePrev30) : null,
      actives_per_seat: s?.monthlyActivesPerSeat ?? null,
      health_band: h?.risk ?? null,
      health: h?.score ?? null,
      churn: model && term ? Math.round(predict(model.fitted, term).probability * 1000) / 1000 : null,
    };
  });
  return { today, rows, weights, model: model?.version ?? null, customers: signals.length };
}

export const matching = (rows: readonly SegmentCustomer[], f: Filter) => rows.filter((c) => matches(c, f));
