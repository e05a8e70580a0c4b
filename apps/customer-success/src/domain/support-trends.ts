import type { TicketFacts } from "@revops/model";

/** Support volume, CSAT, reply/resolution percentiles and backlog age, from ticket facts alone. */
export const TICKET_TRENDS_METHOD = "ticket-trends-v1";
export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
/** Backlog age buckets in whole days since creation (upper bounds inclusive; the last is open-ended). */
export const AGE_BUCKETS = [
  { name: "0-1d", max: 1 },
  { name: "2-7d", max: 7 },
  { name: "8-30d", max: 30 },
  { name: "31-90d", max: 90 },
  { name: "90d+", max: Number.POSITIVE_INFINITY },
] as const;

/** Nearest-rank percentile (the smallest value with at least p of the values at or below it). */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  // a typed array sorts numerically, and several times faster than a comparator at 100× volumes
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

export interface Spread {
  p50: number | null;
  p90: number | null;
}

const spread = (xs: number[], scale = 1): Spread => {
  const f = (v: number | null) => (v === null ? null : Math.round((v / scale) * 10) / 10);
  return { p50: f(percentile(xs, 0.5)), p90: f(percentile(xs, 0.9)) };
};
const goodShare = (good: number, rated: number) =>
  rated > 0 ? Math.round((good / rated) * 1000) / 1000 : null;
const DAY_MS = 86_400_000;

export function ticketTrends(facts: TicketFacts, today: string, tagLimit: number) {
  const { created } = facts;
  const rated = created.filter((t) => t.csat !== null);
  const good = rated.filter((t) => t.csat === "good").length;
  const replies = (ts: typeof created) => ts.flatMap((t) => t.firstReplyMinutes ?? []);
  const resolutions = (ts: typeof created) => ts.flatMap((t) => t.resolutionMinutes ?? []);
  const tags = new Map<string, { tickets: number; rated: number; good: number }>();
  for (const t of created)
    for (const tag of new Set(t.tags)) {
      const x = tags.get(tag) ?? { tickets: 0, rated: 0, good: 0 };
      x.tickets++;
      if (t.csat) x.rated++;
      if (t.csat === "good") x.good++;
      tags.set(tag, x);
    }
  const byTag = [...tags]
    .sort((a, b) => b[1].tickets - a[1].tickets || a[0].localeCompare(b[0]))
    .map(([tag, x]) => ({
      tag,
      tickets: x.tickets,
      csat_rated: x.rated,
      csat_good: goodShare(x.good, x.rated),
    }));
  const months = new Map<string, { tickets: number; rated: number; good: number }>();
  for (const t of created) {
    const m = months.get(t.createdAt.slice(0, 7)) ?? { tickets: 0, rated: 0, good: 0 };
    m.tickets++;
    if (t.csat) m.rated++;
    if (t.csat === "good") m.good++;
    months.set(t.createdAt.slice(0, 7), m);
  }
  const now = Date.parse(`${today}T00:00:00Z`);
  const ages = facts.backlog.map((b) =>
    Math.max(0, Math.round((now - Date.parse(`${b.createdAt.slice(0, 10)}T00:00:00Z`)) / DAY_MS)),
  );
  const byAge = Object.fromEntries(AGE_BUCKETS.map((b) => [b.name, 0])) as Record<string, number>;
  for (const a of ages) {
    const name = AGE_BUCKETS.find((b) => a <= b.max)?.name ?? "90d+";
    byAge[name] = (byAge[name] ?? 0) + 1;
  }
  return {
    totals: {
      created: created.length,
      solved: created.filter((t) => t.resolutionMinutes !== null).length,
      csat_rated: rated.length,
      csat_good: goodShare(good, rated.length),
      first_reply_minutes: spread(replies(created)),
      resolution_hours: spread(resolutions(created), 60),
    },
    by_priority: PRIORITIES.map((p) => {
      const ts = created.filter((t) => t.priority === p);
      return {
        priority: p,
        tickets: ts.length,
        first_reply_minutes: spread(replies(ts)),
        resolution_hours: spread(resolutions(ts), 60),
      };
    }).filter((p) => p.tickets > 0),
    by_tag: byTag.slice(0, tagLimit),
    other_tags: Math.max(0, byTag.length - tagLimit),
    by_month: [...months]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([month, m]) => ({ month, tickets: m.tickets, csat_good: goodShare(m.good, m.rated) })),
    backlog: { unsolved: ages.length, by_age: byAge, oldest_days: ages.length ? Math.max(...ages) : null },
  };
}
