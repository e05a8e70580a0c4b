// @title Pipeline by stage
import { barChart, html, PALETTE, showView, stackedColumns, usd } from "@revops/kit/view";

interface Pipeline {
  quarter: string;
  owner: string | null;
  by_stage: { stage: string; deals: number; amount: number; weighted: number }[];
  open: { deals: number; amount: number; weighted: number };
  by_week?: { week_ending: string[]; open: Record<string, number[]> };
  meta: { as_of: string };
}

const OPEN = ["prospecting", "qualification", "proposal", "negotiation"];
const plural = (n: number) => `${n} deal${n === 1 ? "" : "s"}`;

showView<Pipeline>("pipeline_summary", (p) => [
  html("h2", "", `Pipeline ${p.quarter}${p.owner ? ` · ${p.owner}` : ""}`),
  barChart({
    title: `Amount by stage, ${p.quarter}`,
    format: usd,
    bars: p.by_stage.map((s) => ({
      label: s.stage.replace(/_/g, " "),
      value: s.amount,
      text: `${usd(s.amount)} · ${plural(s.deals)}`,
      marker: s.weighted,
      color: s.stage === "closed_won" ? PALETTE[1] : s.stage === "closed_lost" ? PALETTE[5] : PALETTE[0],
    })),
  }),
  html(
    "p",
    "muted",
    `Open ${usd(p.open.amount)} (${plural(p.open.deals)}), weighted ${usd(p.open.weighted)}: the tick on each bar. As of ${p.meta.as_of}.`,
  ),
  ...(p.by_week && p.by_week.week_ending.length > 1
    ? [
        stackedColumns({
          title: `Open pipeline by stage at the end of each week, ${p.quarter}`,
          format: usd,
          columns: p.by_week.week_ending.map((d) => d.slice(5)),
          series: OPEN.map((stage, i) => ({
            label: stage,
            values: p.by_week?.open[stage] ?? [],
            color: PALETTE[i],
          })),
        }),
      ]
    : []),
]);
