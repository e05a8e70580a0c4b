import { tmpdir } from "node:os";
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
