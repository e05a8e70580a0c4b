import type { z } from "zod";

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

const appendNew = (list: readonly string[], caveats: readonly string[]): string[] => {
  const out = [...list];
  for (const c of caveats) if (!out.includes(c)) out.push(c);
  return out;
};

/** The schema of a top-level `note` that can hold a sentence (an optional one may be absent from the output). */
const noteSlot = (schema: z.ZodType): z.ZodType | undefined => {
  const note = (schema as { shape?: Fields }).shape?.note as z.ZodType | undefined;
  return note?.safeParse("").success ? note : undefined;
};

/**
 * Adds caveats recorded while a tool ran (a vendor read served from cache or capped) where its output keeps its own:
 * the analytics meta's `caveats`, a top-level `caveats` list, or the `note` sentence; each once, so the output still
 * matches its schema. `placed` is false when the output has no such place.
 */
export function withCaveats(
  schema: z.ZodType,
  output: unknown,
  caveats: readonly string[],
): { output: unknown; placed: boolean } {
  if (!isFields(output)) return { output, placed: false };
  const { meta, note } = output;
  if (isFields(meta) && isTextList(meta.caveats))
    return {
      output: { ...output, meta: { ...meta, caveats: appendNew(meta.caveats, caveats) } },
      placed: true,
    };
  if (isTextList(output.caveats))
    return { output: { ...output, caveats: appendNew(output.caveats, caveats) }, placed: true };
  if (typeof note === "string" || ((note === null || note === undefined) && noteSlot(schema))) {
    const text = note ?? "";
    const added = appendNew([], caveats).filter((c) => !text.includes(c));
    return { output: { ...output, note: [text, ...added].filter(Boolean).join(" ") }, placed: true };
  }
  return { output, placed: false };
}
