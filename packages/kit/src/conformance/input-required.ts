import { type InputRequest, inputRequired } from "@modelcontextprotocol/server";
import { definePrompt, type ToolContext } from "../define";
import { InputRequired } from "../errors";
import { asksClient, NoArgs, rawTool, SCOPES, text } from "./shared";

/**
 * The 2026-07-28 multi-round-trip scenarios (`input-required-result-*`, SEP-2322): each tool asks the client through
 * an input-required result and completes when the retried request brings the answers (and, where it says so, our
 * sealed request state back). Built on the kit's `InputRequired` and `ctx.inputRound`, as the guards are.
 */

const stringField = (name: string) => ({
  type: "object" as const,
  properties: { [name]: { type: "string" as const } },
  required: [name],
});

const NAME: InputRequest = inputRequired.elicit({
  message: "What is your name?",
  requestedSchema: stringField("name"),
});
const CAPITAL: InputRequest = inputRequired.createMessage({
  messages: [{ role: "user", content: { type: "text", text: "What is the capital of France?" } }],
  maxTokens: 100,
});
const GREETING: InputRequest = inputRequired.createMessage({
  messages: [{ role: "user", content: { type: "text", text: "Generate a greeting" } }],
  maxTokens: 50,
});
const ROOTS: InputRequest = inputRequired.listRoots();
const CONFIRM: InputRequest = inputRequired.elicit({
  message: "Please confirm",
  requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
});

/** The round of a 2026-07-28 request; these tools exist for that revision only. */
function roundOf(ctx: ToolContext) {
  if (!ctx.inputRound)
    throw new InputRequired({}, "This tool needs MCP 2026-07-28 (input-required results).");
  return ctx.inputRound;
}

/** An accepted elicitation's content, when the answer under `key` is one. */
function accepted(
  responses: Record<string, unknown> | undefined,
  key: string,
): Record<string, unknown> | undefined {
  const r = responses?.[key] as { action?: unknown; content?: unknown } | undefined;
  return r?.action === "accept" && typeof r.content === "object" && r.content !== null
    ? (r.content as Record<string, unknown>)
    : undefined;
}

/** A sampling answer's text, when the answer under `key` is one. */
function sampled(responses: Record<string, unknown> | undefined, key: string): string | undefined {
  const c = (responses?.[key] as { content?: unknown } | undefined)?.content as {
    type?: unknown;
    text?: unknown;
  };
  return c?.type === "text" && typeof c.text === "string" ? c.text : undefined;
}

/** A roots answer's URIs, when the answer under `key` is one. */
function rootsOf(responses: Record<string, unknown> | undefined, key: string): string[] | undefined {
  const roots = (responses?.[key] as { roots?: unknown } | undefined)?.roots;
  return Array.isArray(roots) ? roots.map((r) => String((r as { uri?: unknown }).uri)) : undefined;
}

const ask = (inputRequests: Record<string, InputRequest>, requestState?: string) =>
  new InputRequired(
    { inputRequests, ...(requestState !== undefined && { requestState }) },
    "Input is required.",
  );

/** The sealed state a tool handed out, when this retry brought it back (verified before the handler ran). */
const stateOf = (ctx: ToolContext) => roundOf(ctx).state as { step?: string; name?: string } | undefined;

export const inputRequiredTools = [
  rawTool({
    name: "test_input_required_result_elicitation",
    title: "Input required: elicitation",
    description: "Asks the user's name through an input-required result (conformance: SEP-2322).",
    annotations: asksClient,
    input: NoArgs,
    handler: ({ ctx }) => {
      const name = accepted(roundOf(ctx).responses, "user_name")?.name;
      // a missing, declined or malformed answer is asked again (the scenario's SHOULD), never an error
      if (typeof name !== "string") throw ask({ user_name: NAME });
      return text(`Hello, ${name}!`);
    },
  }),
  rawTool({
    name: "test_input_required_result_sampling",
    title: "Input required: sampling",
    description: "Asks the client's model a question through an input-required result (SEP-2322).",
    annotations: asksClient,
    input: NoArgs,
    handler: ({ ctx }) => {
      const answer = sampled(roundOf(ctx).responses, "capital_question");
      if (answer === undefined) throw ask({ capital_question: CAPITAL });
      return text(`LLM response: ${answer}`);
    },
  }),
  rawTool({
    name: "test_input_required_result_list_roots",
    title: "Input required: roots",
    description: "Asks the client's roots through an input-required result (SEP-2322).",
    annotations: asksClient,
    input: NoArgs,
    handler: ({ ctx }) => {
      const roots = rootsOf(roundOf(ctx).responses, "client_roots");
      if (!roots) throw ask({ client_roots: ROOTS });
      return text(`Client roots: ${roots.join(", ") || "(none)"}`);
    },
  }),
  rawTool({
    name: "test_input_required_result_request_state",
    title: "Input required: request state",
    description: "Round-trips sealed request state through an input-required result (SEP-2322).",
    annotations: asksClient,
    input: NoArgs,
    handler: async ({ ctx }) => {
      const round = roundOf(ctx);
      const ok = accepted(round.responses, "confirm");
      if (!ok || stateOf(ctx)?.step !== "confirm")
        throw ask({ confirm: CONFIRM }, await round.seal({ step: "confirm" }));
      return text("state-ok: the request state came back sealed and verified");
    },
  }),
  rawTool({
    name: "test_input_required_result_tampered_state",
    title: "Input required: tampered state",
    description: "Hands out sealed request state; an altered one is refused before this runs (SEP-2322).",
    annotations: asksClient,
    input: NoArgs,
    handler: async ({ ctx }) => {
      const round = roundOf(ctx);
      if (!accepted(round.responses, "confirm") || stateOf(ctx)?.step !== "confirm")
        throw ask({ confirm: CONFIRM }, await round.seal({ step: "confirm" }));
      return text("state-ok");
    },
  }),
  rawTool({
    name: "test_input_required_result_multiple_inputs",
    title: "Input required: several inputs",
    description: "Asks for an elicitation, a sampling and the roots in one round (SEP-2322).",
    annotations: asksClient,
    input: NoArgs,
    handler: async ({ ctx }) => {
      const round = roundOf(ctx);
      const r = round.responses;
      const name = accepted(r, "user_name")?.name;
      const greeting = sampled(r, "greeting");
      const roots = rootsOf(r, "client_roots");
      if (typeof name !== "string" || greeting === undefined || !roots || stateOf(ctx)?.step !== "all")
        throw ask(
          { user_name: NAME, greeting: GREETING, client_roots: ROOTS },
          await round.seal({ step: "all" }),
        );
      return text(`${greeting} ${name} (roots: ${roots.join(", ")})`);
    },
  }),
  rawTool({
    name: "test_input_required_result_multi_round",
    title: "Input required: two rounds",
    description: "Asks a name, then a colour, carrying the name in sealed state (SEP-2322).",
    annotations: asksClient,
    input: NoArgs,
    handler: async ({ ctx }) => {
      const round = roundOf(ctx);
      const state = stateOf(ctx);
      const color = accepted(round.responses, "step2")?.color;
      if (state?.step === "color" && typeof color === "string")
        return text(`${state.name}'s favorite color is ${color}.`);
      const name = accepted(round.responses, "step1")?.name;
      if (state?.step === "name" && typeof name === "string")
        throw ask(
          {
            step2: inputRequired.elicit({
              message: "Step 2: What is your favorite color?",
              requestedSchema: stringField("color"),
            }),
          },
          await round.seal({ step: "color", name }),
        );
      throw ask(
        {
          step1: inputRequired.elicit({
            message: "Step 1: What is your name?",
            requestedSchema: stringField("name"),
          }),
        },
        await round.seal({ step: "name" }),
      );
    },
  }),
  rawTool({
    name: "test_input_required_result_capabilities",
    title: "Input required: capabilities",
    description: "Asks only through what the request's client capabilities declare (SEP-2322).",
    annotations: asksClient,
    input: NoArgs,
    handler: ({ ctx }) => {
      const round = roundOf(ctx);
      if (round.responses) return text("Thanks for the input.");
      const caps = round.capabilities;
      const wanted: Record<string, InputRequest> = {
        ...(caps.elicitation && { user_name: NAME }),
        ...(caps.sampling && { capital_question: CAPITAL }),
        ...(caps.roots && { client_roots: ROOTS }),
      };
      if (Object.keys(wanted).length === 0) return text("The client declared nothing it could be asked.");
      throw ask(wanted);
    },
  }),
];

export const inputRequiredPrompts = [
  definePrompt({
    name: "test_input_required_result_prompt",
    title: "Input required: prompt",
    description: "A prompt that asks the user for context first (conformance: SEP-2322).",
    scopes: SCOPES,
    args: {},
    render: (_args, ctx) => {
      const context = accepted(roundOf(ctx).responses, "user_context")?.context;
      if (typeof context !== "string")
        throw ask({
          user_context: inputRequired.elicit({
            message: "What context should the prompt use?",
            requestedSchema: stringField("context"),
          }),
        });
      return [{ role: "user", content: { type: "text", text: `Use this context: ${context}` } }];
    },
  }),
];
