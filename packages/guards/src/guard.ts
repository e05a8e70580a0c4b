import {
  type Middleware,
  type Next,
  type PlannedGuard,
  plannedGuard,
  type ToolCall,
  type ToolOutcome,
} from "@revops/kit";
import { redeemApproval, settledBeforePlan } from "./approval-run";
import { canShowCard, offerCard, redeemCard } from "./card";
import { confirmByElicitation, issueToken, queueApproval, redeemToken } from "./confirm";
import { splitControl } from "./inputs";
import { refuse } from "./notices";
import { describePlan } from "./plan";
import { computePlan } from "./planned";
import { askInRound, redeemRound } from "./round";
import { checkRules } from "./rules";
import { attachState, type GuardDeps, GuardState } from "./state";

/**
 * The kit's `guard` hook: previews every guarded call, applies caps and send rules, and executes only a plan a
 * human confirmed: low-risk plans in the client (elicitation or a sealed token, per CONFIRMATION_MODE), high-risk
 * plans only through the approval queue, out of band.
 */
export function createGuard(deps: GuardDeps): Middleware {
  const state = new GuardState(deps);
  if (deps.config.CONFIRMATION_MODE === "token") void state.tokens;
  return async (call, next) => {
    attachState(call.ctx, state);
    const spec = plannedGuard(call.entry.def) as PlannedGuard<unknown, unknown> | undefined;
    if (!spec)
      return call.ctx.confirmation
        ? refuse(`Not executed: ${call.entry.name} is not confirmed by a card.`, "Call it directly.")
        : next();
    return guardCall(state, call, spec, next);
  };
}

async function guardCall(
  state: GuardState,
  call: ToolCall,
  spec: PlannedGuard<unknown, unknown>,
  next: Next,
): Promise<ToolOutcome> {
  const { control, args } = splitControl(call.input);
  // The handler and the preview see the tool's own arguments only.
  call.input = args;
  // a call that only reads (a settings view) changes nothing: no plan to confirm, unless it claims a confirmation
  if (spec.readsOnly?.(args) && !call.ctx.confirmation && !control.approval_id && !control.confirmation_token)
    return next();
  // a card confirms exactly the plan it showed: no other confirmation rides along
  if (call.ctx.confirmation && Object.keys(control).length > 0)
    return refuse(
      `Not executed: a confirmation card's decision cannot carry ${Object.keys(control).join(", ")}.`,
      "Approve the plan in its card as shown.",
    );
  // before the plan: once an approval's write has landed, the plan it was approved for is gone
  if (control.approval_id && !control.dry_run) {
    const settled = await settledBeforePlan(state, call, control.approval_id);
    if (settled) return settled;
  }
  const planned = await computePlan(call, spec);
  const audit = (
    outcome: Parameters<GuardState["record"]>[0]["outcome"],
    detail: string,
    approvalId?: string,
  ) =>
    state.record({
      outcome,
      tool: planned.tool,
      principal: planned.principal,
      planHash: planned.hash,
      detail,
      ...(approvalId && { approvalId }),
    });

  const rules = await checkRules(state, planned.kind, planned.facts, call.ctx, planned.tool);
  if (rules.refusals.length > 0) {
    await audit("denied", rules.refusals.join(" "));
    return refuse(
      `Not executed: ${planned.tool} breaks a safety rule. ${rules.refusals.join(" ")}`,
      "Change the arguments so the plan keeps to the rule, then call again (dry_run: true shows the plan).",
    );
  }
  const card = call.ctx.confirmation;
  if (card) return redeemCard({ state, call, planned, next, audit, rules }, card);
  if (control.dry_run) {
    await audit("previewed", "dry run");
    const needs = rules.approvalReasons.length
      ? ` A human must approve it through the approval queue: ${rules.approvalReasons.join("; ")}.`
      : "";
    return {
      ok: true,
      output: {
        dry_run: true,
        plan_hash: planned.hash,
        plan: planned.plan,
        approval_required: rules.approvalReasons,
      },
      preview: {
        text: `Dry run, nothing was changed. The plan:\n${describePlan(planned.tool, planned.plan)}\nPlan hash: ${planned.hash}.${needs}\nNext: to execute, call ${planned.tool} again with the same arguments and without dry_run; a human will be asked to confirm exactly this plan.`,
      },
    };
  }
  const ctx = { state, call, planned, next, audit, rules };
  if (control.approval_id) return redeemApproval(ctx, control.approval_id);
  if (control.confirmation_token) return redeemToken(ctx, control.confirmation_token);
  const round = call.ctx.inputRound;
  if (round?.state !== undefined) return redeemRound(ctx, round.state);
  const mode = state.config.CONFIRMATION_MODE;
  // approval and deny never fall back to confirmation in the conversation
  const mustQueue = rules.approvalReasons.length > 0 || mode === "approval";
  const inBand = mode === "inband" || mode === "token";
  if (!mustQueue && inBand && call.ctx.clientCapabilities?.elicitation) return confirmByElicitation(ctx);
  // 2026-07-28: no session to ask over; the question travels in the result and the answer in the retry
  if (!mustQueue && inBand && round?.capabilities.elicitation) return askInRound(ctx);
  // hosts that render MCP Apps but cannot elicit (Claude Desktop, claude.ai): the plan on a card
  if (!mustQueue && inBand && canShowCard(ctx)) return offerCard(ctx);
  if (mode === "deny") {
    await audit(
      "denied",
      `mode deny${rules.approvalReasons.length ? ` (${rules.approvalReasons.join("; ")})` : ""}`,
    );
    return refuse(
      `Not executed: ${planned.tool} needs a human's confirmation, and confirmation is turned off here (CONFIRMATION_MODE=deny).`,
      "Tell the user this action must be done in the vendor's own app.",
    );
  }
  if (mode === "token" && !mustQueue) return issueToken(ctx);
  return queueApproval(ctx);
}
