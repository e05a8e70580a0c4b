// @title Campaign attribution
import { barChart, html, PALETTE, showView, usd } from "@revops/kit/view";

interface Attribution {
  campaigns: { name: string; channel: string; pipeline: number; revenue: number; spend: number }[];
  totals: { pipeline: number; revenue: number; deals: number };
  left_out: { campaigns: number; pipeline: number };
  meta: { as_of: string; inputs: { model?: string } };
}

showView<Attribution>("attribution", (a) => [
  html("h2", "", `Attribution · ${a.meta.inputs.model ?? "model"}`),
  barChart({
    title: `Pipeline credited to each campaign, ${a.meta.inputs.model ?? ""} model`,
    format: usd,
    bars: a.campaigns.map((c) => ({
      label: c.name,
      value: c.pipeline,
      text: `${usd(c.pipeline)} · won ${usd(c.revenue)}`,
      marker: c.revenue,
      color: PALETTE[0],
    })),
  }),
  html(
    "p",
    "muted",
    `Credited pipeline ${usd(a.totals.pipeline)}, revenue ${usd(a.totals.revenue)} over ${a.totals.deals} deals; the tick is won revenue.${a.left_out.campaigns ? ` ${a.left_out.campaigns} more campaigns (${usd(a.left_out.pipeline)}) not shown.` : ""} As of ${a.meta.as_of}.`,
  ),
]);
