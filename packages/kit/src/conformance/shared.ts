import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import { defineTool, type ToolAnnotations, type ToolDefinition } from "../define";

/** What every conformance fixture tool shares: its scope, toolset, annotations and raw results. */
export const SCOPES = ["conformance:test"] as const;
export const TOOLSET = "conformance";

export const readOnly: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
/** Tools that ask the client (its model or its human) something: not idempotent, and they reach outside. */
export const asksClient: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};

export const NoArgs = z.object({});
export const RawResult = z.custom<CallToolResult>();
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
export const text = (t: string): CallToolResult => ({ content: [{ type: "text", text: t }] });

/** A raw tool: its handler returns a complete CallToolResult. */
export const rawTool = <I>(def: {
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  input: z.ZodType<I>;
  listedInputSchema?: ToolDefinition["listedInputSchema"];
  clientCapabilities?: ToolDefinition["clientCapabilities"];
  task?: ToolDefinition["task"];
  handler: ToolDefinition<I, CallToolResult>["handler"];
}): ToolDefinition<I, CallToolResult> =>
  defineTool<I, CallToolResult>({
    name: def.name,
    title: def.title,
    description: def.description,
    toolset: TOOLSET,
    scopes: SCOPES,
    annotations: def.annotations,
    input: def.input,
    output: RawResult,
    raw: true,
    ...(def.listedInputSchema && { listedInputSchema: def.listedInputSchema }),
    ...(def.clientCapabilities && { clientCapabilities: def.clientCapabilities }),
    ...(def.task && { task: def.task }),
    handler: def.handler,
  });
