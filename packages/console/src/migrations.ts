import type { Migration } from "@revops/store";

/** Ids are prefixed with "console_" because schema_migrations is shared by every package. */
export const consoleMigrations: readonly Migration[] = Object.freeze([
  {
    id: "console_001_users_sessions",
    sql: `CREATE TABLE console_users (
      email TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      password_hash TEXT,
      created_at TEXT NOT NULL,
      disabled_at TEXT
    );
    CREATE TABLE console_signin_links (
      token_hash TEXT PRIMARY KEY,
      email TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      used_at TEXT
    );
    CREATE TABLE console_sessions (
      id_hash TEXT PRIMARY KEY,
      email TEXT NOT NULL,
      csrf TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      last_seen_at TEXT NOT NULL
    );
    CREATE INDEX console_sessions_email ON console_sessions (email)`,
  },
  {
    // a session from the organisation's login carries the role its groups map to, whatever the user row says
    id: "console_002_session_role",
    sql: "ALTER TABLE console_sessions ADD COLUMN role TEXT",
  },
]);
