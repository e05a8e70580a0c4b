import { AjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/ajv";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ToolDefinition } from "./define";
import { documentedOutputSchema } from "./listed-schemas";
import { MoneySchema } from "./presets";
import {
  IsoDateSchema,
  type JsonObject,
  listedOutputSchema,
  NextCursorSchema,
  toJsonSchema,
  WrittenSchema,
} from "./schema";

const said = new Set([MoneySchema.description as string, WrittenSchema.description as string]);
const Row = z.object({ id: z.string(), amount: MoneySchema, stage: z.enum(["open", "won"]) }).strict();
const Output = z
  .object({
    rows: z.array(Row),
    total: z.number().int().min(0),
    owner: z.object({ id: z.string(), name: z.string() }).nullable(),
    band: z.enum(["high", "low"]).nullable(),
    as_of: IsoDateSchema,
    before: z.union([z.string(), z.array(z.string())]).nullable(),
    by_band: z.record(z.string(), z.number()),
    written: WrittenSchema,
    next_cursor: NextCursorSchema,
    note: z.string().describe("Why rows are missing"),
    kind: z.literal("page"),
  })
  .strict();
const listed = listedOutputSchema(toJsonSchema(Output, "output"), said);

describe("the output schema as listed", () => {
  it("names each result field with its type, and nested records and rows by type alone", () => {
    expect(listed).toEqual({
      type: "object",
      properties: {
        rows: { type: "array" },
        total: { type: "integer" },
        owner: { type: ["object", "null"] },
        band: { enum: ["high", "low", null] },
        as_of: { type: "string", format: "date" },
        before: { type: ["string", "array", "null"] },
        by_band: { type: "object" },
        written: { type: "object" },
        next_cursor: { type: ["string", "null"], description: NextCursorSchema.description },
        note: { type: "string", description: "Why rows are missing" },
        kind: { const: "page" },
      },
    });
  });

  it("accepts every result the full schema accepts, as the SDK clients validate them", () => {
    const validate = new AjvJsonSchemaValidator().getValidator(listed);
    const results = [
      {
        rows: [{ id: "d1", amount: 120, stage: "won" }],
        total: 1,
        owner: { id: "u1", name: "Ada" },
        band: "high",
        as_of: "2026-11-23",
        before: ["a", "b"],
        by_band: { high: 1 },
        written: { system: "sandbox", id: "d1" },
        next_cursor: "c2",
        note: "",
        kind: "page",
      },
      {
        rows: [],
        total: 0,
        owner: null,
        band: null,
        as_of: "2026-02-28",
        before: null,
        by_band: {},
        written: { system: "hubspot", id: "9" },
        next_cursor: null,
        note: "none",
        kind: "page",
      },
    ];
    for (const r of results) expect(validate(Output.parse(r)).valid).toBe(true);
  });

  it("keeps an object-or-null field's own keywords beside a type list that includes null", () => {
    const nullable = z.object({ at: IsoDateSchema.nullable() });
    expect(listedOutputSchema(toJsonSchema(nullable, "output"), said).properties).toEqual({
      at: { type: ["string", "null"], format: "date" },
    });
  });
});

describe("the output schema the tool reference shows", () => {
  it("spells out nested records and rows, and a guarded tool's plan beside its result", () => {
    const def = {
      output: z.object({ rows: z.array(Row) }),
      guard: { kind: "destructive", preview: () => ({}) },
    } as unknown as ToolDefinition;
    const documented = documentedOutputSchema(def);
    expect(documented.anyOf).toHaveLength(2);
    expect((documented.anyOf as JsonObject[])[0]).toEqual({
      type: "object",
      properties: {
        rows: {
          type: "array",
          items: {
            type: "object",
            properties: {
              id: { type: "string" },
              amount: { type: "number" },
              stage: { enum: ["open", "won"] },
            },
          },
        },
      },
    });
  });
});
