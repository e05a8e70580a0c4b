import { inputRequired } from "@modelcontextprotocol/server";
import { z } from "zod";
import { InputRequired } from "../errors";
import { asksClient, NoArgs, rawTool, readOnly, text } from "./shared";

/**
 * The diagnostic tools the 2026-07-28 `server-stateless` scenario (SEP-2575) and the custom-header scenario
 * (SEP-2243) call: a tool needing sampling, one that asks through an input-required result, one that logs, and one
 * whose argument is mirrored in an `Mcp-Param-Region` header.
 */
export const statelessTools = [
  rawTool({
    name: "test_missing_capability",
    title: "Needs sampling",
    description: "Needs the client's sampling capability; without it the call is refused with -32021.",
    annotations: asksClient,
    input: NoArgs,
    clientCapabilities: ["sampling"],
    handler: async () => text("The client declared sampling."),
  }),
  rawTool({
    name: "test_streaming_elicitation",
    title: "Asks in the result",
    description: "Asks the client a question through an input-required result, never a request of its own.",
    annotations: asksClient,
    input: NoArgs,
    handler: async ({ ctx }) => {
      const answer = ctx.inputRound?.responses?.color as { content?: { color?: unknown } } | undefined;
      if (typeof answer?.content?.color === "string") return text(`You chose ${answer.content.color}.`);
      throw new InputRequired(
        {
          inputRequests: {
            color: inputRequired.elicit({
              message: "Pick a colour",
              requestedSchema: {
                type: "object",
                properties: { color: { type: "string" } },
                required: ["color"],
              },
            }),
          },
        },
        "Input is required.",
      );
    },
  }),
  rawTool({
    name: "test_logging_tool",
    title: "Logs",
    description: "Logs one info message: sent only when the request asked for a log level.",
    annotations: readOnly,
    input: NoArgs,
    handler: async ({ ctx }) => {
      await ctx.notify("info", "test_logging_tool ran");
      return text("Logged.");
    },
  }),
  rawTool({
    name: "test_header_param",
    title: "Header parameter",
    description: "Echoes its region, which clients also send in the Mcp-Param-Region header.",
    annotations: readOnly,
    input: z.object({ region: z.string().meta({ "x-mcp-header": "Region" }) }),
    handler: async ({ input }) => text(`Region: ${input.region}`),
  }),
];
