import type { CallToolResult } from "@modelcontextprotocol/server";
import { withCaveats } from "./caveats";
import type { ToolDefinition } from "./define";
import { describeError } from "./errors";
import type { ToolOutcome } from "./pipeline";
import { guardOutsideText } from "./untrusted";

const MAX_TEXT = 12_000;

/** structuredContent for machines, a compact text rendering for the model's context. */
export function shapeResult(def: ToolDefinition, outcome: ToolOutcome): CallToolResult {
  if (!outcome.ok)
    return {
      isError: true,
      content: [{ type: "text", text: describeError(outcome.error) }],
      ...(outcome.error.meta && { _meta: outcome.error.meta }),
    };
  if (def.raw) return outcome.output as CallToolResult;
  // a dry run's plan: a normal result, its structured form described by the preview branch of the output schema
  if (outcome.preview)
    return {
      content: [{ type: "text", text: outcome.preview.text }],
      structuredContent: outcome.output as Record<string, unknown>,
    };
  // caveats recorded during the call (stale or capped vendor reads) join the output's own, with no tool code
  const caveats = outcome.caveats ?? [];
  const withNotes = caveats.length ? withCaveats(def.output, outcome.output, caveats) : undefined;
  // text from outside is capped wherever it appears and fenced in the rendering, whatever the tool did
  const { structured, forText } = guardOutsideText(def.output, withNotes?.output ?? outcome.output);
  const output = structured as Record<string, unknown>;
  const rendered = forText as Record<string, unknown>;
  let text = def.render ? def.render(rendered) : renderCompact(rendered);
  if (text.length > MAX_TEXT)
    text = `${text.slice(0, MAX_TEXT)}\n… (truncated; the full result is in structuredContent)`;
  // a caveat a tool's own rendering leaves out (or the cap cut off) still reaches the model, once
  const unseen = withNotes?.placed ? caveats.filter((c) => !text.includes(c)) : [];
  if (unseen.length) text = `${text}\n${unseen.join("\n")}`;
  const warnings = [...(outcome.notes ?? []), ...(withNotes && !withNotes.placed ? caveats : [])];
  if (!warnings.length) return { content: [{ type: "text", text }], structuredContent: output };
  // outside structuredContent so the output schema stays exact; both the model and a client can see them
  const notes = warnings.map((n) => `Warning: ${n}`).join("\n");
  return {
    content: [{ type: "text", text: `${text}\n${notes}` }],
    structuredContent: output,
    _meta: { "revops/warnings": warnings },
  };
}

const scalar = (v: unknown): string => {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "-";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** An object whose own values are all scalars (null included): one line of a table. */
const isFlatRow = (v: unknown): v is Record<string, unknown> =>
  isRecord(v) && Object.values(v).every((x) => typeof x !== "object" || x === null);

const sameKeys = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((k, i) => k === b[i]);

/** Every column of the rows in first-seen order; rows with the first row's keys (the usual page) add none. */
function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const first = Object.keys(rows[0] as Record<string, unknown>);
  for (let i = 1; i < rows.length; i++)
    if (!sameKeys(Object.keys(rows[i] as Record<string, unknown>), first))
      return [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return first;
}

/** Arrays of flat rows become a header and one line per row; other values become `key: value` lines. */
export function renderCompact(value: unknown, indent = ""): string {
  const lines: string[] = [];
  renderLines(lines, value, indent);
  return lines.join("\n");
}

// one list of lines for the whole value, joined once: each level's own join copied the text below it again
function renderLines(lines: string[], value: unknown, indent: string): void {
  if (Array.isArray(value)) {
    if (value.length === 0) lines.push(`${indent}(none)`);
    else if (value.every(isFlatRow)) tableLines(lines, value, indent);
    else for (const v of value) renderLines(lines, v, `${indent}  `);
    return;
  }
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value);
    // an empty object renders as one empty line, as a nested join of nothing did
    if (keys.length === 0) lines.push("");
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (typeof v === "object" && v !== null) {
        lines.push(`${indent}${k}:`);
        renderLines(lines, v, `${indent}  `);
      } else lines.push(`${indent}${k}: ${scalar(v)}`);
    }
    return;
  }
  lines.push(indent + scalar(value));
}

function tableLines(lines: string[], rows: readonly Record<string, unknown>[], indent: string): void {
  const cols = columnsOf(rows);
  lines.push(indent + cols.join(" | "));
  // one array of cells for every row: a line is then one string, not a chain of partial concatenations
  const cells: string[] = [];
  for (const r of rows) {
    cells.length = 0;
    for (const c of cols) cells.push(scalar(r[c]));
    lines.push(indent + cells.join(" | "));
  }
}
