import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, openSql, type SqlDb } from "@revops/store";
import { authMigrations } from "../src/migrations";

/** Real services for integration tests; override to point elsewhere. */
export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function runId(): string {
  return `${process.pid}_${randomBytes(4).toString("hex")}`;
}

export interface Engine {
  name: "sqlite" | "postgres";
  /** A migrated database; call again for a second connection (pool) to the same one. */
  open(): Promise<SqlDb>;
  teardown(): Promise<void>;
}

export function sqliteEngine(): Engine {
  const dir = mkdtempSync(join(tmpdir(), "revops-auth-"));
  const opened: SqlDb[] = [];
  return {
    name: "sqlite",
    open: async () => {
      const db = await openSql({ dataDir: dir });
      opened.push(db);
      await migrate(db, authMigrations);
      return db;
    },
    teardown: async () => {
      for (const db of opened) await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresEngine(): Engine {
  const schema = `auth_test_${runId()}`;
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const opened: SqlDb[] = [];
  let created = false;
  const admin = async (sql: string) => {
    const db = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
    await db.exec(sql).finally(() => db.close());
  };
  return {
    name: "postgres",
    open: async () => {
      if (!created) {
        await admin(`CREATE SCHEMA ${schema}`);
        created = true;
      }
      const db = await openSql({ databaseUrl: url.toString(), dataDir: "unused" });
      opened.push(db);
      await migrate(db, authMigrations);
      return db;
    },
    teardown: async () => {
      for (const db of opened) await db.close();
      if (created) await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

export const engines: [string, () => Engine][] = [
  ["sqlite", sqliteEngine],
  ["postgres", postgresEngine],
];

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
