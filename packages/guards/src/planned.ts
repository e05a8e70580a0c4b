import type { PlannedGuard, ToolCall } from "@revops/kit";
import { canonicalJson, planHash, toJsonValue } from "./canonical";
import { type GuardKind, type PlanFacts, planFacts } from "./plan";

/** A plan computed from current state, with the identity it is confirmed under. */
export interface Planned {
  tool: string;
  principal: string;
  kind: GuardKind;
  /** Canonical JSON of the tool's arguments (without the guard's own). */
  argsJson: string;
  plan: unknown;
  facts: PlanFacts;
  hash: string;
}

/** Runs the tool's preview (never the handler) and hashes {tool, principal, args, plan}. */
export async function computePlan(call: ToolCall, spec: PlannedGuard<unknown, unknown>): Promise<Planned> {
  const tool = call.entry.name;
  const principal = call.ctx.principal.id;
  const argsJson = canonicalJson(call.input);
  const plan = toJsonValue(await spec.preview(call.input, call.ctx));
  const hash = planHash({ tool, principal, args: JSON.parse(argsJson), plan });
  const kind = typeof spec.kind === "function" ? spec.kind(call.input) : spec.kind;
  return { tool, principal, kind, argsJson, plan, facts: planFacts(plan), hash };
}
