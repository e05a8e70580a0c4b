import type { z } from "zod";
import { plannedGuard, type ToolDefinition } from "./define";
import { PlanPreviewSchema } from "./guard-inputs";
import { MoneySchema } from "./presets";
import {
  type JsonObject,
  listedOutputSchema,
  modelInputSchema,
  NextCursorSchema,
  toJsonSchema,
  WrittenSchema,
} from "./schema";

type ObjectSchema = { type: "object" } & Record<string, unknown>;

/** The JSON Schemas a tool is listed with: its input as the model sees it, and (unless raw) its output as listed. */
export function listedSchemas(d: ToolDefinition): { inputSchema: ObjectSchema; outputSchema?: ObjectSchema } {
  // a tool known by its generated index until called lists the schemas the index holds (ADR 0053)
  if (d.lazy) {
    const { inputSchema, outputSchema } = d.lazy;
    return outputSchema ? { inputSchema, outputSchema } : { inputSchema };
  }
  const inputSchema =
    d.listedInputSchema ?? (modelInputSchema(toJsonSchema(d.input, "input")) as ObjectSchema);
  return d.raw ? { inputSchema } : { inputSchema, outputSchema: outputSchemaOf(d) };
}

/** Shared fields whose names say what their descriptions say (`arr`, `next_cursor`, `written`): unlisted in outputs. */
const SAID_BY_NAME = new Set(
  [MoneySchema, NextCursorSchema, WrittenSchema].map((s) => s.description).filter((d) => d !== undefined),
);

/** Listed output schemas by zod schema: built once, as the same definitions are listed on every tools/list. */
const listedOutputs = new WeakMap<z.ZodType, JsonObject>();
const listedOutput = (schema: z.ZodType): JsonObject => {
  let listed = listedOutputs.get(schema);
  if (!listed) {
    listed = listedOutputSchema(toJsonSchema(schema, "output"), SAID_BY_NAME);
    listedOutputs.set(schema, listed);
  }
  return listed;
};

/** The tool's output; a guarded tool answers a dry run with its plan instead, so both shapes are listed. */
function outputSchemaOf(d: ToolDefinition, list = listedOutput): ObjectSchema {
  const executed = list(d.output);
  if (!plannedGuard(d)) return executed as ObjectSchema;
  return { type: "object", anyOf: [executed, list(PlanPreviewSchema)] };
}

/** The output schema the tool reference (docs/tools) shows: as listed, with every nested record and row spelled out. */
export const documentedOutputSchema = (d: ToolDefinition): ObjectSchema =>
  outputSchemaOf(d, (s) =>
    listedOutputSchema(toJsonSchema(s, "output"), SAID_BY_NAME, Number.POSITIVE_INFINITY),
  );
