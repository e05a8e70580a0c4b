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

interface Compaction {
  /** Keywords left out (validation-only: the server enforces them either way). */
  drop: ReadonlySet<string>;
  /** Depth (0: the schema itself, 1: its fields) from which a structure is listed by its type alone. */
  depth: number;
  /** Descriptions left out: those of shared kit schemas, which the field's name already says. */
  obvious: ReadonlySet<string>;
}

/**
 * The input schema as the model reads it: validation-only keywords dropped (the server still enforces them and
 * names the field when one fails), and the shortest equivalent spelling.
 */
export function modelInputSchema(schema: JsonObject): JsonObject {
  return compact(schema, 0, { drop: CHECKED_IN_CODE, depth: Number.POSITIVE_INFINITY, obvious: new Set() });
}

/** Also unlisted for outputs: the server checks every result against its full zod schema before it leaves. */
const UNLISTED_IN_OUTPUT = new Set([...CHECKED_IN_CODE, "required", "propertyNames"]);

/**
 * The output schema as listed (ADR 0058): each result field with its type, nullability, values and a description
 * where its name does not say it; a field's own records and rows listed by type alone (to `depth`: the docs list
 * them in full). Every real result still
 * validates, since the listing only ever loosens the schema the server checks each result against.
 */
export function listedOutputSchema(schema: JsonObject, obvious: ReadonlySet<string>, depth = 1): JsonObject {
  return compact(schema, 0, { drop: UNLISTED_IN_OUTPUT, depth, obvious });
}

function compact(node: JsonObject, depth: number, o: Compaction): JsonObject {
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(node)) {
    if (k === "properties" && isObject(x)) {
      // field names are the tool's vocabulary, never keywords to drop
      out[k] = Object.fromEntries(Object.entries(x).map(([name, f]) => [name, sub(f, depth + 1, o)]));
      continue;
    }
    if (o.drop.has(k) || (k === "description" && o.obvious.has(x as string))) continue;
    if (k === "enum" || k === "const") out[k] = x;
    // a union's branches describe the value itself; any other keyword's schema (items, propertyNames) what it holds
    else if (Array.isArray(x)) out[k] = x.map((b) => sub(b, depth, o));
    else out[k] = sub(x, depth + 1, o);
  }
  shortenAnyOf(out);
  // an enum or a constant names its values; the type says nothing more
  if ((Array.isArray(out.enum) || "const" in out) && typeof out.type === "string") delete out.type;
  return depth >= o.depth && isStructure(out) ? byTypeAlone(out) : out;
}

const isObject = (x: unknown): x is JsonObject => !!x && typeof x === "object" && !Array.isArray(x);
const sub = (x: unknown, depth: number, o: Compaction): unknown => (isObject(x) ? compact(x, depth, o) : x);
const STRUCTURE = ["properties", "items", "additionalProperties", "anyOf", "oneOf", "allOf", "$ref"];
const isStructure = (x: JsonObject): boolean => STRUCTURE.some((k) => k in x);

/** Keywords that constrain only values of the schema's own type (or only annotate), so null passes them. */
const ONLY_FOR_ITS_TYPE = new Set([
  ...["type", "enum", "description", "title", "format", "properties", "items", "additionalProperties"],
  ...["required", "propertyNames", "minLength", "maxLength", "pattern", "minimum", "maximum", "minItems"],
  ...["maxItems", "exclusiveMinimum", "exclusiveMaximum", "uniqueItems"],
]);

/** Nested unions flattened, and "x or null" spelled as one schema whose type list includes null. */
function shortenAnyOf(out: JsonObject): void {
  if (!Array.isArray(out.anyOf)) return;
  const branches = (out.anyOf as JsonObject[]).flatMap((b) =>
    Object.keys(b).length === 1 && Array.isArray(b.anyOf) ? (b.anyOf as JsonObject[]) : [b],
  );
  out.anyOf = branches;
  // anyOf of bare types (string or null) reads the same as a list of types
  if (branches.every(isBareType)) {
    out.type = branches.map((t) => t.type);
    delete out.anyOf;
    return;
  }
  const isNull = (b: JsonObject) => isBareType(b) && b.type === "null";
  const other = branches.length === 2 && branches.some(isNull) ? branches.find((b) => !isNull(b)) : undefined;
  if (!other || Object.keys(other).some((k) => !ONLY_FOR_ITS_TYPE.has(k) || k in out)) return;
  // an object or list that may be null: its own keywords apply only to non-null values
  const withNull = (t: unknown) => (typeof t === "string" ? { type: [t, "null"] } : {});
  if (Array.isArray(other.enum))
    Object.assign(out, other, { enum: [...other.enum, null] }, withNull(other.type));
  else if (typeof other.type === "string") Object.assign(out, other, withNull(other.type));
  else return;
  delete out.anyOf;
}

/** A structure below the listed depth: its type(s) and description; anything it cannot name accepts all. */
function byTypeAlone(x: JsonObject): JsonObject {
  const types = typesOf(x);
  const described = typeof x.description === "string" ? { description: x.description } : {};
  if (!types) return described;
  return { type: types.length === 1 ? types[0] : types, ...described };
}

function typesOf(x: JsonObject): string[] | undefined {
  if (typeof x.type === "string") return [x.type];
  if (Array.isArray(x.type)) return x.type as string[];
  if (!Array.isArray(x.anyOf)) return undefined;
  const all = (x.anyOf as JsonObject[]).map(typesOf);
  return all.every((t) => t) ? [...new Set(all.flat() as string[])] : undefined;
}
