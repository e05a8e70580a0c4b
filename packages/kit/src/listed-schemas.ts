import { plannedGuard, type ToolDefinition } from "./define";
import { PlanPreviewSchema } from "./guard-inputs";
import { type JsonObject, modelInputSchema, toJsonSchema } from "./schema";

type ObjectSchema = { type: "object" } & Record<string, unknown>;

/** The JSON Schemas a tool is listed with: its input as the model sees it, and (unless raw) its output. */
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

let planPreviewJson: JsonObject | undefined;

/** The tool's output; a guarded tool answers a dry run with its plan instead, so both shapes are listed. */
function outputSchemaOf(d: ToolDefinition): ObjectSchema {
  const executed = toJsonSchema(d.output, "output");
  if (!plannedGuard(d)) return executed as ObjectSchema;
  planPreviewJson ??= toJsonSchema(PlanPreviewSchema, "output");
  return { type: "object", anyOf: [executed, planPreviewJson] };
}
