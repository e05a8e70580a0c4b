import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSql, type SqlDb } from "@revops/store";

export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A throw-away database: a temp SQLite dir, or a fresh PostgreSQL schema (via search_path). */
export interface TestTarget {
  engine: "sqlite" | "postgres";
  /** Opens another connection to the same database (like a second process). */
  open(): Promise<SqlDb>;
  cleanup(): Promise<void>;
}

let counter = 0;

export async function makeTarget(engine: "sqlite" | "postgres"): Promise<TestTarget> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "sandbox-test-"));
    return {
      engine,
      open: () => openSql({ dataDir: dir, fileName: "sandbox.db" }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `sandbox_test_${process.pid}_${Date.now()}_${++counter}`;
  const admin = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const sep = PG_URL.includes("?") ? "&" : "?";
  const url = `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    engine,
    open: () => openSql({ databaseUrl: url, dataDir: tmpdir() }),
    cleanup: async () => {
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    },
  };
}

export const ENGINES = ["sqlite", "postgres"] as const;
