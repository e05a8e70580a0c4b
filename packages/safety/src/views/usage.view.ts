// @title Vendor API cost
import { barChart, columnChart, html, showView, usd } from "@revops/kit/view";

interface Row {
  day?: string;
  vendor?: string;
  tool?: string;
  operation?: string;
  principal?: string;
  connection?: string;
  calls: number;
  cost_usd: number;
}
interface Usage {
  from: string;
  to: string;
  rows: Row[];
  total_cost_usd: number;
}

/** Sums cost by one key of the rows, in key order. */
function costBy(rows: Row[], key: keyof Row): { label: string; value: number; calls: number }[] {
  const sums = new Map<string, { value: number; calls: number }>();
  for (const r of rows) {
    const k = String(r[key] ?? "other");
    const s = sums.get(k) ?? { value: 0, calls: 0 };
    sums.set(k, { value: s.value + r.cost_usd, calls: s.calls + r.calls });
  }
  return [...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([label, s]) => ({ label, ...s }));
}

const dollars = (n: number) => (n < 100 ? `$${n.toFixed(2)}` : usd(n));
const KEYS = ["vendor", "tool", "operation", "principal", "connection"] as const;

showView<Usage>("api_usage", (u) => {
  const title = `Vendor API cost ${u.from} to ${u.to}: ${dollars(u.total_cost_usd)}`;
  if (u.rows.length === 0)
    return [html("h2", "", title), html("p", "muted", "No vendor calls in this period.")];
  const byDay = u.rows.some((r) => r.day);
  const key = KEYS.find((k) => u.rows.some((r) => r[k])) ?? "vendor";
  const bars = byDay ? costBy(u.rows, "day") : costBy(u.rows, key);
  const chart = byDay
    ? columnChart({ title: "Cost per day", format: dollars, bars })
    : barChart({
        title: `Cost by ${key}`,
        format: dollars,
        bars: bars.map((b) => ({ ...b, text: `${dollars(b.value)} · ${b.calls} calls` })),
      });
  return [html("h2", "", title), chart];
});
