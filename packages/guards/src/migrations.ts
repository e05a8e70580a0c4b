import type { Migration } from "@revops/store";

/** Tables of the guards; ids are prefixed so they never collide with other packages' migrations. */
export const guardMigrations: Migration[] = [
  {
    id: "guards_001_approvals",
    sql: `CREATE TABLE IF NOT EXISTS guard_approvals (
      id TEXT PRIMARY KEY,
      principal TEXT NOT NULL,
      tool TEXT NOT NULL,
      kind TEXT NOT NULL,
      args TEXT NOT NULL,
      plan TEXT NOT NULL,
      plan_hash TEXT NOT NULL,
      reasons TEXT NOT NULL,
      status TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      decided_by TEXT,
      decided_at TEXT,
      used_at TEXT
    );
    CREATE INDEX IF NOT EXISTS guard_approvals_status ON guard_approvals (status, created_at)`,
  },
  {
    id: "guards_002_spend",
    sql: `CREATE TABLE IF NOT EXISTS guard_spend (
      id TEXT PRIMARY KEY,
      campaign_id TEXT NOT NULL,
      amount_cents BIGINT NOT NULL,
      tool TEXT NOT NULL,
      principal TEXT NOT NULL,
      plan_hash TEXT NOT NULL,
      status TEXT NOT NULL,
      day TEXT NOT NULL,
      month TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS guard_spend_day ON guard_spend (day);
    CREATE INDEX IF NOT EXISTS guard_spend_month ON guard_spend (month);
    CREATE INDEX IF NOT EXISTS guard_spend_campaign ON guard_spend (campaign_id);
    CREATE TABLE IF NOT EXISTS guard_caps (
      scope TEXT PRIMARY KEY,
      amount_cents BIGINT NOT NULL,
      updated_by TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
  },
  {
    id: "guards_004_decision_note",
    // why a human rejected (or approved) a plan, shown to the assistant and in the console
    sql: "ALTER TABLE guard_approvals ADD COLUMN decision_note TEXT",
  },
  {
    id: "guards_003_suppressions",
    sql: `CREATE TABLE IF NOT EXISTS guard_suppressions (
      email TEXT PRIMARY KEY,
      reason TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
  },
  {
    id: "guards_005_execution_lease",
    // approved → executing (lease) → executed: a crashed execution is resumed, never lost or run twice
    sql: `ALTER TABLE guard_approvals ADD COLUMN lease_owner TEXT;
    ALTER TABLE guard_approvals ADD COLUMN lease_until TEXT;
    ALTER TABLE guard_approvals ADD COLUMN attempts INTEGER;
    ALTER TABLE guard_approvals ADD COLUMN record_id TEXT;
    ALTER TABLE guard_approvals ADD COLUMN outcome TEXT`,
  },
];
