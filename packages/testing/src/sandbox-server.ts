import type { ServerModule } from "@revops/kit";
import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { afterAll, beforeAll } from "vitest";
import { connectInProcess } from "./in-process";
import { tempDataDir } from "./mcp-client";

/** What an analytics test checks a tool against: the raw sandbox rows, the sandbox's own today, and the server. */
export interface SandboxServer {
  /** The sandbox database the server reads, for recomputing its figures with SQL. */
  db: SqlDb;
  /** The official MCP client connected in process to the server. */
  s: Awaited<ReturnType<typeof connectInProcess>>;
  /** The sandbox clock's today (YYYY-MM-DD): tests never read the wall clock. */
  today: string;
}

/**
 * Loads the seeded sandbox into a fresh data directory before the file's tests and serves `modules` on it, closing
 * both after them. `ready` receives the handles (assign them to the file's own variables).
 */
export function withSandboxServer(
  label: string,
  modules: () => ServerModule[],
  ready: (h: SandboxServer) => void,
): void {
  const dir = tempDataDir(label);
  let h: SandboxServer | undefined;
  beforeAll(async () => {
    const db = await openSql({ dataDir: dir });
    await ensureSandboxLoaded(db, {});
    const today = String((await db.one<{ today: string }>("SELECT today FROM sb_meta"))?.today);
    const s = await connectInProcess(modules(), { env: { REVOPS_DATA_DIR: dir } });
    h = { db, s, today };
    ready(h);
  }, 60_000);
  afterAll(async () => {
    await h?.s.close();
    await h?.db.close();
  });
}
