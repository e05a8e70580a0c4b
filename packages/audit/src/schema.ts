import type { Migration } from "@revops/store";

export const AUDIT_TABLE = "audit_log";
/** Advisory lock (PostgreSQL) serialising every appender of the chain; SQLite uses BEGIN IMMEDIATE. */
export const AUDIT_LOCK = "revops:audit_log";
/** prev hash of record 1. */
export const GENESIS_HASH = "0".repeat(64);
/** Personal values and free text of chained records, erasable (see pii.ts); outside the chain. */
export const PII_TABLE = "audit_pii";
/** Which records name which person (normalised email), for `revops audit erase --subject`. */
export const PII_SUBJECT_TABLE = "audit_pii_subject";

const columns = (seqType: string) => `
  seq ${seqType} PRIMARY KEY CHECK (seq > 0),
  id TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  principal TEXT NOT NULL,
  server TEXT NOT NULL,
  tool TEXT NOT NULL,
  outcome TEXT NOT NULL,
  prev_hash TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL,
  body TEXT NOT NULL`;

const indexes = `
CREATE INDEX audit_log_principal ON audit_log (principal, seq);
CREATE INDEX audit_log_tool ON audit_log (tool, seq);
CREATE INDEX audit_log_outcome ON audit_log (outcome, seq);
CREATE INDEX audit_log_at ON audit_log (at, seq)`;

/**
 * audit_log: `body` is the canonical JSON that was hashed (TEXT, never a JSON column, so the bytes
 * verified are the bytes written); the other columns copy its fields for querying and are checked
 * against it. UNIQUE seq and prev_hash make a fork impossible to store; triggers refuse UPDATE and
 * DELETE so mistakes cannot rewrite history (an attacker with DDL rights is caught by verify()).
 */
export const auditMigrations: readonly Migration[] = [
  {
    id: "audit_0001_log",
    sql: {
      sqlite: `CREATE TABLE audit_log (${columns("INTEGER")});${indexes};
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
      postgres: `CREATE TABLE audit_log (${columns("BIGINT")});${indexes};
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
    },
  },
  {
    // no append-only triggers: these rows are meant to be erasable, and the chain holds only salted digests
    id: "audit_0002_pii",
    sql: `CREATE TABLE audit_pii (
  record_id TEXT NOT NULL,
  path TEXT NOT NULL,
  value TEXT,
  salt TEXT NOT NULL,
  PRIMARY KEY (record_id, path));
CREATE TABLE audit_pii_subject (
  subject TEXT NOT NULL,
  record_id TEXT NOT NULL,
  PRIMARY KEY (subject, record_id));
CREATE INDEX audit_pii_subject_record ON audit_pii_subject (record_id)`,
  },
];
