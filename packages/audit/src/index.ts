export { type CheckpointFile, signCheckpoint } from "./checkpoints";
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
export {
  ERASED,
  FREE_TEXT_MIN,
  findEmails,
  NOT_KEPT,
  PERSONAL_KEY_PATTERN,
  PII_MARKER,
  SIDE_RECORD_MAX,
  SIDE_VALUE_MAX,
  STORED_VALUE_MAX,
} from "./pii";
export { canonicalJson, sha256Hex } from "./record";
export { type RedactRules, redactValue, SECRET_KEY_PATTERN } from "./redact";
export {
  AUDIT_LOCK,
  AUDIT_TABLE,
  auditMigrations,
  GENESIS_HASH,
  PII_SUBJECT_TABLE,
  PII_TABLE,
} from "./schema";
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
  type EraseReport,
  type ProblemKind,
  type VerifyProblem,
  type VerifyReport,
} from "./types";
export { type VerifyRowsOptions, verifyRows } from "./verify-rows";
