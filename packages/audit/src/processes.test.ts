import { type ChildProcess, fork } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { openSql } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleScript, PG_URL, pgUrlWithSchema, runId, tempDir } from "../test/env";
import { openAuditLog } from "./index";

const WRITER_SOURCE = new URL("../test/writer.ts", import.meta.url).pathname;
// bundled once: a child then starts in ~0.1 s instead of ~0.7 s of TypeScript transforms
let writerBundle = "";

interface Writer {
  child: ChildProcess;
  acked: string[];
  /** Resolves with the exit code (or signal). */
  exited: Promise<string>;
  /** Resolves once the writer acknowledged `n` records. */
  waitFor(n: number): Promise<void>;
}

function startWriter(opts: Record<string, unknown>): Writer {
  const child = fork(writerBundle, [JSON.stringify(opts)], {
    execArgv: ["--no-warnings"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const acked: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let buffer = "";
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout?.on("data", (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("ack ")) acked.push(line.split(" ")[2] as string);
    }
    for (const w of waiters.filter((w) => acked.length >= w.n)) w.resolve();
  });
  const exited = new Promise<string>((resolve) =>
    child.on("exit", (code, signal) => {
      if (code) console.error(stderr);
      resolve(signal ?? String(code));
    }),
  );
  return {
    child,
    acked,
    exited,
    waitFor: (n) =>
      new Promise<void>((resolve, reject) => {
        if (acked.length >= n) return resolve();
        waiters.push({ n, resolve });
        void exited.then((how) => reject(new Error(`writer exited (${how}) before ${n} acks: ${stderr}`)));
      }),
  };
}

describe("many processes", () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    const dir = tempDir();
    dirs.push(dir);
    writerBundle = await bundleScript(WRITER_SOURCE, join(dir, "writer.mjs"));
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("8 processes appending 500 records each (single, in-transaction and batched) to one PostgreSQL chain: one valid chain, no gap, no fork", async () => {
    const schema = `audit_procs_${runId()}`;
    const admin = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    const dir = tempDir();
    dirs.push(dir);
    // commits skip the WAL disk flush (the shared test disk is slow); locking and ordering are unchanged
    const databaseUrl = pgUrlWithSchema(schema, "-c synchronous_commit=off");
    const db = await openSql({ databaseUrl, dataDir: "unused" });
    try {
      // migrate first, so the writers race on appends rather than on CREATE TABLE
      const log = await openAuditLog({ db, checkpointDir: join(dir, "cp"), keyDir: join(dir, "keys") });
      const writers = Array.from({ length: 8 }, (_, i) =>
        startWriter({
          databaseUrl,
          dataDir: "unused",
          checkpointDir: join(dir, "cp"),
          keyDir: join(dir, "keys"),
          count: 500,
          tag: `writer-${i}`,
          checkpointEveryRecords: 250,
          // append, appendInTx and appendBatch all race (~190 transactions per writer: seconds, not tens)
          mixed: true,
        }),
      );
      expect(await Promise.all(writers.map((w) => w.exited))).toEqual(Array(8).fill("0"));
      const rows = await db.query<{ seq: number; id: string }>("SELECT seq, id FROM audit_log ORDER BY seq");
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 4000 }, (_, i) => i + 1));
      const stored = new Set(rows.map((r) => r.id));
      for (const w of writers) {
        expect(w.acked).toHaveLength(500);
        expect(w.acked.every((id) => stored.has(id))).toBe(true);
      }
      const report = await log.verify();
      expect(report).toMatchObject({ ok: true, records: 4000, trust: "key-dir" });
      expect(report.checkpoints).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(await log.query({ limit: 1000 }))).not.toContain("never stored");
      await log.close();
    } finally {
      await db.close();
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    }
  });

  it("a SQLite writer killed with SIGKILL 20 times loses no acknowledged record", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dataDir = join(dir, "data");
    const opts = {
      dataDir,
      checkpointDir: join(dir, "cp"),
      keyDir: join(dir, "keys"),
      count: 1_000_000,
      checkpointEveryRecords: 40,
    };
    const setup = await openSql({ dataDir });
    await (await openAuditLog({ db: setup })).close();
    await setup.close();
    const acked: string[] = [];
    // 5 waves of 4 concurrent writers, each killed at a random moment after its first acknowledgements
    for (let wave = 0; wave < 5; wave++) {
      const writers = Array.from({ length: 4 }, (_, i) => startWriter({ ...opts, tag: `w${wave}-${i}` }));
      await Promise.all(
        writers.map(async (w) => {
          await w.waitFor(1 + Math.floor(Math.random() * 20));
          await new Promise((r) => setTimeout(r, Math.random() * 30));
          w.child.kill("SIGKILL");
          expect(await w.exited).toBe("SIGKILL");
          acked.push(...w.acked);
        }),
      );
    }
    const db = await openSql({ dataDir });
    const log = await openAuditLog({ db, checkpointDir: opts.checkpointDir, keyDir: opts.keyDir });
    const stored = new Set((await db.query<{ id: string }>("SELECT id FROM audit_log")).map((r) => r.id));
    expect(acked.length).toBeGreaterThanOrEqual(20);
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    const report = await log.verify();
    expect(report.problems).toEqual([]);
    expect(report.records).toBe(stored.size);
    await log.close();
    await db.close();
  });
});
