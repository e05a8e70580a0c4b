import fc from "fast-check";

/** The part of JSON Schema that tools/list answers use (the kit's zod → JSON Schema output). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  description?: string;
}

/** What a generated case tried, so a failure says which field the checks expect an error to name. */
export type CaseKind =
  | "valid"
  | "wrong_type"
  | "missing_required"
  | "extra_keys"
  | "huge_string"
  | "unicode"
  | "injection"
  | "proto_keys"
  | "deep_nesting"
  | "huge_number"
  | "bogus_cursor"
  | "empty";

export interface FuzzCase {
  kind: CaseKind;
  args: Record<string, unknown>;
  /** The field made invalid by type (wrong_type, missing_required): the error must name it. */
  field?: string;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** A real calendar day between 2000 and 2035. */
const isoDate = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2035-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const isoDateTime = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2035-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

/** Ids like the description's example (`e.g. acc_0042` → `acc_` and four digits), the way an assistant would pass them. */
function exampleLike(description: string | undefined): fc.Arbitrary<string> | undefined {
  const m = /\b([a-z]{2,4})_(\d{2,6})\b/.exec(description ?? "");
  if (!m) return undefined;
  const [, prefix, digits] = m as unknown as [string, string, string];
  return fc
    .integer({ min: 0, max: 10 ** digits.length - 1 })
    .map((n) => `${prefix}_${pad(n, digits.length)}`);
}

/** Quarters (`2026-Q4`) when the description asks for one. */
const quarter = fc
  .tuple(fc.integer({ min: 2019, max: 2030 }), fc.integer({ min: 1, max: 4 }))
  .map(([y, q]) => `${y}-Q${q}`);

function validString(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === "date") return isoDate;
  if (s.format === "date-time") return isoDateTime;
  if (s.format === "email") return fc.emailAddress();
  const options: fc.Arbitrary<string>[] = [fc.string({ minLength: 1, maxLength: 24 })];
  const like = exampleLike(s.description);
  if (like) options.push(like, like);
  if (/quarter/i.test(s.description ?? "")) options.push(quarter, quarter);
  if (/e\.g\.\s*"?([^\s,;"]+)/.test(s.description ?? ""))
    options.push(
      fc.constant((/e\.g\.\s*"?([^\s,;"]+)/.exec(s.description ?? "") as RegExpExecArray)[1] as string),
    );
  return fc.oneof(...options);
}

function validNumber(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo =
    s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-6) : -1e6);
  const hi =
    s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-6) : 1e6);
  if (integer)
    return fc.integer({ min: Math.ceil(lo), max: Math.floor(Math.min(hi, Number.MAX_SAFE_INTEGER)) });
  return fc.oneof(
    fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: Math.ceil(lo), max: Math.floor(Math.min(hi, 2 ** 31)) }),
  );
}

const typesOf = (s: JsonSchema): string[] =>
  Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ["object"] : [];

/** A value the schema accepts (by the listed schema: checks done in code, like maxLength, may still refuse it). */
export function validValue(s: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => validValue(a, depth)));
  const [type] = typesOf(s);
  switch (type) {
    case "string":
      return validString(s);
    case "integer":
      return validNumber(s, true);
    case "number":
      return validNumber(s, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const min = s.minItems ?? 0;
      const max = Math.min(s.maxItems ?? 5, min + 5);
      return fc.array(s.items ? validValue(s.items, depth + 1) : fc.string(), {
        minLength: min,
        maxLength: max,
      });
    }
    case "object":
      return depth > 4 ? fc.constant({}) : validObject(s, depth + 1);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  }
}

/**
 * Field name → the form of ids of records that exist, `#` a digit (`deal_id` → `deal_####`): valid-looking ids
 * get past "not found" to the tools' real work. A form without `#` is a prefix with four digits (`deal`).
 */
export type IdHints = Record<string, string>;

const existingId = (form: string) => {
  const template = form.includes("#") ? form : `${form}_####`;
  const width = (template.match(/#/g) ?? []).length;
  return fc
    .integer({ min: 1, max: Math.min(40, 10 ** width - 1) })
    .map((n) => template.replace(/#+/, pad(n, width)));
};

function hinted(name: string, s: JsonSchema, depth: number, ids: IdHints): fc.Arbitrary<unknown> {
  const prefix = ids[name];
  const plain = validValue(s, depth);
  if (!prefix) return plain;
  if (typesOf(s).includes("string") || s.anyOf)
    return fc.oneof({ weight: 3, arbitrary: existingId(prefix) }, plain);
  if (typesOf(s).includes("array")) {
    const min = s.minItems ?? 0;
    return fc.oneof(
      fc.array(existingId(prefix), { minLength: Math.max(min, 1), maxLength: Math.max(min, 3) }),
      plain,
    );
  }
  return plain;
}

/** Required fields always, optional ones sometimes. */
export function validObject(
  s: JsonSchema,
  depth = 0,
  ids: IdHints = {},
): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const entries = Object.entries(props);
  if (entries.length === 0) return fc.constant({});
  return fc.record(Object.fromEntries(entries.map(([k, v]) => [k, hinted(k, v, depth, ids)])), {
    requiredKeys: entries.map(([k]) => k).filter((k) => required.has(k)),
  }) as fc.Arbitrary<Record<string, unknown>>;
}

// ---------- adversarial values ----------

const NASTY_TEXT = [
  "'; DROP TABLE sb_deals; --",
  '" OR 1=1 --',
  "1' UNION SELECT name, sql FROM sqlite_master --",
  "%' OR '%'='",
  "Robert'); DELETE FROM sb_changes; --",
  "$where: '1 == 1'",
  '{"$gt": ""}',
  "../../../../etc/passwd",
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  "{{7*7}} ${7*7} #{7*7}",
  "\u0000",
  "a\u0000b",
  "\u202Eevil\u202C",
  "مرحبا بالعالم",
  "שלום עולם",
  "🚀💥👩‍👩‍👧‍👦🏳️‍🌈",
  "\uD800",
  "\uDFFF\uD800",
  "Z̸̢̛̖a̷̡̛l̶g̷o̵",
  "ﷺ",
  "\r\n\r\nHTTP/1.1 200 OK",
  " ",
  "",
  "null",
  "undefined",
  "NaN",
  "-Infinity",
  "1e309",
  "0x7fffffff",
  "9".repeat(400),
  "__proto__",
  "constructor",
  "toString",
];

const unicodeText = fc.oneof(
  fc.constantFrom(...NASTY_TEXT),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
);

const injection = fc.constantFrom(...NASTY_TEXT.slice(0, 10));

/** 100 KB – 1 MB, built by repetition (cheap to make, still a full-size argument on the wire). */
const hugeString = fc
  .tuple(
    fc.integer({ min: 100_000, max: 1_000_000 }),
    fc.constantFrom("A", "ab", "é", "🚀", "x'; --", "\u0000z", "acc_0042 "),
  )
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

const hugeNumber = fc.oneof(
  fc.constantFrom(
    Number.MAX_SAFE_INTEGER + 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    1e308,
    -1e308,
    Number.MIN_VALUE,
    -0,
    2 ** 53,
    -(2 ** 63),
    0.1 + 0.2,
  ),
  fc.constantFrom("NaN", "Infinity", "-Infinity", "1e309", "0x10", "12abc", "", " 42 ", "١٢٣"),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const bogusCursor = fc.oneof(
  fc.constantFrom(
    "garbage",
    "bzox",
    Buffer.from("o:-1").toString("base64url"),
    Buffer.from("o:99999999999").toString("base64url"),
    Buffer.from("o:1.5").toString("base64url"),
    Buffer.from('{"offset":"__proto__"}').toString("base64url"),
    Buffer.from("o:NaN").toString("base64url"),
    "====",
    "%00%ff",
    "\u0000",
    "🚀",
  ),
  fc.base64String({ minLength: 4, maxLength: 60 }),
  fc.string({ minLength: 1, maxLength: 80 }),
  fc.integer({ min: 513, max: 4000 }).map((n) => "c".repeat(n)),
  fc.integer({ min: 100_000, max: 900_000 }).map((n) =>
    Buffer.from("o:1")
      .toString("base64url")
      .repeat(n / 4),
  ),
);

/** Any value of another type than the schema allows (never a value the schema accepts). */
function wrongTypeValue(s: JsonSchema): fc.Arbitrary<unknown> {
  const allowed = new Set((s.anyOf ?? s.oneOf ?? [s]).flatMap(typesOf));
  if (allowed.has("integer")) allowed.add("number");
  const candidates: [string, fc.Arbitrary<unknown>][] = [
    ["string", fc.string({ maxLength: 10 })],
    ["number", fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))],
    ["boolean", fc.boolean()],
    ["null", fc.constant(null)],
    ["array", fc.array(fc.integer(), { maxLength: 3 })],
    ["object", fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 })],
  ];
  const options = candidates.filter(([t]) => !allowed.has(t)).map(([, a]) => a);
  return options.length ? fc.oneof(...options) : fc.constant(Symbol.for("skip"));
}

/** A JSON value nested `depth` levels deep (arrays and objects alternating). */
export const nested = (depth: number, leaf: unknown = "x"): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

const deepValue = fc.integer({ min: 50, max: 2_000 }).map((d) => nested(d));

/** Keys that break naive object handling. */
const protoKeys = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
);

/**
 * Every generated argument set of one tool: about a third valid-looking (from the schema), the rest adversarial.
 * Deterministic for a (schema, seed, count).
 */
export function fuzzCases(
  schema: JsonSchema,
  opts: { seed: number; count: number; ids?: IdHints },
): FuzzCase[] {
  const props = Object.entries(schema.properties ?? {});
  const names = props.map(([k]) => k);
  const required = schema.required ?? [];
  const stringFields = props.filter(([, v]) => typesOf(v).includes("string") || v.anyOf).map(([k]) => k);
  const numberFields = props
    .filter(([, v]) => typesOf(v).some((t) => t === "number" || t === "integer"))
    .map(([k]) => k);
  const cursorFields = names.filter((k) => /cursor|token|_id$|^id$/.test(k));
  const base = validObject(schema, 0, opts.ids);
  const field = (list: string[]) => (list.length ? fc.constantFrom(...list) : fc.constant(undefined));

  const withField = (
    kind: CaseKind,
    list: string[],
    value: (name: string) => fc.Arbitrary<unknown>,
    mustName = false,
  ): fc.Arbitrary<FuzzCase> =>
    fc
      .tuple(base, field(list))
      .chain(([args, name]) =>
        name === undefined
          ? fc.constant<FuzzCase>({ kind: "valid", args })
          : value(name).map((v) =>
              typeof v === "symbol"
                ? { kind: "valid" as const, args }
                : { kind, args: { ...args, [name]: v }, ...(mustName && { field: name }) },
            ),
      );

  const requiredOnly = validObject(
    { ...schema, properties: Object.fromEntries(props.filter(([k]) => required.includes(k))) },
    0,
    opts.ids,
  );
  const arbs: { weight: number; arbitrary: fc.Arbitrary<FuzzCase> }[] = [
    { weight: 24, arbitrary: base.map((args) => ({ kind: "valid" as const, args })) },
    { weight: 6, arbitrary: requiredOnly.map((args) => ({ kind: "valid" as const, args })) },
    {
      weight: 12,
      arbitrary: withField("wrong_type", names, (n) => wrongTypeValue(schema.properties?.[n] ?? {}), true),
    },
    {
      weight: required.length ? 6 : 0,
      arbitrary: fc.tuple(base, field(required)).map(([args, name]) => {
        const { [name as string]: _drop, ...rest } = args;
        return { kind: "missing_required" as const, args: rest, field: name as string };
      }),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          base,
          fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), {
            minKeys: 1,
            maxKeys: 4,
          }),
        )
        .map(([args, extra]) => ({ kind: "extra_keys" as const, args: { ...extra, ...args } })),
    },
    { weight: 5, arbitrary: withField("huge_string", stringFields, () => hugeString) },
    { weight: 12, arbitrary: withField("unicode", stringFields, () => unicodeText) },
    { weight: 6, arbitrary: withField("injection", stringFields, () => injection) },
    {
      weight: 5,
      arbitrary: fc.tuple(base, protoKeys, fc.jsonValue({ maxDepth: 2 })).map(([args, key, v]) => {
        // a real own property named __proto__, as JSON.parse makes it
        const withKey = JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(v ?? null)}}`) as Record<
          string,
          unknown
        >;
        return { kind: "proto_keys" as const, args: Object.assign(withKey, args) };
      }),
    },
    {
      weight: 3,
      arbitrary: withField("deep_nesting", names.length ? names : ["deep"], () => deepValue),
    },
    {
      weight: 6,
      arbitrary: withField("huge_number", numberFields.length ? numberFields : names, () => hugeNumber),
    },
    {
      weight: cursorFields.length ? 8 : 0,
      arbitrary: withField("bogus_cursor", cursorFields, () => bogusCursor),
    },
    { weight: 1, arbitrary: fc.constant({ kind: "empty" as const, args: {} }) },
  ];
  return fc.sample(fc.oneof(...arbs.filter((a) => a.weight > 0)), { seed: opts.seed, numRuns: opts.count });
}
