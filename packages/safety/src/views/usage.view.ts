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
interface Budget {
  label: string;
  period: "day" | "month";
  soft_usd?: number;
  hard_usd?: number;
}
interface Usage {
  from: string;
  to: string;
  rows: Row[];
  total_cost_usd: number;
  budgets?: Budget[];
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

/** Every day of [from, to] (a time series has its quiet days too), at most a year. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); out.length < 366; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > to) break;
    out.push(day);
  }
  return out;
}

/** Soft and hard limits of the daily budgets, as lines across the days. */
const dayLines = (budgets: Budget[]) =>
  budgets
    .filter((b) => b.period === "day")
    .flatMap((b) => [
      ...(b.soft_usd !== undefined
        ? [{ label: `${b.label} soft`, value: b.soft_usd, color: "#d08a1c" }]
        : []),
      ...(b.hard_usd !== undefined
        ? [{ label: `${b.label} hard`, value: b.hard_usd, color: "#b3261e" }]
        : []),
    ]);

const dollars = (n: number) => (n < 100 ? `$${n.toFixed(2)}` : usd(n));
const KEYS = ["vendor", "tool", "operation", "principal", "connection"] as const;

showView<Usage>("api_usage", (u) => {
  const title = `Vendor API cost ${u.from} to ${u.to}: ${dollars(u.total_cost_usd)}`;
  if (u.rows.length === 0)
    return [html("h2", "", title), html("p", "muted", "No vendor calls in this period.")];
  const byDay = u.rows.some((r) => r.day);
  const key = KEYS.find((k) => u.rows.some((r) => r[k])) ?? "vendor";
  const bars = byDay ? costBy(u.rows, "day") : costBy(u.rows, key);
  const perDay = new Map(bars.map((b) => [b.label, b.value]));
  const chart = byDay
    ? columnChart({
        title: "Cost per day",
        format: dollars,
        bars: days(u.from, u.to).map((d) => ({ label: d, value: perDay.get(d) ?? 0 })),
        lines: dayLines(u.budgets ?? []),
      })
    : barChart({
        title: `Cost by ${key}`,
        format: dollars,
        bars: bars.map((b) => ({ ...b, text: `${dollars(b.value)} · ${b.calls} calls` })),
      });
  const monthly = (u.budgets ?? []).filter((b) => b.period === "month");
  return [
    html("h2", "", title),
    chart,
    ...monthly.map((b) =>
      html(
        "p",
        "muted budget",
        `Monthly budget ${b.label}: ${[b.soft_usd !== undefined ? `soft ${dollars(b.soft_usd)}` : "", b.hard_usd !== undefined ? `hard ${dollars(b.hard_usd)}` : ""].filter(Boolean).join(", ")}.`,
      ),
    ),
  ];
});
