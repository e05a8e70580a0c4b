/** Customer segments: rules on the account book and behaviour from health signals, all explainable. */
export const SEGMENTS_METHOD = "segments-v1";

export type Trend = "up" | "flat" | "down";
/** Usage moving this much against the 30 days before is a trend (as health's "usage down" reason). */
export const TREND_LIMIT = 0.15;
/** Monthly actives per seat: below 0.4 low (health's adoption reason), from 0.7 full points (high). */
export const ADOPTION_BANDS = { low: 0.4, high: 0.7 } as const;
export const ARR_BANDS = [
  { label: "<10k", max: 10_000 },
  { label: "10k-50k", max: 50_000 },
  { label: "50k-100k", max: 100_000 },
  { label: "100k+", max: Number.POSITIVE_INFINITY },
] as const;

export interface SegmentCustomer {
  id: string;
  name: string;
  arr: number;
  size_band: string;
  industry: string;
  region: string;
  lifecycle: string;
  plan: string | null;
  csm: string | null;
  tags: string[];
  usage_trend: Trend | null;
  actives_per_seat: number | null;
  health_band: "high" | "medium" | "low" | null;
  health: number | null;
  churn: number | null;
}

export function trendOf(last30: number, prev30: number): Trend {
  if (prev30 <= 0) return last30 > 0 ? "up" : "flat";
  const t = (last30 - prev30) / prev30;
  return t <= -TREND_LIMIT ? "down" : t >= TREND_LIMIT ? "up" : "flat";
}

export const adoptionBand = (v: number | null) =>
  v === null ? "unknown" : v < ADOPTION_BANDS.low ? "low" : v < ADOPTION_BANDS.high ? "medium" : "high";
export const arrBand = (arr: number) => ARR_BANDS.find((b) => arr < b.max)?.label ?? "100k+";

const TEXT_KEYS = [
  "size_band",
  "industry",
  "region",
  "lifecycle",
  "plan",
  "csm",
  "tag",
  "usage_trend",
  "health_band",
] as const;
const NUMBER_KEYS = ["arr_min", "arr_max", "actives_per_seat_min", "actives_per_seat_max"] as const;
export const FILTER_KEYS = [...TEXT_KEYS, ...NUMBER_KEYS];
export const GROUP_BY = [
  "size_band",
  "industry",
  "region",
  "lifecycle",
  "plan",
  "csm",
  "arr_band",
  "usage_trend",
  "adoption_band",
  "health_band",
] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export type Filter = Partial<Record<(typeof TEXT_KEYS)[number], string>> &
  Partial<Record<(typeof NUMBER_KEYS)[number], number>>;

/** A filter's keys and values checked (RangeError "filter.<key>: …"); lifecycle defaults to customer. */
export function parseFilter(raw: Record<string, string | number>): Filter {
  const out: Record<string, string | number> = { lifecycle: "customer" };
  for (const [k, v] of Object.entries(raw)) {
    if (String(v).length > 80) throw new RangeError(`filter.${k}: at most 80 characters.`);
    if ((NUMBER_KEYS as readonly string[]).includes(k)) {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new RangeError(`filter.${k}: a number, e.g. 50000.`);
      out[k] = n;
    } else if ((TEXT_KEYS as readonly string[]).includes(k)) out[k] = String(v).toLowerCase();
    else throw new RangeError(`filter.${k}: unknown rule; use ${FILTER_KEYS.join(", ")}.`);
  }
  if (out.usage_trend && !["up", "flat", "down"].includes(String(out.usage_trend)))
    throw new RangeError("filter.usage_trend: up, flat or down.");
  if (out.health_band && !["high", "medium", "low"].includes(String(out.health_band)))
    throw new RangeError("filter.health_band: high, medium or low (risk bands).");
  return out as Filter;
}

const same = (a: string | null, b: string | undefined) => b === undefined || (a ?? "").toLowerCase() === b;
const within = (v: number | null, min?: number, max?: number) =>
  (min === undefined && max === undefined) ||
  (v !== null && (min === undefined || v >= min) && (max === undefined || v <= max));

export function matches(c: SegmentCustomer, f: Filter): boolean {
  return (
    same(c.size_band, f.size_band) &&
    same(c.industry, f.industry) &&
    same(c.region, f.region) &&
    same(c.lifecycle, f.lifecycle) &&
    same(c.plan, f.plan) &&
    (f.csm === undefined || (c.csm ?? "").toLowerCase().includes(f.csm)) &&
    (f.tag === undefined || c.tags.some((t) => t.toLowerCase() === f.tag)) &&
    same(c.usage_trend, f.usage_trend) &&
    same(c.health_band, f.health_band) &&
    within(c.arr, f.arr_min, f.arr_max) &&
    within(c.actives_per_seat, f.actives_per_seat_min, f.actives_per_seat_max)
  );
}

export function groupOf(c: SegmentCustomer, by: GroupBy): string {
  if (by === "arr_band") return arrBand(c.arr);
  if (by === "adoption_band") return adoptionBand(c.actives_per_seat);
  return String(c[by] ?? "unknown");
}

const mean = (xs: number[]) =>
  xs.length ? Math.round((xs.reduce((t, x) => t + x, 0) / xs.length) * 1000) / 1000 : null;

/** Per group: accounts, ARR, average health and churn probability (of those that have one), a sample by ARR. */
export function summarise(rows: readonly SegmentCustomer[], by: GroupBy, sample: number) {
  const groups = new Map<string, SegmentCustomer[]>();
  for (const c of rows) {
    const k = groupOf(c, by);
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return [...groups]
    .map(([segment, cs]) => {
      const health = mean(cs.flatMap((c) => (c.health === null ? [] : [c.health])));
      return {
        segment,
        accounts: cs.length,
        arr: cs.reduce((t, c) => t + c.arr, 0),
        average_health: health === null ? null : Math.round(health * 10) / 10,
        churn_probability: mean(cs.flatMap((c) => (c.churn === null ? [] : [c.churn]))),
        sample: [...cs]
          .sort((a, b) => b.arr - a.arr || a.id.localeCompare(b.id))
          .slice(0, sample)
          .map((c) => ({ id: c.id, name: c.name })),
      };
    })
    .sort((a, b) => b.arr - a.arr || a.segment.localeCompare(b.segment));
}
