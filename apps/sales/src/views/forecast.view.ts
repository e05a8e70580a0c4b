// @title Quarter forecast
import { barChart, html, PALETTE, showView, usd } from "@revops/kit/view";

interface Forecast {
  quarter: string;
  owner: string | null;
  forecast: { p10: number; p50: number; p90: number };
  categories: { closed_won: number; commit: number; best_case: number; pipeline: number };
  meta: { as_of: string };
}

showView<Forecast>("forecast_get", (f) => [
  html("h2", "", `Forecast ${f.quarter}${f.owner ? ` · ${f.owner}` : ""}`),
  barChart({
    title: `Forecast categories and P10–P90 range, ${f.quarter}`,
    format: usd,
    bars: [
      { label: "Closed won", value: f.categories.closed_won, color: PALETTE[1] },
      { label: "Commit", value: f.categories.commit, color: PALETTE[0] },
      { label: "Best case", value: f.categories.best_case, color: PALETTE[2] },
      { label: "Pipeline", value: f.categories.pipeline, color: PALETTE[5] },
    ],
    range: { label: "Forecast P10–P90", low: f.forecast.p10, mid: f.forecast.p50, high: f.forecast.p90 },
  }),
  html("p", "muted", `As of ${f.meta.as_of}. Commit and best case include closed won.`),
]);
