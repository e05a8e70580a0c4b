import type { GuardConfig } from "./config";
import type { GuardKind, PlanFacts } from "./plan";

export type RiskTier = "low" | "high";

/** Record types whose change moves our own controls: always confirmed out of band. */
const CONTROL_RECORDS = new Set(["setting", "spending cap", "credential", "api key", "role", "user"]);

/** Plan actions that replace or remove records: a restore overwrites every row its backup covers. */
const DESTRUCTIVE_ACTIONS = new Set(["delete", "merge", "restore"]);

/**
 * The plan's risk tier, from the plan itself, not from the tool alone: a single-record update is low; a delete,
 * a public message, an email to more than a few people, any spend, a bulk change or a change to our own
 * controls is high. High-risk plans are confirmed only by a human out of band (the approval queue), because a
 * client can answer its own elicitation. Returns the reasons it is high (none: low).
 */
export function highRiskReasons(kind: GuardKind, facts: PlanFacts, cfg: GuardConfig, tool: string): string[] {
  const reasons: string[] = [];
  if (cfg.GUARD_HIGH_RISK_TOOLS.includes(tool)) reasons.push(`${tool} is configured as high risk`);
  if (kind === "spend") reasons.push("it moves money or a spending limit");
  if (facts.action && DESTRUCTIVE_ACTIONS.has(facts.action)) reasons.push(`it is a ${facts.action}`);
  if (facts.record_type && CONTROL_RECORDS.has(facts.record_type))
    reasons.push(`it changes a ${facts.record_type}`);
  const records = facts.count ?? facts.records?.length ?? 0;
  if (records > cfg.GUARD_INBAND_MAX_RECORDS)
    reasons.push(
      `it changes ${records} records (in-band confirmation covers at most ${cfg.GUARD_INBAND_MAX_RECORDS})`,
    );
  if (kind === "outbound") {
    if (facts.public === true) reasons.push("it is a public message");
    const n = facts.recipients?.length ?? 0;
    if (n > cfg.GUARD_INBAND_MAX_RECIPIENTS)
      reasons.push(
        `it goes to ${n} people (in-band confirmation covers at most ${cfg.GUARD_INBAND_MAX_RECIPIENTS})`,
      );
  }
  return reasons;
}
