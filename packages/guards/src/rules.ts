import type { ToolContext } from "@revops/kit";
import { describeOver } from "./caps";
import type { GuardKind, PlanFacts } from "./plan";
import { highRiskReasons } from "./risk";
import { SendRules } from "./send-rules";
import type { GuardState } from "./state";

export interface RuleVerdict {
  /** The plan may not run at all; the model has to change it. */
  refusals: string[];
  /** Only a human through the approval queue may let it run (never chat confirmation alone). */
  approvalReasons: string[];
}

const bulkCount = (facts: PlanFacts) => facts.count ?? facts.records?.length ?? 0;

/** Caps, send rules and bulk limits for one plan, before anyone is asked to confirm it. */
export async function checkRules(
  state: GuardState,
  kind: GuardKind,
  facts: PlanFacts,
  ctx: ToolContext,
  tool: string,
): Promise<RuleVerdict> {
  const cfg = state.config;
  const verdict: RuleVerdict = { refusals: [], approvalReasons: [] };
  const n = bulkCount(facts);
  if (n > cfg.GUARD_BULK_APPROVAL_OVER)
    verdict.approvalReasons.push(
      `${n} records is over the ${cfg.GUARD_BULK_APPROVAL_OVER} that may be confirmed in chat`,
    );
  else verdict.approvalReasons.push(...highRiskReasons(kind, facts, cfg, tool).map((r) => `high risk: ${r}`));

  if (kind === "spend" && facts.counts_toward_caps !== false) {
    if (facts.amount === undefined || facts.campaign_id === undefined) {
      verdict.refusals.push(
        "The tool's plan does not state amount and campaign_id, so its spend cannot be capped.",
      );
    } else {
      const over = await state.caps.check(facts.amount, facts.campaign_id);
      if (over.length > 0)
        verdict.refusals.push(describeOver(over, facts.amount, facts.currency ?? cfg.SPEND_CURRENCY));
    }
  }
  if (kind === "outbound") {
    if (!facts.recipients) {
      verdict.refusals.push("The tool's plan does not list its recipients, so send rules cannot be checked.");
    } else {
      const isKnown = state.deps.isKnownContact;
      const simulated = facts.delivery === "simulated" ? await state.deps.simulatedNow?.() : undefined;
      const rules = new SendRules({
        db: state.db,
        kv: state.deps.kv,
        config: () => state.config,
        now: simulated ? () => simulated : state.now,
        sandbox: (state.deps.sandbox ?? false) && facts.delivery !== "simulated",
        ...(isKnown && { isKnownContact: (email: string) => isKnown(email, ctx) }),
      });
      const sendVerdict = await rules.check(facts.recipients);
      verdict.refusals.push(...sendVerdict.refusals);
      verdict.approvalReasons.push(...sendVerdict.approvalReasons);
    }
  }
  return verdict;
}
