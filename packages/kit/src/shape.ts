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
  if (v === null || v === undefined) return "-";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
};

const isFlatRow = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((x) => typeof x !== "object" || x === null);

/** Arrays of flat rows become a header and one line per row; other values become `key: value` lines. */
export function renderCompact(value: unknown, indent = ""): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}(none)`;
    if (value.every(isFlatRow)) {
      const cols = [...new Set(value.flatMap((r) => Object.keys(r)))];
      const lines = value.map((r) => indent + cols.map((c) => scalar(r[c])).join(" | "));
      return [indent + cols.join(" | "), ...lines].join("\n");
    }
    return value.map((v) => renderCompact(v, `${indent}  `)).join("\n");
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => {
        if (typeof v === "object" && v !== null) return `${indent}${k}:\n${renderCompact(v, `${indent}  `)}`;
        return `${indent}${k}: ${scalar(v)}`;
      })
      .join("\n");
  }
  return indent + scalar(value);
}
