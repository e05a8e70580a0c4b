import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sleep } from "../test/env";
import { openSql, type SqlDb } from "./index";

const dir = mkdtempSync(join(tmpdir(), "revops-sqlite-"));
const opened: SqlDb[] = [];
const children: ChildProcess[] = [];

async function open(sub: string): Promise<SqlDb> {
  const db = await openSql({ dataDir: join(dir, sub, "nested"), fileName: "t.db" });
  opened.push(db);
  return db;
}

afterAll(async () => {
  for (const c of children) c.kill();
  for (const db of opened) await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("SQLite specifics", () => {
  it("creates dataDir and opens in WAL mode with foreign keys and busy_timeout", async () => {
    const db = await open("pragmas");
    expect(await db.one("PRAGMA journal_mode")).toEqual({ journal_mode: "wal" });
    expect(await db.one("PRAGMA foreign_keys")).toEqual({ foreign_keys: 1 });
    expect(await db.one("PRAGMA busy_timeout")).toEqual({ timeout: 5000 });
    expect(await db.one("PRAGMA synchronous")).toEqual({ synchronous: 1 });
  });

  it("uses revops.db by default and supports :memory:", async () => {
    const db = await openSql({ dataDir: join(dir, "default") });
    opened.push(db);
    await db.exec("CREATE TABLE t (id INTEGER)");
    const mem = await openSql({ dataDir: join(dir, "never-created"), fileName: ":memory:" });
    opened.push(mem);
    expect(await mem.one("SELECT 1 AS one")).toEqual({ one: 1 });
    const { existsSync } = await import("node:fs");
    expect(existsSync(join(dir, "default", "revops.db"))).toBe(true);
    expect(existsSync(join(dir, "never-created"))).toBe(false);
  });

  it("makes top-level calls wait while a transaction is open", async () => {
    const db = await open("queue");
    await db.exec("CREATE TABLE t (id INTEGER)");
    const order: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.run("INSERT INTO t VALUES (1)");
      await sleep(50);
      order.push("commit");
    });
    const read = db.one<{ n: number }>("SELECT COUNT(*) AS n FROM t").then((r) => {
      order.push("read");
      return r?.n;
    });
    await Promise.all([tx, read]);
    expect(order).toEqual(["commit", "read"]);
    expect(await read).toBe(1);
  });

  it("enforces foreign keys", async () => {
    const db = await open("fk");
    await db.exec("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id))");
    await expect(db.run("INSERT INTO c VALUES (42)")).rejects.toThrow(/FOREIGN KEY/);
  });

  it("waits without blocking the event loop when another process holds the write lock", async () => {
    const db = await open("xproc");
    await db.exec("CREATE TABLE t (who TEXT)");
    const script = join(dir, "hold-lock.mjs");
    writeFileSync(
      script,
      `import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync(process.argv[2]);
db.exec("PRAGMA busy_timeout=5000; BEGIN IMMEDIATE; INSERT INTO t VALUES ('child')");
process.stdout.write("locked\\n");
setTimeout(() => { db.exec("COMMIT"); db.close(); }, 400);
`,
    );
    const child = spawn(process.execPath, ["--no-warnings", script, join(dir, "xproc", "nested", "t.db")]);
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => b.toString().includes("locked") && resolve());
      child.on("exit", (code) => reject(new Error(`child exited ${code}`)));
    });
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 20);
    const started = Date.now();
    await db.transaction((tx) => tx.run("INSERT INTO t VALUES ('parent')"));
    clearInterval(timer);
    expect(Date.now() - started).toBeGreaterThan(200);
    expect(ticks).toBeGreaterThan(3);
    expect(await db.query("SELECT who FROM t")).toEqual([{ who: "child" }, { who: "parent" }]);
  });

  it("explains an unusable dataDir", async () => {
    const file = join(dir, "plain-file");
    writeFileSync(file, "x");
    await expect(openSql({ dataDir: join(file, "sub") })).rejects.toThrow(
      /Cannot open SQLite database .*plain-file.* \(dataDir\): ENOTDIR .* — is dataDir a writable directory\?/,
    );
  });
});
