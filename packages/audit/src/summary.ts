import { createHash } from "node:crypto";
import { redactValue, SECRET_KEY_PATTERN } from "./redact";

export const SUMMARY_MAX = 200;

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max = SUMMARY_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * "12 rows, sha256:…" for arrays (or objects holding one): enough to match a result to an export, and no
 * customer text in the chain, which cannot be erased from (names, emails and notes stay in the vendor's system).
 */
export function summarizeOutput(output: unknown): string {
  const count = rowCount(output);
  const hash = createHash("sha256")
    .update(JSON.stringify(output) ?? "null")
    .digest("hex")
    .slice(0, 16);
  return count === undefined ? `sha256:${hash}` : `${count} rows, sha256:${hash}`;
}

function rowCount(output: unknown): number | undefined {
  if (Array.isArray(output)) return output.length;
  if (output && typeof output === "object") {
    const arrays = Object.values(output).filter(Array.isArray);
    if (arrays.length === 1) return arrays[0]?.length;
  }
  return undefined;
}

/**
 * JSON text of `value` without secret keys, stopping once `max` characters are produced: big outputs
 * stay cheap, and cycles end at the budget.
 */
export function boundedJson(value: unknown, max: number): string {
  const parts: string[] = [];
  let length = 0;
  const emit = (s: string): boolean => {
    parts.push(s);
    length += s.length;
    return length < max;
  };
  const walk = (v: unknown): boolean => {
    if (v === null || typeof v !== "object" || v instanceof Date || ArrayBuffer.isView(v)) {
      return emit(JSON.stringify(redactValue(v)) ?? "null");
    }
    if (Array.isArray(v)) {
      if (!emit("[")) return false;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !emit(",")) return false;
        if (!walk(v[i])) return false;
      }
      return emit("]");
    }
    if (!emit("{")) return false;
    let first = true;
    for (const [k, item] of Object.entries(v)) {
      if (SECRET_KEY_PATTERN.test(k) || item === undefined || typeof item === "function") continue;
      if (!first && !emit(",")) return false;
      first = false;
      if (!emit(`${JSON.stringify(k)}:`) || !walk(item)) return false;
    }
    return emit("}");
  };
  walk(value);
  return parts.join("");
}
