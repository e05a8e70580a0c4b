/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Small SVG charts for MCP Apps views. Every label is set as text (never parsed as markup): names come from outside.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 560;
const ROW = 24;
const LABEL_W = 150;
const VALUE_W = 140;
export const PALETTE = ["#3b6fd4", "#2e9e6a", "#d08a1c", "#b3261e", "#7a5bc4", "#5a7386", "#c2185b"];

type Attrs = Record<string, string | number>;

/** A row label that fits left of the bars (the full one stays in data-label). */
const short = (label: string) => (label.length > 24 ? `${label.slice(0, 23)}…` : label);

/** An SVG element with attributes and children; strings become text nodes. */
export function svg(tag: string, attrs: Attrs = {}, ...children: (Node | string)[]): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(typeof c === "string" ? document.createTextNode(c) : c);
  return node;
}

/** An HTML element with a class and children. */
export function html(tag: string, cls: string, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  node.append(...children);
  return node;
}

/** $1.2M, $45.3K, $980. */
export function usd(n: number): string {
  const abs = Math.abs(n);
  const [div, unit] = abs >= 1e6 ? [1e6, "M"] : abs >= 1e3 ? [1e3, "K"] : [1, ""];
  const digits = div === 1 ? (abs < 10 && abs % 1 !== 0 ? 2 : 0) : 1;
  return `${n < 0 ? "-" : ""}$${(abs / div).toFixed(digits)}${unit}`;
}

export interface Bar {
  label: string;
  value: number;
  /** Shown after the bar; defaults to the formatted value. */
  text?: string;
  color?: string;
  /** A tick on the bar's axis (an earlier value). */
  marker?: number | null;
}

/** A P10–P90 band with its P50 tick, drawn on the same axis as the bars. */
export interface Range {
  label: string;
  low: number;
  mid: number;
  high: number;
}

function chart(title: string, height: number, ...children: Node[]): SVGElement {
  return svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: "img", "aria-label": title },
    svg("title", {}, title),
    ...children,
  );
}

/** Horizontal bars, one row each (long labels such as stages and campaign names fit). */
export function barChart(o: {
  title: string;
  bars: Bar[];
  format: (n: number) => string;
  range?: Range;
  /** The axis' end (a score's 100); defaults to the largest value. */
  max?: number;
}): SVGElement {
  const rows = o.bars.length + (o.range ? 1 : 0);
  const max =
    o.max ?? Math.max(1e-9, ...o.bars.map((b) => Math.max(b.value, b.marker ?? 0)), o.range?.high ?? 0);
  const scale = (v: number) => (Math.max(0, v) / max) * (WIDTH - LABEL_W - VALUE_W);
  const nodes: Node[] = [];
  o.bars.forEach((b, i) => {
    const y = i * ROW;
    const w = scale(b.value);
    nodes.push(
      svg("text", { x: LABEL_W - 6, y: y + 16, "text-anchor": "end", class: "label" }, short(b.label)),
      svg("rect", {
        x: LABEL_W,
        y: y + 4,
        width: Math.max(w, b.value > 0 ? 1 : 0),
        height: ROW - 8,
        fill: b.color ?? PALETTE[0] ?? "#3b6fd4",
        class: "bar",
        "data-label": b.label,
        "data-value": b.value,
      }),
      svg("text", { x: LABEL_W + w + 6, y: y + 16, class: "value" }, b.text ?? o.format(b.value)),
    );
    if (b.marker !== undefined && b.marker !== null) {
      const x = LABEL_W + scale(b.marker);
      nodes.push(
        svg("line", { x1: x, x2: x, y1: y + 2, y2: y + ROW - 2, stroke: "currentColor", class: "marker" }),
      );
    }
  });
  if (o.range) {
    const r = o.range;
    const y = o.bars.length * ROW;
    const [x0, x1, xm] = [LABEL_W + scale(r.low), LABEL_W + scale(r.high), LABEL_W + scale(r.mid)];
    nodes.push(
      svg("text", { x: LABEL_W - 6, y: y + 16, "text-anchor": "end", class: "label" }, r.label),
      svg("rect", {
        x: x0,
        y: y + 6,
        width: Math.max(1, x1 - x0),
        height: ROW - 12,
        fill: PALETTE[4] ?? "#7a5bc4",
        "fill-opacity": 0.35,
        class: "range",
        "data-low": r.low,
        "data-high": r.high,
      }),
      svg("line", {
        x1: xm,
        x2: xm,
        y1: y + 2,
        y2: y + ROW - 2,
        stroke: PALETTE[4] ?? "#7a5bc4",
        "stroke-width": 2,
        class: "mid",
      }),
      svg(
        "text",
        { x: Math.min(x1 + 6, WIDTH - VALUE_W + 6), y: y + 16, class: "value" },
        `${o.format(r.low)} – ${o.format(r.high)} (P50 ${o.format(r.mid)})`,
      ),
    );
  }
  return chart(o.title, rows * ROW + 4, ...nodes);
}

/** A horizontal reference line across columns (a budget), on the columns' scale. */
export interface RefLine {
  label: string;
  value: number;
  color?: string;
}

/** One named series over the columns of a stacked chart or the rows of a dot plot. */
export interface Series {
  label: string;
  values: number[];
  color?: string;
}

interface Column {
  label: string;
  parts: { value: number; color?: string; series?: string; text?: string }[];
}

const COLUMNS_H = 180;
const PLOT_H = COLUMNS_H - 40;
const PLOT_X = 60;

/** A legend row of coloured swatches (drawn in SVG: the page's CSP allows no inline style). */
function legend(series: { label: string; color?: string }[], y: number): Node[] {
  const step = (WIDTH - PLOT_X) / Math.max(1, series.length);
  return series.flatMap((s, i) => [
    svg("rect", {
      x: PLOT_X + i * step,
      y: y - 9,
      width: 10,
      height: 10,
      fill: s.color ?? PALETTE[i] ?? "#888",
    }),
    svg("text", { x: PLOT_X + i * step + 14, y, class: "legend" }, short(s.label)),
  ]);
}

/** Columns of stacked parts over an ordered axis, reference lines on the same scale, labels under the axis. */
function columns(o: {
  title: string;
  columns: Column[];
  format: (n: number) => string;
  lines?: RefLine[];
  legend?: { label: string; color?: string }[];
}): SVGElement {
  const totals = o.columns.map((c) => c.parts.reduce((t, p) => t + Math.max(0, p.value), 0));
  const max = Math.max(1e-9, ...totals, ...(o.lines ?? []).map((l) => l.value));
  const step = (WIDTH - PLOT_X) / Math.max(1, o.columns.length);
  const base = PLOT_H + 16;
  const y = (v: number) => base - (Math.max(0, v) / max) * PLOT_H;
  const nodes: Node[] = [
    svg("text", { x: 0, y: 12, class: "value" }, o.format(max)),
    svg("line", {
      x1: PLOT_X - 4,
      x2: WIDTH,
      y1: base,
      y2: base,
      stroke: "currentColor",
      "stroke-opacity": 0.4,
    }),
  ];
  o.columns.forEach((c, i) => {
    const x = PLOT_X + i * step;
    let below = 0;
    for (const p of c.parts) {
      const h = base - y(p.value);
      const tip = `${p.series ? `${p.series}, ` : ""}${c.label}: ${p.text ?? o.format(p.value)}`;
      nodes.push(
        svg(
          "rect",
          {
            x: x + step * 0.1,
            y: y(p.value) - below,
            width: Math.max(1, step * 0.8),
            height: h,
            fill: p.color ?? PALETTE[0] ?? "#3b6fd4",
            class: "bar",
            "data-label": c.label,
            "data-value": p.value,
            ...(p.series !== undefined && { "data-series": p.series }),
          },
          svg("title", {}, tip),
        ),
      );
      below += h;
    }
    if (o.columns.length <= 12 || i === 0 || i === o.columns.length - 1)
      nodes.push(
        svg("text", { x: x + step / 2, y: PLOT_H + 32, "text-anchor": "middle", class: "label" }, c.label),
      );
  });
  for (const l of o.lines ?? []) {
    const color = l.color ?? PALETTE[3] ?? "#b3261e";
    nodes.push(
      svg("line", {
        x1: PLOT_X - 4,
        x2: WIDTH,
        y1: y(l.value),
        y2: y(l.value),
        stroke: color,
        "stroke-dasharray": "4 3",
        class: "ref",
        "data-label": l.label,
        "data-value": l.value,
      }),
      svg(
        "text",
        { x: WIDTH - 4, y: y(l.value) - 3, "text-anchor": "end", class: "value", fill: color },
        `${l.label} ${o.format(l.value)}`,
      ),
    );
  }
  const keyed = o.legend?.length ? legend(o.legend, COLUMNS_H + 12) : [];
  return chart(o.title, COLUMNS_H + (keyed.length ? 20 : 0), ...nodes, ...keyed);
}

/** Vertical bars over an ordered axis (days, score bands), optional reference lines (budgets) on their scale. */
export function columnChart(o: {
  title: string;
  bars: Bar[];
  format: (n: number) => string;
  lines?: RefLine[];
}): SVGElement {
  return columns({
    ...o,
    columns: o.bars.map((b) => ({
      label: b.label,
      parts: [
        { value: b.value, ...(b.color ? { color: b.color } : {}), ...(b.text ? { text: b.text } : {}) },
      ],
    })),
  });
}

/** Stacked columns (one part per series) over an ordered axis (weeks, months), with a legend. */
export function stackedColumns(o: {
  title: string;
  columns: string[];
  series: Series[];
  format: (n: number) => string;
}): SVGElement {
  const colored = o.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i] ?? "#888" }));
  return columns({
    title: o.title,
    format: o.format,
    legend: colored,
    columns: o.columns.map((label, i) => ({
      label,
      parts: colored.map((s) => ({ value: s.values[i] ?? 0, color: s.color, series: s.label })),
    })),
  });
}

/** A line over an ordered axis (an average per month): one point each, carrying its value. */
export function lineChart(o: {
  title: string;
  points: { label: string; value: number | null }[];
  format: (n: number) => string;
  max?: number;
}): SVGElement {
  const known = o.points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const max = o.max ?? Math.max(1e-9, ...known);
  const step = (WIDTH - PLOT_X) / Math.max(1, o.points.length);
  const base = PLOT_H + 16;
  const at = (i: number, v: number) =>
    [PLOT_X + i * step + step / 2, base - (Math.max(0, v) / max) * PLOT_H] as const;
  const nodes: Node[] = [
    svg("text", { x: 0, y: 12, class: "value" }, o.format(max)),
    svg("line", {
      x1: PLOT_X - 4,
      x2: WIDTH,
      y1: base,
      y2: base,
      stroke: "currentColor",
      "stroke-opacity": 0.4,
    }),
  ];
  const drawn = o.points.flatMap((p, i) => (p.value === null ? [] : [at(i, p.value)]));
  nodes.push(
    svg("polyline", {
      points: drawn.map(([x, y]) => `${x},${y}`).join(" "),
      fill: "none",
      stroke: PALETTE[0] ?? "#3b6fd4",
      "stroke-width": 2,
    }),
  );
  o.points.forEach((p, i) => {
    if (p.value !== null) {
      const [x, y] = at(i, p.value);
      nodes.push(
        svg(
          "circle",
          {
            cx: x,
            cy: y,
            r: 4,
            fill: PALETTE[0] ?? "#3b6fd4",
            class: "point",
            "data-label": p.label,
            "data-value": p.value,
          },
          svg("title", {}, `${p.label}: ${o.format(p.value)}`),
        ),
        svg("text", { x, y: y - 8, "text-anchor": "middle", class: "value" }, o.format(p.value)),
      );
    }
    nodes.push(
      svg(
        "text",
        { x: PLOT_X + i * step + step / 2, y: PLOT_H + 32, "text-anchor": "middle", class: "label" },
        p.label,
      ),
    );
  });
  return chart(o.title, COLUMNS_H, ...nodes);
}

/** One row per item, one dot per series on a shared axis (a campaign's credit under each model), with a legend. */
export function dotPlot(o: {
  title: string;
  rows: string[];
  series: Series[];
  format: (n: number) => string;
}): SVGElement {
  const colored = o.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] ?? "#888" }));
  const max = Math.max(1e-9, ...colored.flatMap((s) => s.values));
  const scale = (v: number) => LABEL_W + (Math.max(0, v) / max) * (WIDTH - LABEL_W - 20);
  const nodes: Node[] = [];
  o.rows.forEach((label, r) => {
    const y = r * ROW + 12;
    const values = colored.map((s) => s.values[r] ?? 0);
    nodes.push(
      svg("text", { x: LABEL_W - 6, y: y + 4, "text-anchor": "end", class: "label" }, short(label)),
      svg("line", {
        x1: scale(Math.min(...values)),
        x2: scale(Math.max(...values)),
        y1: y,
        y2: y,
        stroke: "currentColor",
        "stroke-opacity": 0.3,
      }),
    );
    for (const s of colored) {
      const v = s.values[r] ?? 0;
      nodes.push(
        svg(
          "circle",
          {
            cx: scale(v),
            cy: y,
            r: 4,
            fill: s.color,
            "fill-opacity": 0.85,
            class: "point",
            "data-label": label,
            "data-series": s.label,
            "data-value": v,
          },
          svg("title", {}, `${label}, ${s.label}: ${o.format(v)}`),
        ),
      );
    }
  });
  const height = o.rows.length * ROW + 8;
  nodes.push(
    svg("text", { x: WIDTH - 4, y: height - 2, "text-anchor": "end", class: "value" }, o.format(max)),
    ...legend(colored, height + 14),
  );
  return chart(o.title, height + 20, ...nodes);
}
