import type { SqlDb } from "@revops/store";
import { type Approval, type ApprovalStatus, ApprovalStore } from "./approvals";
import { type GuardConfig, guardConfig } from "./config";
import { describePlan } from "./plan";
import { type GuardDecision, migrated } from "./state";

export interface ApprovalsAdminDeps {
  sql: () => Promise<SqlDb>;
  config?: GuardConfig;
  record?: (decision: GuardDecision) => Promise<void>;
  now?: () => Date;
}

export interface ApprovalsAdmin {
  listApprovals(filter?: { status?: ApprovalStatus; limit?: number }): Promise<Approval[]>;
  showApproval(id: string): Promise<Approval & { text: string }>;
  /** pending → approved by a named human; throws with the reason when it is not pending. */
  approve(id: string, approver: string): Promise<Approval>;
  /** pending → rejected; the reason is kept with the approval, told to the assistant and audited. */
  reject(id: string, approver: string, reason?: string): Promise<Approval>;
}

/** What the lead's `revops approvals list|show|approve|reject` commands call: no CLI framework in here. */
export function approvalsAdmin(deps: ApprovalsAdminDeps): ApprovalsAdmin {
  const now = deps.now ?? (() => new Date());
  const config = deps.config ?? guardConfig();
  const store = new ApprovalStore(migrated(deps.sql), now, () => config.GUARD_APPROVAL_TTL_MINUTES);

  const mustGet = async (id: string) => {
    const a = await store.get(id);
    if (!a) throw new Error(`No approval ${id}. Run \`revops approvals list\` to see pending ones.`);
    return a;
  };

  const decide = async (id: string, decision: "approved" | "rejected", approver: string, note?: string) => {
    if (!approver.trim()) throw new Error("Name the human who decides (approver).");
    const reason = note?.trim().slice(0, 500) || null;
    const before = await mustGet(id);
    if (!(await store.decide(id, decision, approver, reason)))
      throw new Error(`Approval ${id} is ${before.status}, not pending; nothing changed.`);
    await deps.record?.({
      outcome: decision === "approved" ? "confirmed" : "rejected",
      tool: before.tool,
      principal: before.principal,
      planHash: before.planHash,
      approvalId: id,
      detail: `${decision} by ${approver}${reason ? `: ${reason}` : ""}`,
    });
    return mustGet(id);
  };

  return {
    listApprovals: (filter) => store.list(filter),
    showApproval: async (id) => {
      const a = await mustGet(id);
      return { ...a, text: describePlan(a.tool, a.plan, 20_000) };
    },
    approve: (id, approver) => decide(id, "approved", approver),
    reject: (id, approver, reason) => decide(id, "rejected", approver, reason),
  };
}
