// @title Customer health
import {
  barChart,
  columnChart,
  html,
  lineChart,
  PALETTE,
  showView,
  stackedColumns,
  usd,
} from "@revops/kit/view";

type Band = "high" | "medium" | "low";
interface Health {
  accounts: { account_name: string; score: number; band: Band; score_90d_ago: number | null }[];
  totals: {
    accounts: number;
    average_score: number | null;
    by_band: Record<Band, { accounts: number; arr: number }>;
  };
  trend?: { month_end: string[]; average_score: (number | null)[]; by_band: Record<Band, number[]> } | null;
  meta: { as_of: string };
}

const BAND_COLOR: Record<Band, string | undefined> = {
  high: PALETTE[3],
  medium: PALETTE[2],
  low: PALETTE[1],
};
const BAND_LABEL: Record<Band, string> = { low: "Low risk", medium: "Medium risk", high: "High risk" };

const ORDER = ["low", "medium", "high"] as const;

/** Band counts and average score month by month, with today's as the last column. */
function trendCharts(h: Health): Node[] {
  const t = h.trend;
  if (!t || t.month_end.length === 0) return [];
  const columns = [...t.month_end.map((d) => d.slice(0, 7)), "now"];
  return [
    stackedColumns({
      title: "Customers by risk band at each month end",
      format: (n) => String(Math.round(n)),
      columns,
      series: ORDER.map((b) => ({
        label: BAND_LABEL[b],
        values: [...(t.by_band[b] ?? []), h.totals.by_band[b]?.accounts ?? 0],
        color: BAND_COLOR[b],
      })),
    }),
    lineChart({
      title: "Average health score at each month end",
      format: (n) => String(n),
      max: 100,
      points: columns.map((label, i) => ({
        label,
        value: i < t.month_end.length ? (t.average_score[i] ?? null) : h.totals.average_score,
      })),
    }),
  ];
}

showView<Health>("health_scores", (h) => [
  html("h2", "", `Health of ${h.totals.accounts} customers`),
  columnChart({
    title: "Customers by risk band",
    format: (n) => String(Math.round(n)),
    bars: (["low", "medium", "high"] as const).map((b) => ({
      label: `${BAND_LABEL[b]}: ${h.totals.by_band[b]?.accounts ?? 0} (${usd(h.totals.by_band[b]?.arr ?? 0)} ARR)`,
      value: h.totals.by_band[b]?.accounts ?? 0,
      color: BAND_COLOR[b],
    })),
  }),
  barChart({
    title: "Scores of the accounts shown (tick: 90 days ago)",
    format: (n) => String(Math.round(n)),
    max: 100,
    bars: h.accounts.map((a) => ({
      label: a.account_name,
      value: a.score,
      marker: a.score_90d_ago,
      color: BAND_COLOR[a.band],
    })),
  }),
  html(
    "p",
    "muted",
    `Average score ${h.totals.average_score ?? "n/a"}; the tick is the score 90 days ago. As of ${h.meta.as_of}.`,
  ),
  ...trendCharts(h),
]);
