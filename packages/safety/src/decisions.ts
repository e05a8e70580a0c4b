import { type AuditLog, recordDecision } from "@revops/audit";
import type { GuardDecision } from "@revops/guards";

/** Guard decisions (previews, confirmations, rejections, expiries, refusals) join the calls' hash chain. */
export const recordGuardDecision =
  (log: AuditLog, server: string) =>
  async (d: GuardDecision): Promise<void> => {
    const entry = {
      principal: d.principal,
      server,
      tool: d.tool,
      planHash: d.planHash,
      summary: d.approvalId ? `${d.detail} (${d.approvalId})` : d.detail,
    };
    if (d.outcome === "denied") await log.append({ ...entry, outcome: "denied" });
    else await recordDecision(log, { ...entry, outcome: d.outcome });
  };
