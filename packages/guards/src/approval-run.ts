import { createHash } from "node:crypto";
import { type ToolCall, type ToolOutcome, toToolError } from "@revops/kit";
import type { Approval, Claim } from "./approvals";
import { canonicalJson } from "./canonical";
import { execute, type GuardedCall, NOTHING_CHANGED, staleRefusal } from "./confirm";
import { refuse } from "./notices";
import type { GuardState } from "./state";

/**
 * The write's idempotency key for an approval: the same on every attempt and replica, so a retry after a crash
 * finds a write that had landed (sandbox journal, vendor lookup) instead of making it again.
 */
export const approvalWriteKey = (a: Pick<Approval, "id" | "planHash">): string =>
  createHash("sha256").update(`approval:${a.id}:${a.planHash}`).digest("hex").slice(0, 32);

/**
 * Where a failed execution leaves its approval. Uncertain (no answer, a vendor 5xx, our own crash): the write may
 * have landed, so the next retry resumes it and looks first. A rate limit wrote nothing: the decision stands, retry
 * later. A definite refusal (bad input, gone, forbidden) ends it with the reason: the human approved this plan
 * once, not repeated attempts at it.
 */
function afterFailure(kind: string): "uncertain" | "approved" | "failed" {
  if (kind === "retryable" || kind === "upstream" || kind === "internal") return "uncertain";
  return kind === "rate_limited" ? "approved" : "failed";
}

/** "system:id" of the record an executed write names in its output (`written`), or null. */
function writtenId(outcome: ToolOutcome): string | null {
  if (!outcome.ok || !outcome.output || typeof outcome.output !== "object") return null;
  const w = (outcome.output as { written?: { system?: unknown; id?: unknown } }).written;
  return w && w.id !== undefined ? `${String(w.system)}:${String(w.id)}` : null;
}

const alreadyExecuted = (a: Approval, recordId: string | null, how: string): ToolOutcome =>
  refuse(
    `Already executed: approval ${a.id} ran ${how}${recordId ? ` (wrote ${recordId})` : ""}; each approval runs once. Nothing was written again.`,
    "Tell the user it is done; to do it again, call without approval_id to queue a new approval.",
  );

/**
 * Before the plan is recomputed, for the caller's own approval of exactly these arguments: an executed one is
 * refused (its plan may no longer compute once its write landed), and a resumed one whose write had committed (its
 * executor died before marking it executed) is found by its key and marked executed, not written again.
 */
export async function settledBeforePlan(
  state: GuardState,
  call: ToolCall,
  id: string,
): Promise<ToolOutcome | undefined> {
  const a = await state.approvals.get(id);
  if (!a || a.principal !== call.ctx.principal.id || a.tool !== call.entry.name) return undefined;
  if (a.args !== canonicalJson(call.input)) return undefined;
  const audit = (outcome: "confirmed" | "denied", detail: string) =>
    state.record({
      outcome,
      tool: a.tool,
      principal: a.principal,
      planHash: a.planHash,
      approvalId: id,
      detail,
    });
  if (a.status === "executed" || a.status === "used") {
    await audit("denied", `approval ${id} was already executed`);
    return alreadyExecuted(a, a.recordId, `at ${a.usedAt}`);
  }
  const lapsed =
    a.status === "executing" && a.leaseUntil !== null && a.leaseUntil <= state.now().toISOString();
  const found = lapsed && state.deps.landed ? await state.deps.landed(approvalWriteKey(a)) : undefined;
  if (!found) return undefined;
  const owner = `${state.replica}:${call.ctx.requestId}`;
  if ((await state.approvals.claim(id, owner, state.config.GUARD_EXECUTION_LEASE_SECONDS)) !== "resumed")
    return undefined; // someone else resumed it meanwhile: the normal path tells this caller so
  await state.approvals.finish(id, owner, found.recordId, "executed (found after an interrupted run)");
  await audit(
    "confirmed",
    `approval ${id}: its write had committed before the executor stopped${found.recordId ? ` (${found.recordId})` : ""}; marked executed, not written again`,
  );
  return alreadyExecuted(a, found.recordId, "before an interruption");
}

/** The statuses an approval cannot run in, refused with what to do instead; undefined when it may run. */
async function notRunnable(g: GuardedCall, a: Approval, again: string): Promise<ToolOutcome | undefined> {
  const { id } = a;
  if (a.status === "expired") {
    await g.audit("expired", `approval ${id} expired at ${a.expiresAt}`, id);
    return refuse(`Not executed: approval ${id} expired at ${a.expiresAt}. ${NOTHING_CHANGED}`, again);
  }
  if (a.status === "rejected") {
    await g.audit("rejected", `approval ${id} was rejected by ${a.decidedBy}`, id);
    return refuse(
      `Not executed: ${a.decidedBy} rejected approval ${id}${a.decisionNote ? ` ("${a.decisionNote}")` : ""}. ${NOTHING_CHANGED}`,
      "Tell the user it was rejected; do not retry unless they ask.",
    );
  }
  if (a.status === "pending") {
    await g.audit("denied", `approval ${id} is still pending`, id);
    return refuse(
      `Not executed: approval ${id} is still waiting for a human. ${NOTHING_CHANGED}`,
      `Ask the user to have someone run \`revops approvals approve ${id}\`, then call again.`,
    );
  }
  if (a.status === "used" || a.status === "executed") {
    await g.audit("denied", `approval ${id} was already executed`, id);
    return alreadyExecuted(a, a.recordId, `at ${a.usedAt}`);
  }
  if (a.status === "failed") {
    await g.audit("denied", `approval ${id} failed: ${a.outcome}`, id);
    return refuse(`Not executed: approval ${id} can no longer run (${a.outcome}). ${NOTHING_CHANGED}`, again);
  }
  if (a.status === "executing" && a.leaseUntil !== null && a.leaseUntil > g.state.now().toISOString()) {
    await g.audit("denied", `approval ${id} is being executed`, id);
    return beingExecuted(a);
  }
  return undefined;
}

const beingExecuted = (a: Approval): ToolOutcome =>
  refuse(
    `Not executed by this call: approval ${a.id} is being executed by another call right now.`,
    `Wait, then call again with the same approval_id: it answers "already executed" once done, or resumes it if that call stopped (after ${a.leaseUntil ?? "its lease"}).`,
  );

export async function redeemApproval(g: GuardedCall, id: string): Promise<ToolOutcome> {
  const { planned, state } = g;
  const a = await state.approvals.get(id);
  const again = `Call ${planned.tool} without approval_id to queue a new approval for these arguments.`;
  // Someone else's approval looks the same as a missing one: ids are not a way to learn about others' plans.
  if (!a || a.principal !== planned.principal) {
    await g.audit("denied", `unknown approval ${id}`, id);
    return refuse(`Not executed: there is no approval ${id} for you. ${NOTHING_CHANGED}`, again);
  }
  if (a.tool !== planned.tool || a.args !== planned.argsJson) {
    await g.audit("denied", `approval ${id} was for other arguments or another tool`, id);
    return refuse(
      `Not executed: approval ${id} was granted for ${a.tool} with other arguments; an approval covers exactly one call. ${NOTHING_CHANGED}`,
      `Call again with exactly the approved arguments, or: ${again}`,
    );
  }
  const refused = await notRunnable(g, a, again);
  if (refused) return refused;
  const owner = `${state.replica}:${g.call.ctx.requestId}`;
  const claim = await state.approvals.claim(id, owner, state.config.GUARD_EXECUTION_LEASE_SECONDS);
  if (!claim) {
    const now = await state.approvals.get(id);
    await g.audit("denied", `approval ${id} was claimed concurrently`, id);
    return now && (now.status === "executed" || now.status === "used")
      ? alreadyExecuted(now, now.recordId, `at ${now.usedAt}`)
      : beingExecuted(now ?? a);
  }
  if (a.planHash !== planned.hash) {
    // unchanged data would give the same plan: fresh, nothing ran and the decision stays; resumed, it never can
    await state.approvals.release(id, owner, claim === "claimed" ? "approved" : "failed", "the plan changed");
    await g.audit("denied", `approval ${id}: stale plan${claim === "resumed" ? " on resume" : ""}`, id);
    if (claim === "claimed") return staleRefusal(planned.tool);
    // an interrupted earlier attempt may be why the plan changed: do not claim that nothing was
    return refuse(
      `Not executed by this call: the plan of approval ${id} is different now. Either its interrupted earlier attempt was applied, or someone changed the data since.`,
      `Check the record, and call ${planned.tool} with dry_run: true to see what is left to do; that needs a new approval.`,
    );
  }
  await g.audit("confirmed", `approval ${id} approved by ${a.decidedBy}${resumedNote(claim, a)}`, id);
  return runClaimed(g, a, owner, claim);
}

const resumedNote = (claim: Claim, a: Approval) =>
  claim === "resumed" ? `; resuming attempt ${a.attempts + 1} after an interrupted one` : "";

/** Executes under the lease with the approval's own key, then records how it ended in the approval. */
async function runClaimed(g: GuardedCall, a: Approval, owner: string, claim: Claim): Promise<ToolOutcome> {
  const approvals = g.state.approvals;
  let outcome: ToolOutcome;
  try {
    outcome = await execute(g, { idempotencyKey: approvalWriteKey(a), resumed: claim === "resumed" });
  } catch (err) {
    // a handler's error travels as an exception up to the pipeline, which turns it into the same ToolError
    const error = toToolError(err);
    await approvals.release(a.id, owner, afterFailure(error.kind), error.message);
    throw err;
  }
  if (outcome.ok) await approvals.finish(a.id, owner, writtenId(outcome), "executed");
  else await approvals.release(a.id, owner, afterFailure(outcome.error.kind), outcome.error.message);
  return outcome;
}
