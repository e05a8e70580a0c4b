import { inputRequired } from "@modelcontextprotocol/server";
import { z } from "zod";
import { InputRequired } from "../errors";
import { asksClient, NoArgs, rawTool, readOnly, sleep, text } from "./shared";

/**
 * The tools the tasks extension scenarios (`tasks-*`, io.modelcontextprotocol/tasks, SEP-2663) call, built on the
 * kit's `task` option: the kit decides when a call becomes a task, these only take their time or ask.
 */

const CONFIRM_SCHEMA = {
  type: "object" as const,
  properties: { confirm: { type: "boolean" as const } },
  required: ["confirm"],
};

/** Whether an elicitation answer accepted (a declined or cancelled one did not). */
const acceptedAnswer = (r: { action: string; content?: Record<string, unknown> }) => r.action === "accept";

export const taskTools = [
  rawTool({
    name: "greet",
    title: "Greet",
    description: "Greets by name at once; never a task (conformance: tasks-*).",
    annotations: readOnly,
    input: z.object({ name: z.string().describe("Who to greet") }),
    handler: ({ input }) => text(`Hello, ${input.name}!`),
  }),
  rawTool({
    name: "slow_compute",
    title: "Slow compute",
    description: "Works for the given seconds, then answers; a task for clients that take one.",
    annotations: readOnly,
    input: z.object({
      seconds: z.number().min(0).max(600).describe("How long to work"),
      label: z.string().max(200).optional().describe("Echoed in the answer"),
    }),
    task: "optional",
    handler: async ({ input, ctx }) => {
      await sleep(input.seconds * 1000, ctx.signal);
      return text(`Computed ${input.label ?? "result"} in ${input.seconds} s.`);
    },
  }),
  rawTool({
    name: "failing_job",
    title: "Failing job",
    description: "Works for a second, then reports a tool error; runs only as a task.",
    annotations: readOnly,
    input: NoArgs,
    task: "required",
    handler: async ({ ctx }) => {
      await sleep(1000, ctx.signal);
      return { isError: true, content: [{ type: "text", text: "The job failed, as it always does." }] };
    },
  }),
  rawTool({
    name: "protocol_error_job",
    title: "Crashing job",
    description: "Works half a second, then crashes (an internal error); runs only as a task.",
    annotations: readOnly,
    input: NoArgs,
    task: "required",
    handler: async ({ ctx }) => {
      await sleep(500, ctx.signal);
      throw new Error("protocol_error_job crashed on purpose");
    },
  }),
  rawTool({
    name: "confirm_delete",
    title: "Confirm delete",
    description: "Asks the user to confirm deleting a file, then answers; runs only as a task.",
    annotations: asksClient,
    input: z.object({ filename: z.string().max(200).describe("The file to (pretend to) delete") }),
    task: "required",
    handler: async ({ input, ctx }) => {
      const r = await ctx.elicit({ message: `Delete ${input.filename}?`, requestedSchema: CONFIRM_SCHEMA });
      const yes = acceptedAnswer(r) && r.content?.confirm === true;
      return text(yes ? `Deleted ${input.filename}.` : `Kept ${input.filename}.`);
    },
  }),
  rawTool({
    name: "multi_input",
    title: "Two questions",
    description: "Asks two questions at once and answers when both came back; runs only as a task.",
    annotations: asksClient,
    input: NoArgs,
    task: "required",
    handler: async ({ ctx }) => {
      const ask = (n: number) =>
        ctx.elicit({
          message: `Question ${n}: your name, and do you confirm?`,
          requestedSchema: {
            type: "object",
            properties: { name: { type: "string" }, confirm: { type: "boolean" } },
            required: ["name"],
          },
        });
      const answers = await Promise.all([ask(1), ask(2)]);
      return text(`Answers: ${answers.map((a) => String(a.content?.name ?? a.action)).join(", ")}.`);
    },
  }),
  rawTool({
    name: "test_tool_with_task",
    title: "Asks, then works as a task",
    description:
      "Asks a name by a retried request, then works as a task (conformance: tasks-mrtr-composition).",
    annotations: asksClient,
    input: NoArgs,
    task: "required",
    handler: async ({ ctx }) => {
      const answer = ctx.inputRound?.responses?.user_name as
        | { action?: string; content?: { name?: unknown } }
        | undefined;
      const name = answer?.action === "accept" ? answer.content?.name : undefined;
      if (typeof name !== "string")
        throw new InputRequired(
          {
            inputRequests: {
              user_name: inputRequired.elicit({
                message: "What is your name?",
                requestedSchema: {
                  type: "object",
                  properties: { name: { type: "string" } },
                  required: ["name"],
                },
              }),
            },
          },
          "Input is required.",
        );
      await sleep(500, ctx.signal);
      return text(`Hello, ${name}! The work is done.`);
    },
  }),
];
