// @title Customer health
import { barChart, columnChart, html, PALETTE, showView, usd } from "@revops/kit/view";

type Band = "high" | "medium" | "low";
interface Health {
  accounts: { account_name: string; score: number; band: Band; score_90d_ago: number | null }[];
  totals: {
    accounts: number;
    average_score: number | null;
    by_band: Record<Band, { accounts: number; arr: number }>;
  };
  meta: { as_of: string };
}

const BAND_COLOR: Record<Band, string | undefined> = {
  high: PALETTE[3],
  medium: PALETTE[2],
  low: PALETTE[1],
};
const BAND_LABEL: Record<Band, string> = { low: "Low risk", medium: "Medium risk", high: "High risk" };

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
]);
