/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Small SVG charts for MCP Apps views. Every label is set as text (never parsed as markup): names come from outside.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 560;
const ROW = 24;
const LABEL_W = 150;
const VALUE_W = 140;
export const PALETTE = ["#3b6fd4", "#2e9e6a", "#d08a1c", "#b3261e", "#7a5bc4", "#5a7386"];

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

/** Vertical bars over an ordered axis (days, score bands), with the first and last labels under the axis. */
export function columnChart(o: { title: string; bars: Bar[]; format: (n: number) => string }): SVGElement {
  const height = 180;
  const plot = height - 40;
  const max = Math.max(1e-9, ...o.bars.map((b) => b.value));
  const step = (WIDTH - 60) / Math.max(1, o.bars.length);
  const nodes: Node[] = [
    svg("text", { x: 0, y: 12, class: "value" }, o.format(max)),
    svg("line", {
      x1: 56,
      x2: WIDTH,
      y1: plot + 16,
      y2: plot + 16,
      stroke: "currentColor",
      "stroke-opacity": 0.4,
    }),
  ];
  o.bars.forEach((b, i) => {
    const h = (Math.max(0, b.value) / max) * plot;
    const x = 60 + i * step;
    nodes.push(
      svg(
        "rect",
        {
          x: x + step * 0.1,
          y: plot + 16 - h,
          width: Math.max(1, step * 0.8),
          height: h,
          fill: b.color ?? PALETTE[0] ?? "#3b6fd4",
          class: "bar",
          "data-label": b.label,
          "data-value": b.value,
        },
        svg("title", {}, `${b.label}: ${b.text ?? o.format(b.value)}`),
      ),
    );
    const labelled = o.bars.length <= 12 || i === 0 || i === o.bars.length - 1;
    if (labelled)
      nodes.push(
        svg("text", { x: x + step / 2, y: plot + 32, "text-anchor": "middle", class: "label" }, b.label),
      );
  });
  return chart(o.title, height, ...nodes);
}
