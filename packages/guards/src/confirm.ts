import { createHash } from "node:crypto";
import type { ElicitFormParams, Next, PlannedGuard, ToolCall, ToolOutcome } from "@revops/kit";
import { describeOver } from "./caps";
import { halt, refuse } from "./notices";
import { confirmationPhrase, describePlan, samePhrase } from "./plan";
import { computePlan, type Planned } from "./planned";
import { offerPageInRound } from "./round";
import type { RuleVerdict } from "./rules";
import { recordSends } from "./send-rules";
import type { GuardOutcomeKind, GuardState } from "./state";

/** One guarded call on its way to confirmation. */
export interface GuardedCall {
  state: GuardState;
  call: ToolCall;
  planned: Planned;
  next: Next;
  rules: RuleVerdict;
  audit: (outcome: GuardOutcomeKind, detail: string, approvalId?: string) => Promise<void>;
}

export const NOTHING_CHANGED = "Nothing was changed.";

/** The phrase a human types to confirm this plan, derived from it (`delete Acme renewal`, `$1,500`, `send to 3`). */
export const phraseOf = (g: GuardedCall): string =>
  confirmationPhrase(g.planned.kind, g.planned.facts, g.state.config.SPEND_CURRENCY);

/** The form that shows the plan and asks for its phrase (in a session, or embedded in an input-required result). */
export function confirmationForm(g: GuardedCall, phrase: string): ElicitFormParams {
  return {
    message: `${describePlan(g.planned.tool, g.planned.plan)}\n\nTo run exactly this plan, type: ${phrase}`,
    requestedSchema: {
      type: "object",
      properties: {
        confirmation: {
          type: "string",
          title: "Confirmation",
          description: `Type "${phrase}" to confirm; anything else cancels.`,
        },
      },
      required: ["confirmation"],
    },
  };
}

/** (1) The human confirms in the client by typing a phrase derived from the plan. */
export async function confirmByElicitation(g: GuardedCall): Promise<ToolOutcome> {
  const { planned } = g;
  const phrase = phraseOf(g);
  let answer: Awaited<ReturnType<ToolCall["ctx"]["elicit"]>>;
  try {
    answer = await g.call.ctx.elicit(confirmationForm(g, phrase));
  } catch (err) {
    await g.audit("rejected", `elicitation failed: ${err instanceof Error ? err.message : String(err)}`);
    return refuse(`Not executed: asking the user to confirm failed. ${NOTHING_CHANGED}`, "Try again later.");
  }
  const refused = await refusedAnswer(g, answer, phrase);
  if (refused) return refused;
  // The human took time: the plan they confirmed must still be the plan that runs.
  const now = await computePlan(g.call, g.call.entry.def.guard as PlannedGuard<unknown, unknown>);
  if (now.hash !== planned.hash) {
    await g.audit("denied", "stale plan after confirmation");
    return staleRefusal(planned.tool);
  }
  await g.audit("confirmed", `confirmed in the client with "${phrase}"`);
  return execute(g);
}

/** A declined, cancelled or mistyped confirmation, audited and refused; undefined when the phrase is right. */
export async function refusedAnswer(
  g: GuardedCall,
  answer: { action: string; content?: Record<string, unknown> | undefined },
  phrase: string,
): Promise<ToolOutcome | undefined> {
  if (answer.action !== "accept") {
    await g.audit("rejected", `user chose ${answer.action}`);
    return refuse(
      `Not executed: the user ${answer.action === "decline" ? "declined" : "cancelled"} the plan. ${NOTHING_CHANGED}`,
      "Do not retry on your own; ask the user what to change.",
    );
  }
  const typed = answer.content?.confirmation;
  if (!samePhrase(typed, phrase)) {
    await g.audit("rejected", `wrong confirmation phrase: ${JSON.stringify(typed)}`);
    return refuse(
      `Not executed: the confirmation typed did not match "${phrase}". ${NOTHING_CHANGED}`,
      "Ask the user whether they want this plan; if so, call again and have them type the phrase exactly.",
    );
  }
  return undefined;
}

/** (2a) The plan waits in SQL for a named human: the console's confirmation page or `revops approvals approve <id>`. */
export async function queueApproval(g: GuardedCall): Promise<ToolOutcome> {
  const { planned } = g;
  const a = await g.state.approvals.create({
    principal: planned.principal,
    tool: planned.tool,
    kind: planned.kind,
    args: planned.argsJson,
    plan: planned.plan,
    planHash: planned.hash,
    reasons: g.rules.approvalReasons,
  });
  await g.audit("previewed", `approval ${a.id} queued`, a.id);
  const why = g.rules.approvalReasons.length ? ` Why: ${g.rules.approvalReasons.join("; ")}.` : "";
  const page = confirmationPage(g, a.id);
  const message = `Not executed yet: ${planned.tool} needs a human's approval. Approval ${a.id} is pending until ${a.expiresAt}.${why}\nThe plan:\n${describePlan(planned.tool, planned.plan)}`;
  const next = `Once approved, call ${planned.tool} again with exactly the same arguments plus approval_id: "${a.id}".`;
  // 2026-07-28: no request to push; the page travels in an input-required result
  if (page && g.call.ctx.inputRound?.capabilities.elicitation?.url)
    return offerPageInRound(
      g,
      a.id,
      page,
      `${message}\nA human signed in to the console approves or rejects it at ${page}.`,
      `The client shows the user that page, then retries by itself. ${next}`,
    );
  const opened = page ? await offerPage(g, page, a.id) : false;
  const where = page
    ? `a human signed in to the console approves or rejects it at ${page}${opened ? " (the client offered to open it)" : ""}, or runs \`revops approvals approve ${a.id}\``
    : `ask a human to run \`revops approvals approve ${a.id}\``;
  return halt("denied", message, `Tell the user: "${where}". ${next}`);
}

/** The plan's page in the admin console, when the deployment says where the console is. */
function confirmationPage(g: GuardedCall, id: string): string | undefined {
  const base = g.state.config.CONSOLE_URL?.replace(/\/+$/, "");
  return base ? `${base}/approvals/${encodeURIComponent(id)}` : undefined;
}

/**
 * URL-mode elicitation: the client shows the human our page, where they sign in with a credential the assistant
 * never holds. The client's answer only says whether the page was opened; consent is the decision on the page.
 */
async function offerPage(g: GuardedCall, url: string, id: string): Promise<boolean> {
  if (!g.call.ctx.clientCapabilities?.elicitation?.url) return false;
  try {
    const answer = await g.call.ctx.elicit({
      mode: "url",
      elicitationId: id,
      url,
      message: `${g.planned.tool} needs a human's approval. Open the console to read the exact plan and approve or reject it.`,
    });
    return answer.action === "accept";
  } catch {
    return false; // the link is in the result anyway
  }
}

/** (2b) A sealed, single-use token for exactly this plan; the model shows the plan and returns the token. */
export async function issueToken(g: GuardedCall): Promise<ToolOutcome> {
  const { planned, state } = g;
  const { token, expiresAt } = await state.tokens.issue({
    principal: planned.principal,
    tool: planned.tool,
    args: planned.argsJson,
    planHash: planned.hash,
  });
  await g.audit("previewed", `plan token issued, expires ${expiresAt.toISOString()}`);
  return halt(
    "denied",
    `Not executed yet. Show the user this plan and ask them to confirm it:\n${describePlan(planned.tool, planned.plan)}`,
    `Only after the user confirms, call ${planned.tool} again with exactly the same arguments plus confirmation_token: "${token}" (valid until ${expiresAt.toISOString()}, once).`,
  );
}

export async function redeemToken(g: GuardedCall, token: string): Promise<ToolOutcome> {
  const { planned, state } = g;
  const preview = `Call ${planned.tool} without confirmation_token to get the current plan and a new token.`;
  if (state.config.CONFIRMATION_MODE !== "token") {
    await g.audit("denied", "token presented while tokens are off");
    return refuse(`Not executed: confirmation tokens are not accepted here. ${NOTHING_CHANGED}`, preview);
  }
  if (g.rules.approvalReasons.length > 0) {
    await g.audit("denied", "token presented for a plan that needs the approval queue");
    return refuse(
      `Not executed: this plan needs a human's approval, not a token. ${NOTHING_CHANGED}`,
      preview,
    );
  }
  const r = await state.tokens.redeem(token, {
    principal: planned.principal,
    tool: planned.tool,
    args: planned.argsJson,
    planHash: planned.hash,
  });
  if (!r.ok) {
    await g.audit(r.reason === "expired" ? "expired" : "denied", `token ${r.reason}: ${r.detail}`);
    return refuse(`Not executed: ${r.detail}. ${NOTHING_CHANGED}`, preview);
  }
  await g.audit("confirmed", "plan token redeemed");
  return execute(g);
}

export function staleRefusal(tool: string): ToolOutcome {
  return refuse(
    `Not executed: the data changed since the plan was confirmed, so the plan is different now. ${NOTHING_CHANGED}`,
    `Call ${tool} with dry_run: true to see the current plan, then get it confirmed again.`,
  );
}

/**
 * Runs the confirmed plan: money is held under the caps first and counted only if the tool succeeds. An approval
 * passes its own key (the same on every attempt) and whether an earlier attempt may have landed.
 */
export async function execute(
  g: GuardedCall,
  key?: { idempotencyKey: string; resumed: boolean },
): Promise<ToolOutcome> {
  const { planned, state } = g;
  const facts = planned.facts;
  let hold: string | undefined;
  if (planned.kind === "spend" && facts.counts_toward_caps !== false && facts.amount !== undefined) {
    const r = await state.caps.reserve({
      amount: facts.amount,
      campaignId: facts.campaign_id ?? "",
      tool: planned.tool,
      principal: planned.principal,
      planHash: planned.hash,
    });
    if ("over" in r) {
      const currency = facts.currency ?? state.config.SPEND_CURRENCY;
      await g.audit("denied", "over a cap at execution");
      return refuse(
        `Not executed: ${describeOver(r.over, facts.amount, currency)}`,
        "Lower the amount and call again.",
      );
    }
    hold = r.id;
  }
  let outcome: ToolOutcome | undefined;
  // one key per confirmed execution: a vendor write retried inside it is looked up, never made twice
  const idempotencyKey =
    key?.idempotencyKey ??
    createHash("sha256").update(`${planned.hash}:${g.call.ctx.requestId}`).digest("hex").slice(0, 32);
  g.call.ctx.write = { planHash: planned.hash, idempotencyKey, ...(key?.resumed && { resumed: true }) };
  try {
    outcome = await g.next();
    return outcome;
  } finally {
    if (hold) await state.caps.settle(hold, outcome?.ok === true);
    if (outcome?.ok && planned.kind === "outbound" && facts.recipients)
      await recordSends(await state.deps.kv(), state.now(), facts.recipients);
  }
}
