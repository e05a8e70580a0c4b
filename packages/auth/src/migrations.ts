import type { Migration } from "@revops/store";

/** Ids are prefixed with "auth_" because schema_migrations is shared by every package. */
export const authMigrations: readonly Migration[] = Object.freeze([
  {
    id: "auth_001_api_keys",
    sql: `CREATE TABLE auth_api_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      role TEXT NOT NULL,
      secret_hash TEXT NOT NULL,
      created_at TEXT NOT NULL,
      last_used_at TEXT,
      revoked_at TEXT
    )`,
  },
  {
    id: "auth_002_vault",
    sql: `CREATE TABLE auth_credentials (
      connection_id TEXT PRIMARY KEY,
      vendor TEXT NOT NULL,
      kek_version TEXT NOT NULL,
      wrapped_key TEXT NOT NULL,
      ciphertext TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX auth_credentials_kek ON auth_credentials (kek_version)`,
  },
]);
