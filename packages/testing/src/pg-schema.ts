import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSql } from "@revops/store";

export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A schema of its own on the shared test database (`url` reaches it), dropped afterwards. */
export async function pgSchema(prefix: string) {
  const schema = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const sep = PG_URL.includes("?") ? "&" : "?";
  const url = `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const db = await openSql({ databaseUrl: url, dataDir: tmpdir() });
  const drop = async () => {
    await db.close();
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  };
  return { db, url, drop };
}

/** The store's engines, for a test that proves the same assertions on each. */
export const TEST_ENGINES = ["sqlite", "postgres"] as const;

/**
 * A throw-away database: a temporary SQLite directory, or a schema of its own on the test PostgreSQL. `open` gives
 * another connection to it (a second replica, or concurrent writers); the caller closes it before `drop`.
 */
export async function testDatabase(engine: (typeof TEST_ENGINES)[number], label: string) {
  if (engine === "postgres") {
    const { db, url, drop } = await pgSchema(label);
    return { db, drop, open: () => openSql({ databaseUrl: url, dataDir: tmpdir() }) };
  }
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  const db = await openSql({ dataDir: dir });
  const drop = async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { db, drop, open: () => openSql({ dataDir: dir }) };
}
