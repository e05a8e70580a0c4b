export { type CheckpointFile, signCheckpoint } from "./checkpoints";
export { describeReport, registerAuditCommands } from "./cli";
export { AuditLog, type AuditLogOptions, type ExportRange, openAuditLog } from "./log";
export {
  type AuditableCall,
  type AuditableOutcome,
  type AuditMiddlewareOptions,
  auditMiddleware,
  type DecisionOutcome,
  defaultSummary,
  deferReads,
  type GuardDecision,
  outcomeOf,
  recordDecision,
} from "./middleware";
export { canonicalJson, sha256Hex } from "./record";
export { type RedactRules, redactValue, SECRET_KEY_PATTERN } from "./redact";
export { AUDIT_LOCK, AUDIT_TABLE, auditMigrations, GENESIS_HASH } from "./schema";
export { type AuditQueryInput, queryAudit, toAuditQuery } from "./tool";
export {
  AUDIT_OUTCOMES,
  type AuditInput,
  type AuditOutcome,
  type AuditPage,
  type AuditQuery,
  type AuditRecord,
  type ChainRow,
  type Checkpoint,
  type ProblemKind,
  type VerifyProblem,
  type VerifyReport,
} from "./types";
export { type VerifyRowsOptions, verifyRows } from "./verify-rows";
