/** What happened to a tool call (ok/error/denied) or to a guarded plan (previewed..expired). */
export type AuditOutcome = "ok" | "error" | "denied" | "previewed" | "confirmed" | "rejected" | "expired";

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = [
  "ok",
  "error",
  "denied",
  "previewed",
  "confirmed",
  "rejected",
  "expired",
];

/** What a caller hands to append(): the log adds id, time (unless given), seq and hashes. */
export interface AuditInput {
  principal: string;
  server: string;
  tool: string;
  outcome: AuditOutcome;
  /** Tool arguments; secret fields are removed before anything is stored. */
  args?: unknown;
  /** Extra secret field paths for this record only, e.g. ["auth.token", "items.*.card"]. */
  secretPaths?: readonly string[];
  planHash?: string;
  /** Short result summary (cut to 200 characters). */
  summary?: string;
  /** Values before and after a local write. */
  before?: unknown;
  after?: unknown;
  idempotencyKey?: string;
  traceId?: string;
  /** Defaults to now. */
  at?: Date | string;
}

/** A stored record: exactly the hashed canonical JSON (`body`) plus its hash. */
export interface AuditRecord {
  v: 1;
  seq: number;
  prevHash: string;
  id: string;
  at: string;
  principal: string;
  server: string;
  tool: string;
  outcome: AuditOutcome;
  /**
   * Personal values and free text appear as `{"$pii": digest}` in the chain; query and export put the value
   * back (or "[erased]"). Over STORED_VALUE_MAX characters: `{"$capped": prefix, chars}` plus argsHash.
   */
  args?: unknown;
  /** SHA-256 of the whole canonical arguments (secrets removed) when they were capped. */
  argsHash?: string;
  planHash?: string;
  summary?: string;
  before?: unknown;
  beforeHash?: string;
  after?: unknown;
  afterHash?: string;
  idempotencyKey?: string;
  traceId?: string;
  hash: string;
}

/** One database row of audit_log, as read by verification. */
export interface ChainRow {
  seq: number;
  id: string;
  at: string;
  principal: string;
  server: string;
  tool: string;
  outcome: string;
  prev_hash: string;
  hash: string;
  body: string;
}

export type ProblemKind =
  | "modified"
  | "deleted"
  | "inserted"
  | "reordered"
  | "truncated"
  | "checkpoint_signature"
  | "checkpoint_mismatch";

export interface VerifyProblem {
  kind: ProblemKind;
  /** The first record concerned (for checkpoint signature problems: the seq the checkpoint claims). */
  seq: number;
  message: string;
  /** Checkpoint file involved, when any. */
  checkpoint?: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Records walked before stopping (all of them when ok). */
  records: number;
  headSeq: number;
  headHash: string;
  /** Checkpoints with a valid signature. */
  checkpoints: number;
  /**
   * Records after the newest signed checkpoint: only the chain protects them (a writer with database access
   * could cut or re-chain them). Signed after every guard decision and write and within a minute otherwise.
   */
  unsignedTail: { records: number; lastSignedAt?: string };
  /** Where the public key that checked the signatures came from. */
  trust: "pinned" | "key-dir" | "checkpoint-dir" | "none";
  /** The first problem found, if any. */
  problem?: VerifyProblem;
  /** Every problem found (signature problems plus at most one chain problem). */
  problems: VerifyProblem[];
  ms: number;
}

export interface AuditQuery {
  principal?: string;
  tool?: string;
  outcome?: AuditOutcome | readonly AuditOutcome[];
  /** Inclusive lower bound on time. */
  since?: Date | string;
  /** Exclusive upper bound on time. */
  until?: Date | string;
  id?: string;
  /** Default 50, at most 1000. */
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
}

export interface AuditPage {
  /** Newest first. */
  records: AuditRecord[];
  nextCursor?: string;
}

/** What `erase()` removed for one person. */
export interface EraseReport {
  subject: string;
  /** Records that named the person (their other personal values are erased with them). */
  records: number;
  /** Side-table values deleted. */
  values: number;
}

export interface Checkpoint {
  v: 1;
  seq: number;
  head: string;
  at: string;
}
