import { createHmac } from "node:crypto";
import { rendersViews, ToolError, type ToolOutcome, type ViewConfirmation } from "@revops/kit";
import { execute, type GuardedCall, NOTHING_CHANGED } from "./confirm";
import { refuse } from "./notices";
import { describePlan, planFacts } from "./plan";
import { requestStateKey } from "./round";
import type { GuardState } from "./state";
import { PlanTokens } from "./tokens";

/**
 * Confirmation card (MCP Apps), for hosts that render views but cannot elicit (Claude Desktop, claude.ai): the
 * low-risk plan comes back with a card showing it, and the card's Approve button calls plan_approve, a tool only
 * views may call. The server cannot tell who calls a tool, so plan_approve needs a single-use secret that travels
 * only in the result's `_meta` (for the host and its view, never the model): a plan token of its own kind, bound
 * to principal, tool, arguments and plan hash, with an expiry.
 */

/** The card's view URI: every guarded tool shows it (see withConfirmationCard). */
export const CARD_URI = "ui://revops/confirm";
/** The app-only tool the card calls. */
export const APPROVE_TOOL = "plan_approve";
/** The result `_meta` key the card reads. */
export const CARD_META = "revops/confirm";

/** What the card receives in `_meta`: the plan to show and the secret to send back with the human's decision. */
export interface CardOffer {
  approve_tool: string;
  tool: string;
  arguments: Record<string, unknown>;
  summary: string;
  plan: unknown;
  plan_hash: string;
  expires_at: string;
  secret: string;
}

const tokensByState = new WeakMap<GuardState, PlanTokens>();

/** The card's secrets: the plan-token machinery under a key of its own, shared by every replica like request state. */
async function cardTokens(state: GuardState): Promise<PlanTokens> {
  const base = await requestStateKey(state.deps)();
  const secret = createHmac("sha256", base).update("revops/confirmation-card").digest("base64url");
  let tokens = tokensByState.get(state);
  if (!tokens || tokens.secret !== secret) {
    tokens = new PlanTokens(
      state.deps.kv,
      secret,
      () => state.config.GUARD_TOKEN_TTL_SECONDS,
      state.now,
      "card",
    );
    tokensByState.set(state, tokens);
  }
  return tokens;
}

/** Whether this call's plan can be shown on a card: the host renders views and the tool shows the card. */
export const canShowCard = (g: Pick<GuardedCall, "call">): boolean =>
  rendersViews(g.call.ctx) && g.call.entry.def.view?.uri === CARD_URI;

const binding = (g: GuardedCall) => ({
  principal: g.planned.principal,
  tool: g.planned.tool,
  args: g.planned.argsJson,
  planHash: g.planned.hash,
});

/** The plan and its card: nothing ran; the secret is in `_meta` only, never in the text the model reads. */
export async function offerCard(g: GuardedCall): Promise<ToolOutcome> {
  const { planned } = g;
  const { token, expiresAt } = await (await cardTokens(g.state)).issue(binding(g));
  const until = expiresAt.toISOString();
  await g.audit("previewed", `confirmation card shown, expires ${until}`);
  const described = describePlan(planned.tool, planned.plan);
  const offer: CardOffer = {
    approve_tool: APPROVE_TOOL,
    tool: planned.tool,
    arguments: JSON.parse(planned.argsJson) as Record<string, unknown>,
    summary: planFacts(planned.plan).summary ?? planned.tool,
    plan: planned.plan,
    plan_hash: planned.hash,
    expires_at: until,
    secret: token,
  };
  return {
    ok: false,
    error: new ToolError(
      "denied",
      `Not executed yet: the user is shown a confirmation card with this plan; it runs once if they click Approve (until ${until}).\n${described}`,
      {
        hint: `Do not call ${planned.tool} again: tell the user to review the card and approve or cancel it there.`,
        meta: { [CARD_META]: offer },
      },
    ),
  };
}

/** plan_approve passed the card's decision: the secret must match this exact plan, once; then it runs. */
export async function redeemCard(g: GuardedCall, c: ViewConfirmation): Promise<ToolOutcome> {
  const { planned, state } = g;
  const again = `Call ${planned.tool} again to get the current plan on a new card.`;
  const mode = state.config.CONFIRMATION_MODE;
  if (mode !== "inband" && mode !== "token") {
    await g.audit("denied", `confirmation card presented in mode ${mode}`);
    return refuse(
      `Not executed: confirmation in the conversation is turned off here (CONFIRMATION_MODE=${mode}). ${NOTHING_CHANGED}`,
      `Call ${planned.tool} again: the plan goes where this mode sends it.`,
    );
  }
  if (g.rules.approvalReasons.length > 0) {
    await g.audit("denied", "confirmation card presented for a plan that needs the approval queue");
    return refuse(
      `Not executed: this plan needs a human's approval out of band: ${g.rules.approvalReasons.join("; ")}. ${NOTHING_CHANGED}`,
      again,
    );
  }
  const r = await (await cardTokens(state)).redeem(c.secret, binding(g));
  if (!r.ok) {
    await g.audit(
      r.reason === "expired" ? "expired" : "denied",
      `confirmation card ${r.reason}: ${r.detail}`,
    );
    return refuse(`Not executed: ${r.detail.replace("token", "card's secret")}. ${NOTHING_CHANGED}`, again);
  }
  if (c.decision === "cancel") {
    await g.audit("rejected", "user cancelled in the confirmation card");
    return refuse(
      `Not executed: the user cancelled the plan in its card. ${NOTHING_CHANGED}`,
      "Do not retry on your own; ask the user what to change.",
    );
  }
  await g.audit("confirmed", "confirmed in the confirmation card");
  return execute(g);
}
