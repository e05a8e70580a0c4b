export { type ApprovalsAdmin, type ApprovalsAdminDeps, approvalsAdmin } from "./admin";
export { approvalWriteKey } from "./approval-run";
export type { Approval, ApprovalStatus, Claim } from "./approvals";
export { type BulkOptions, type BulkResult, runBulk } from "./bulk";
export { canonicalJson, planHash } from "./canonical";
export { CAP_SCOPES, type CapCheck, type CapScope, CapStore } from "./caps";
export { capsToolset, capsUpdateTool } from "./caps-tool";
export { APPROVE_TOOL, CARD_META, CARD_URI, type CardOffer } from "./card";
export { cardModule, cardView, planApproveTool, withConfirmationCard } from "./card-tool";
export { type GuardConfig, guardConfig, guardConfigSchema } from "./config";
export { createGuard } from "./guard";
export { type GuardControl, splitControl } from "./inputs";
export { guardMigrations } from "./migrations";
export {
  confirmationPhrase,
  describePlan,
  formatMoney,
  type GuardKind,
  type PlanFacts,
  planFacts,
  planFactsSchema,
} from "./plan";
export { requestStateKey } from "./round";
export { inQuietHours, localHour, type Recipient, SuppressionList } from "./send-rules";
export { type GuardDecision, type GuardDeps, type GuardOutcomeKind, GuardState, guardStateOf } from "./state";
