import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSql, type SqlDb } from "@revops/store";

/** Real services for integration tests; override to point elsewhere. */
export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export function runId(): string {
  return `${process.pid}_${randomBytes(4).toString("hex")}`;
}

export function pgUrlWithSchema(schema: string, extraOptions = ""): string {
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${schema}${extraOptions ? ` ${extraOptions}` : ""}`);
  return url.toString();
}

export function tempDir(prefix = "revops-audit-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** One private database per test file: a SQLite file, or a PostgreSQL schema dropped at teardown. */
export interface Engine {
  dialect: "sqlite" | "postgres";
  /** A fresh empty database (new file / new schema) for one test. */
  fresh(): Promise<{ db: SqlDb; url?: string; dataDir: string }>;
  teardown(): Promise<void>;
}

export function sqliteEngine(): Engine {
  const root = tempDir("revops-audit-sqlite-");
  const opened: SqlDb[] = [];
  let n = 0;
  return {
    dialect: "sqlite",
    async fresh() {
      n += 1;
      const dataDir = join(root, `db${n}`);
      const db = await openSql({ dataDir });
      opened.push(db);
      return { db, dataDir };
    },
    async teardown() {
      for (const db of opened) await db.close().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function postgresEngine(): Engine {
  const base = `audit_test_${runId()}`;
  const schemas: string[] = [];
  const opened: SqlDb[] = [];
  const admin = async (sql: string) => {
    const db = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
    await db.exec(sql).finally(() => db.close());
  };
  return {
    dialect: "postgres",
    async fresh() {
      const schema = `${base}_${schemas.length + 1}`;
      schemas.push(schema);
      await admin(`CREATE SCHEMA ${schema}`);
      const url = pgUrlWithSchema(schema);
      const db = await openSql({ databaseUrl: url, dataDir: "unused" });
      opened.push(db);
      return { db, url, dataDir: "unused" };
    },
    async teardown() {
      for (const db of opened) await db.close().catch(() => undefined);
      if (schemas.length) await admin(schemas.map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE`).join(";"));
    },
  };
}

export const ENGINES = [
  ["sqlite", sqliteEngine],
  ["postgres", postgresEngine],
] as const;

/** Lifts the append-only triggers, as an attacker with DDL rights would, so tests can tamper. */
export async function dropGuards(db: SqlDb): Promise<void> {
  if (db.dialect === "sqlite") {
    await db.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete");
  } else {
    await db.exec(
      "DROP TRIGGER audit_log_no_change ON audit_log; DROP TRIGGER audit_log_no_truncate ON audit_log",
    );
  }
}

/** Bundles a TypeScript entry (and the workspace sources it imports) into one fast-starting ESM file. */
export async function bundleScript(entry: string, outfile: string): Promise<string> {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    external: ["pg-native"],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: "warning",
  });
  return outfile;
}
