import { annotations, defineTool, type ToolContext, type ToolsetDefinition } from "@revops/kit";
import { z } from "zod";
import { CAP_SCOPES, type CapScope } from "./caps";
import { formatMoney } from "./plan";
import { type GuardState, guardStateOf } from "./state";

/** Add to a module's toolsets when it includes capsUpdateTool. */
export const capsToolset: ToolsetDefinition = {
  name: "spend_caps",
  description: "Change the spending caps that limit paid-ad and other money-moving tools.",
  default: false,
};

const stateOf = (ctx: ToolContext): GuardState => {
  const state = guardStateOf(ctx);
  if (!state) throw new Error("caps_update runs only behind the guards middleware (createGuard).");
  return state;
};

const describeCap = (scope: CapScope, from: number, to: number, currency: string) =>
  `${to > from ? "Raise" : "Set"} the ${scope.replace("_", "-")} spending cap from ${formatMoney(from, currency)} to ${formatMoney(to, currency)}`;

/** Raising a cap is itself guarded (kind spend): a human confirms the new amount. */
export const capsUpdateTool = defineTool({
  name: "caps_update",
  title: "Change a spending cap",
  description:
    "Sets the spending cap per call, per campaign, per UTC day or per UTC month. A human confirms the new amount.",
  toolset: capsToolset.name,
  scopes: ["marketing:spend"],
  // the caps are the suite's own settings, the same on every connection
  ports: [],
  annotations: annotations.setting,
  input: z.object({
    scope: z.enum(CAP_SCOPES),
    amount: z.number().min(0).max(100_000_000).describe("In the configured currency"),
  }),
  output: z.object({
    scope: z.enum(CAP_SCOPES),
    previous: z.number().describe("The cap before the change"),
    amount: z.number().describe("The cap now"),
    currency: z.string(),
  }),
  guard: {
    kind: "spend",
    preview: async (input, ctx) => {
      const state = stateOf(ctx);
      const from = (await state.caps.caps())[input.scope];
      const currency = state.config.SPEND_CURRENCY;
      return {
        summary: describeCap(input.scope, from, input.amount, currency),
        action: "set cap",
        scope: input.scope,
        from,
        to: input.amount,
        amount: input.amount,
        currency,
        campaign_id: `caps:${input.scope}`,
        counts_toward_caps: false,
      };
    },
  },
  handler: async ({ input, ctx }) => {
    const state = stateOf(ctx);
    const previous = (await state.caps.caps())[input.scope];
    await state.caps.setCap(input.scope, input.amount, ctx.principal.id);
    return { scope: input.scope, previous, amount: input.amount, currency: state.config.SPEND_CURRENCY };
  },
  render: (o) =>
    `${o.scope} cap: ${formatMoney(o.previous, o.currency)} → ${formatMoney(o.amount, o.currency)}`,
  example: { scope: "per_day", amount: 2500 },
});
