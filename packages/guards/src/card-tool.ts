import {
  defineServer,
  defineTool,
  defineView,
  denied,
  plannedGuard,
  type ServerModule,
  type ToolDefinition,
} from "@revops/kit";
import { z } from "zod";
import { APPROVE_TOOL, CARD_URI } from "./card";

/** The confirmation card: the page MCP Apps hosts show beside every guarded tool's result. */
export const cardView = defineView({
  uri: CARD_URI,
  title: "Confirm a plan",
  description: "The exact plan of a guarded call, with Approve and Cancel for low-risk plans.",
  html: async () => (await import("./views/card.view.ts?view")).default,
});

/**
 * Only the card calls it (visibility ["app"]: hosts keep it from the model). It adds no power of its own: it runs
 * the guarded tool for the same caller through the whole pipeline, and that tool's guard accepts the decision only
 * with the card's single-use secret for exactly this plan.
 */
export const planApproveTool = defineTool({
  name: APPROVE_TOOL,
  title: "Approve or cancel a plan on its card",
  description: "Runs or cancels the plan shown on a confirmation card; only the card calls it.",
  toolset: "confirmation_card",
  scopes: [],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  visibility: ["app"],
  view: cardView,
  raw: true,
  input: z.object({
    tool: z.string().min(1).max(128),
    arguments: z.record(z.string(), z.unknown()),
    secret: z.string().min(1).max(2048),
    decision: z.enum(["approve", "cancel"]),
  }),
  output: z.unknown(),
  guard: {
    none: "It only calls a guarded tool, whose guard requires the card's single-use secret for that plan.",
  },
  handler: async ({ input, ctx }) => {
    if (!ctx.callTool || input.tool === ctx.toolName)
      throw denied(`Not executed: ${input.tool} cannot be confirmed from a card here.`);
    const confirmation = { kind: "card" as const, secret: input.secret, decision: input.decision };
    try {
      return await ctx.callTool(input.tool, input.arguments, confirmation);
    } catch {
      // an unknown tool or one this caller may not see: nothing ran
      throw denied(`Not executed: there is no tool ${input.tool} you can call here. Nothing was changed.`);
    }
  },
});

/** Served with every server whose modules have guarded tools; selected only when a served tool shows the card. */
export const cardModule = defineServer({
  name: "confirmation_card",
  shared: true,
  title: "Confirmation card",
  version: "1.0.0",
  instructions: "",
  toolsets: [{ name: "confirmation_card", description: "The confirmation card's own tool", default: false }],
  tools: [planApproveTool],
  resources: [],
  prompts: [],
  ports: async () => ({}),
});

const withCard = (def: ToolDefinition): ToolDefinition =>
  plannedGuard(def) && !def.view ? { ...def, view: cardView } : def;

/** Every guarded tool shows the confirmation card in MCP Apps hosts; plan_approve comes along. */
export function withConfirmationCard(modules: readonly ServerModule[]): ServerModule[] {
  if (!modules.some((m) => m.tools.some((t) => plannedGuard(t)))) return [...modules];
  return [...modules.map((m) => ({ ...m, tools: m.tools.map(withCard) })), cardModule];
}
