import { openSqlite } from "./sqlite";
import type { OpenSqlOptions, SqlDb } from "./types";

/** PostgreSQL when databaseUrl is set, else the SQLite file dataDir/fileName. */
export async function openSql(opts: OpenSqlOptions): Promise<SqlDb> {
  const url = opts.databaseUrl?.trim();
  // Loaded only when configured: the embedded default never pays for the PostgreSQL client at start-up.
  if (url) return (await import("./postgres")).openPostgres(url);
  return openSqlite(opts.dataDir, opts.fileName ?? "revops.db");
}
