// @title Campaign attribution
import { barChart, dotPlot, html, PALETTE, showView, usd } from "@revops/kit/view";

interface Attribution {
  campaigns: {
    id: string;
    name: string;
    channel: string;
    pipeline: number;
    revenue: number;
    spend: number;
  }[];
  totals: { pipeline: number; revenue: number; deals: number };
  left_out: { campaigns: number; pipeline: number };
  by_model?: { models: string[]; pipeline: Record<string, number[]> };
  meta: { as_of: string; inputs: { model?: string } };
}

/** Short legend names: seven labels share one row. */
const SHORT: Record<string, string> = {
  first_touch: "first",
  last_touch: "last",
  linear: "linear",
  time_decay: "decay",
  u_shaped: "U",
  w_shaped: "W",
  data_driven: "data",
};

/** Each shown campaign's pipeline under every model, one dot per model. */
function compared(a: Attribution): Node[] {
  const m = a.by_model;
  if (!m) return [];
  return [
    dotPlot({
      title: "Pipeline credited to each campaign under every model",
      format: usd,
      rows: a.campaigns.map((c) => c.name),
      series: m.models.map((model, i) => ({
        label: SHORT[model] ?? model,
        values: a.campaigns.map((c) => m.pipeline[c.id]?.[i] ?? 0),
      })),
    }),
    html("p", "muted", "Where the dots spread, the campaign's credit depends on the model."),
  ];
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
  ...compared(a),
]);
