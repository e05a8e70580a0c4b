import { createHmac, randomBytes } from "node:crypto";
import { InputRequired, inputRequired, type ToolOutcome } from "@revops/kit";
import { redeemApproval } from "./approval-run";
import { sha256 } from "./canonical";
import {
  confirmationForm,
  execute,
  type GuardedCall,
  NOTHING_CHANGED,
  phraseOf,
  refusedAnswer,
  staleRefusal,
} from "./confirm";
import { refuse } from "./notices";
import { describePlan } from "./plan";
import type { GuardDeps } from "./state";

/**
 * In-band confirmation under MCP 2026-07-28, without sessions: the guard answers with an input-required result
 * (the plan and its phrase as an embedded form) and sealed request state; the client retries the same call with
 * the human's answer and the state, on any replica. The state is signed (the kit's HMAC codec, verified before
 * the guard runs), bound to principal, tool, arguments and plan hash, expires, and is single-use: its id lives in
 * the shared key-value store and the first retry takes it.
 */

/** What the request state of one confirmation binds; readable by the client, but not alterable. */
interface RoundState {
  v: 1;
  kind: "guard-confirm";
  id: string;
  /** principal, tool, SHA-256 of the canonical arguments, plan hash, expiry (ms) */
  p: string;
  t: string;
  a: string;
  h: string;
  exp: number;
}

/** The key of the embedded form in inputRequests and inputResponses. */
const ANSWER = "confirm";
const KEY = (id: string) => `guards:round:${id}`;

/** Request state of a queued plan whose console page was offered by URL elicitation: names the approval only. */
interface ApprovalPageState {
  v: 1;
  kind: "guard-approval";
  id: string;
}
const PAGE = "approval_page";
const isApprovalPageState = (s: unknown): s is ApprovalPageState =>
  typeof s === "object" &&
  s !== null &&
  (s as ApprovalPageState).v === 1 &&
  (s as ApprovalPageState).kind === "guard-approval" &&
  typeof (s as ApprovalPageState).id === "string";

/**
 * 2026-07-28, a queued plan and a client with URL-mode elicitation: its console page as an embedded URL request.
 * The client's retry comes back with the approval's id sealed in the state and runs the queued plan only if a human
 * approved it on the page; the client's own answer (accept or not) is never consent.
 */
export async function offerPageInRound(
  g: GuardedCall,
  id: string,
  page: string,
  message: string,
  hint: string,
): Promise<ToolOutcome> {
  const round = g.call.ctx.inputRound;
  if (!round) throw new Error("offerPageInRound needs a 2026-07-28 request");
  const requestState = await round.seal({ v: 1, kind: "guard-approval", id } satisfies ApprovalPageState);
  const ask = `${g.planned.tool} needs a human's approval. Open the console to read the exact plan and approve or reject it.`;
  return {
    ok: false,
    error: new InputRequired(
      { inputRequests: { [PAGE]: inputRequired.elicitUrl({ url: page, message: ask }) }, requestState },
      message,
      { hint },
    ),
  };
}

const isRoundState = (s: unknown): s is RoundState =>
  typeof s === "object" &&
  s !== null &&
  (s as RoundState).v === 1 &&
  (s as RoundState).kind === "guard-confirm";

/** Asks the human in the client: the plan and its phrase as a form, and sealed state to come back with. */
export async function askInRound(g: GuardedCall): Promise<ToolOutcome> {
  const { planned, state } = g;
  const round = g.call.ctx.inputRound;
  if (!round) throw new Error("askInRound needs a 2026-07-28 request");
  const ttlMs = state.config.GUARD_TOKEN_TTL_SECONDS * 1000;
  const exp = state.now().getTime() + ttlMs;
  const payload: RoundState = {
    v: 1,
    kind: "guard-confirm",
    id: randomBytes(12).toString("base64url"),
    p: planned.principal,
    t: planned.tool,
    a: sha256(planned.argsJson),
    h: planned.hash,
    exp,
  };
  // stored first: whichever replica receives the retry takes it from here, once
  await (await state.deps.kv()).set(KEY(payload.id), planned.hash, { ttlMs: ttlMs + 1000 });
  const requestState = await round.seal(payload);
  const until = new Date(exp).toISOString();
  await g.audit("previewed", `confirmation asked in the client (input required), expires ${until}`);
  const phrase = phraseOf(g);
  return {
    ok: false,
    error: new InputRequired(
      { inputRequests: { [ANSWER]: inputRequired.elicit(confirmationForm(g, phrase)) }, requestState },
      `Not executed yet: the user must confirm this plan by typing "${phrase}" (until ${until}).\n${describePlan(planned.tool, planned.plan)}`,
      {
        hint: `Let the user answer the confirmation form; the client then retries ${planned.tool} by itself.`,
      },
    ),
  };
}

/** A retried call that came back with our request state: checks every binding, takes the state, reads the answer. */
export async function redeemRound(g: GuardedCall, sealed: unknown): Promise<ToolOutcome> {
  const { planned, state } = g;
  const again = `Call ${planned.tool} again without the old request state to be asked afresh.`;
  const denied = async (detail: string, message: string, hint = again) => {
    await g.audit("denied", detail);
    return refuse(`Not executed: ${message} ${NOTHING_CHANGED}`, hint);
  };
  // the console page's round: only the approval decides (bound to principal, tool and arguments there)
  if (isApprovalPageState(sealed)) return redeemApproval(g, sealed.id);
  if (!isRoundState(sealed))
    return denied("foreign request state", "this request state is not a confirmation.");
  const mode = state.config.CONFIRMATION_MODE;
  if (mode !== "inband" && mode !== "token")
    return denied(
      `in-band confirmation presented in mode ${mode}`,
      `confirmation in the conversation is turned off here (CONFIRMATION_MODE=${mode}).`,
      `Call ${planned.tool} again without it: the plan goes where this mode sends it.`,
    );
  if (sealed.exp <= state.now().getTime()) {
    await g.audit("expired", `in-band confirmation expired at ${new Date(sealed.exp).toISOString()}`);
    return refuse(`Not executed: the confirmation expired. ${NOTHING_CHANGED}`, again);
  }
  // each binding named, so the caller learns what to fix; none of these uses the state up
  if (sealed.p !== planned.principal)
    return denied(
      "in-band confirmation of another caller",
      "this confirmation was issued to another caller.",
    );
  if (sealed.t !== planned.tool)
    return denied(`in-band confirmation for ${sealed.t}`, `this confirmation was issued for ${sealed.t}.`);
  if (sealed.a !== sha256(planned.argsJson))
    return denied(
      "in-band confirmation for other arguments",
      "the arguments changed since the user was asked; a confirmation covers exactly one call.",
    );
  if (sealed.h !== planned.hash) {
    await g.audit("denied", "stale plan after in-band confirmation");
    return staleRefusal(planned.tool);
  }
  if (g.rules.approvalReasons.length > 0)
    return denied(
      "in-band confirmation for a plan that needs the approval queue",
      `this plan needs a human's approval out of band: ${g.rules.approvalReasons.join("; ")}.`,
    );
  if ((await (await state.deps.kv()).take(KEY(sealed.id))) !== planned.hash)
    return denied("in-band confirmation replayed", "this confirmation was already used; each runs once.");
  const answer = g.call.ctx.inputRound?.responses?.[ANSWER] as
    | { action?: unknown; content?: Record<string, unknown> }
    | undefined;
  // no answer came back: ask again, with fresh state (the old one is spent)
  if (typeof answer?.action !== "string") return askInRound(g);
  const refused = await refusedAnswer(g, { action: answer.action, content: answer.content }, phraseOf(g));
  if (refused) return refused;
  await g.audit("confirmed", `confirmed in the client with "${phraseOf(g)}" (input required)`);
  return execute(g);
}

const SHARED_KEY = "guards:request-state-key";

/**
 * The key of 2026-07-28 request state for the kit (`requestStateKey` hook): derived from GUARD_TOKEN_SECRET when
 * set; otherwise a random key created once in the shared key-value store, so every replica on the same Redis
 * signs and verifies with the same key and nothing has to be configured.
 */
export function requestStateKey(deps: Pick<GuardDeps, "config" | "kv">): () => Promise<string> {
  return async () => {
    const secret = deps.config.GUARD_TOKEN_SECRET;
    // a key of its own: a plan token's MAC is never a request state's
    if (secret) return createHmac("sha256", secret).update("revops/request-state").digest("base64url");
    // read each time (only rounds that seal or verify state ask): a key recreated after a flush is seen at once
    const kv = await deps.kv();
    const existing = await kv.get(SHARED_KEY);
    if (existing) return existing;
    await kv.setIfAbsent(SHARED_KEY, randomBytes(32).toString("base64url"));
    const key = await kv.get(SHARED_KEY);
    if (!key) throw new Error("the request-state key vanished from the key-value store");
    return key;
  };
}
