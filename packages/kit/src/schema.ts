import { z } from "zod";

export type JsonObject = Record<string, unknown>;

/** JSON Schema (2020-12) of a tool's input or output, as sent in tools/list. */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonObject {
  const json = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonObject;
  delete json.$schema;
  if (json.type !== "object") throw new Error("Tool input and output schemas must be objects");
  return json;
}

/** Shared field schemas so every list tool paginates the same way. */
/** The `next_cursor` of the last page (the name says so; no description, it would cost every list tool tokens). */
export const CursorSchema = z.string().min(1).max(512);
export const LimitSchema = z.number().int().min(1).max(100).default(15);
export const NextCursorSchema = z
  .string()
  .nullable()
  .describe("Pass as cursor to get the next page; null on the last page");
/** A real calendar day; checked in code so the schema says `format: date` without a 250-token pattern. */
const isCalendarDay = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
export const IsoDateSchema = z
  .string()
  .refine((s) => {
    try {
      return isCalendarDay(s);
    } catch {
      return false; // Invalid Date
    }
  }, "use a date as YYYY-MM-DD, e.g. 2026-11-23")
  .meta({ format: "date" });

/** What every write tool returns about where its change landed, so the audit record names the vendor's record. */
export const WrittenSchema = z
  .object({ system: z.string(), id: z.string() })
  .describe("Where the change was written: the system and its record id");

/** A moment with its offset (2026-11-23T09:00:00Z); `format: date-time`, checked in code, no pattern. */
export const IsoDateTimeSchema = z
  .string()
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
      !Number.isNaN(Date.parse(s)),
    "use an ISO 8601 time with its offset, e.g. 2026-11-23T09:00:00Z",
  )
  .meta({ format: "date-time" });

/** Keywords the server checks in code and the model does not need to read: every tool pays for them each turn. */
const CHECKED_IN_CODE = new Set([
  "minLength",
  "maxLength",
  "pattern",
  "additionalProperties",
  "$schema",
  "maxItems",
  "minItems",
  "uniqueItems",
  // bounds too: a value outside them gets an error naming the field and the range
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  // the server fills defaults in; a model that omits the field gets them, so it need not read them every turn
  "default",
]);

const isBareType = (x: unknown): x is { type: string } =>
  !!x && typeof x === "object" && Object.keys(x).length === 1 && typeof (x as JsonObject).type === "string";

/**
 * The input schema as the model reads it: validation-only keywords dropped (the server still enforces them and
 * names the field when one fails), and the shortest equivalent spelling.
 */
export function modelInputSchema(schema: JsonObject): JsonObject {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!v || typeof v !== "object") return v;
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "properties" && x && typeof x === "object") {
        // field names are the tool's vocabulary, never keywords to drop
        out[k] = Object.fromEntries(Object.entries(x).map(([name, field]) => [name, strip(field)]));
        continue;
      }
      if (CHECKED_IN_CODE.has(k)) continue;
      out[k] = strip(x);
    }
    // an enum names its values; the type says nothing more
    if (Array.isArray(out.enum) && typeof out.type === "string") delete out.type;
    // anyOf of bare types (string or null) reads the same as a list of types
    if (Array.isArray(out.anyOf) && out.anyOf.every(isBareType)) {
      out.type = out.anyOf.map((t) => t.type);
      delete out.anyOf;
    }
    return out;
  };
  return strip(schema) as JsonObject;
}
