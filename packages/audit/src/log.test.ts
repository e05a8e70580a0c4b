import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropGuards, ENGINES, type Engine, tempDir } from "../test/env";
import { type AuditInput, type AuditLog, type AuditLogOptions, openAuditLog } from "./index";

const call = (n: number, extra: Partial<AuditInput> = {}): AuditInput => ({
  principal: n % 2 ? "alice" : "bob",
  server: "sales",
  tool: n % 3 ? "deals_list" : "deal_update",
  outcome: n % 5 === 0 ? "error" : "ok",
  args: { n, filter: { stage: "won" } },
  ...extra,
});

describe.each(ENGINES)("AuditLog on %s", (_name, makeEngine) => {
  let engine: Engine;
  const dirs: string[] = [];
  const logs: AuditLog[] = [];

  beforeAll(() => {
    engine = makeEngine();
  });
  afterAll(async () => {
    for (const log of logs) await log.close();
    await engine.teardown();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const open = async (opts: Partial<AuditLogOptions> = {}) => {
    const { db } = await engine.fresh();
    const dir = tempDir();
    dirs.push(dir);
    const log = await openAuditLog({
      db,
      checkpointDir: join(dir, "checkpoints"),
      keyDir: join(dir, "keys"),
      ...opts,
    });
    logs.push(log);
    return { log, db, dir };
  };

  it("appends a chain of records that verifies, single and batched", async () => {
    const { log } = await open({ checkpointEveryRecords: 10 });
    const first = await log.append(call(1, { at: "2025-01-01T00:00:00Z", traceId: "req-1" }));
    expect(first).toMatchObject({
      seq: 1,
      principal: "alice",
      at: "2025-01-01T00:00:00.000Z",
      traceId: "req-1",
    });
    expect(first.prevHash).toBe("0".repeat(64));
    const batch = await log.appendBatch(Array.from({ length: 24 }, (_, i) => call(i + 2)));
    expect(batch.map((r) => r.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 2));
    expect(batch[0]?.prevHash).toBe(first.hash);
    expect(await log.appendBatch([])).toEqual([]);
    const report = await log.verify();
    expect(report).toMatchObject({ ok: true, records: 25, headSeq: 25, checkpoints: 1, trust: "key-dir" });
    expect(report.problems).toEqual([]);
  });

  it("strips secrets from arguments and before/after values before storing", async () => {
    const { log, db } = await open({ secretPaths: ["card.number"] });
    await log.append(
      call(1, {
        args: {
          apiKey: "k-1",
          password: "p",
          card: { number: "4111", name: "A" },
          nested: { auth_token: "t" },
        },
        secretPaths: ["extra"],
        before: { secret: "s", amount: 1 },
        after: { amount: 2 },
      }),
    );
    await log.append(call(2, { args: { extra: "x", keep: 1 } }));
    const rows = await db.query<{ body: string }>("SELECT body FROM audit_log ORDER BY seq");
    expect(rows.map((r) => r.body).join("\n")).not.toMatch(/k-1|4111|"p"|"t"|"s"/);
    const page = await log.query();
    expect(page.records[1]?.args).toEqual({ card: { name: "A" }, nested: {} });
    expect(page.records[1]?.before).toEqual({ amount: 1 });
    expect(page.records[0]?.args).toEqual({ extra: "x", keep: 1 });
  });

  it("applies a caller's redact function", async () => {
    const { log } = await open({ redact: () => ({ replaced: true, token: "t" }) });
    const record = await log.append(call(1));
    expect(record.args).toEqual({ replaced: true });
  });

  it("commits a record with the caller's transaction and rolls it back with it", async () => {
    const { log, db } = await open();
    await db.exec("CREATE TABLE deals (id INTEGER PRIMARY KEY, amount INTEGER)");
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO deals (id, amount) VALUES (1, 10)");
      await log.appendInTx(tx, call(1, { before: null, after: { id: 1, amount: 10 } }));
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO deals (id, amount) VALUES (2, 20)");
        await log.appendInTx(tx, call(2));
        throw new Error("write failed");
      }),
    ).rejects.toThrow("write failed");
    await log.append(call(3));
    expect((await log.head()).seq).toBe(2);
    expect(await db.query("SELECT id FROM deals")).toEqual([{ id: 1 }]);
    expect((await log.verify()).ok).toBe(true);
  });

  it("queries by principal, tool, outcome, time and id with cursor pagination", async () => {
    const { log } = await open();
    const base = Date.parse("2025-03-01T00:00:00Z");
    await log.appendBatch(
      Array.from({ length: 30 }, (_, i) => call(i + 1, { at: new Date(base + i * 60_000) })),
    );
    const alice = await log.query({ principal: "alice", limit: 10 });
    expect(alice.records).toHaveLength(10);
    expect(alice.records.every((r) => r.principal === "alice")).toBe(true);
    expect(alice.records[0]?.seq).toBe(29);
    const rest = await log.query({ principal: "alice", limit: 10, cursor: alice.nextCursor as string });
    expect(rest.records.map((r) => r.seq)).toEqual([9, 7, 5, 3, 1]);
    expect(rest.nextCursor).toBeUndefined();
    expect((await log.query({ tool: "deal_update" })).records.map((r) => r.seq)).toEqual([
      30, 27, 24, 21, 18, 15, 12, 9, 6, 3,
    ]);
    expect((await log.query({ outcome: "error" })).records).toHaveLength(6);
    expect((await log.query({ outcome: ["error", "denied"], principal: "bob" })).records).toHaveLength(3);
    const window = await log.query({ since: new Date(base + 10 * 60_000), until: "2025-03-01T00:15:00Z" });
    expect(window.records.map((r) => r.seq)).toEqual([15, 14, 13, 12, 11]);
    const one = window.records[0];
    expect((await log.query({ id: one?.id as string })).records).toEqual([one]);
    await expect(log.query({ limit: 0 })).rejects.toThrow("limit");
    await expect(log.query({ cursor: "x" })).rejects.toThrow("cursor");
    await expect(log.query({ since: "not a time" })).rejects.toThrow("invalid time");
  });

  it("exports records oldest first in pages", async () => {
    const { log } = await open({ pageSize: 7 });
    await log.appendBatch(
      Array.from({ length: 20 }, (_, i) => call(i + 1, { at: new Date(Date.UTC(2025, 0, 1, 0, i)) })),
    );
    const all = [];
    for await (const r of log.export()) all.push(r.seq);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const some = [];
    for await (const r of log.export({ since: "2025-01-01T00:05:00Z", until: "2025-01-01T00:08:00Z" }))
      some.push(r.seq);
    expect(some).toEqual([6, 7, 8]);
    expect((await log.verify()).records).toBe(20);
  });

  it("refuses UPDATE and DELETE through its triggers", async () => {
    const { log, db } = await open();
    await log.append(call(1));
    await expect(db.run("UPDATE audit_log SET principal = 'eve'")).rejects.toThrow(/append-only/);
    await expect(db.run("DELETE FROM audit_log")).rejects.toThrow(/append-only/);
  });

  it("rejects invalid records without touching the chain", async () => {
    const { log } = await open();
    await expect(log.append({ ...call(1), principal: "" })).rejects.toThrow("principal");
    await expect(log.append({ ...call(1), outcome: "maybe" as "ok" })).rejects.toThrow("outcome");
    await expect(log.append(call(1, { at: "yesterday" }))).rejects.toThrow("invalid time");
    expect((await log.head()).seq).toBe(0);
  });

  describe("writes signed checkpoints", () => {
    it("every N records, atomically, with the key mode 0600 in its own directory", async () => {
      const { log, dir } = await open({ checkpointEveryRecords: 5 });
      for (let i = 1; i <= 12; i++) await log.append(call(i));
      const files = readdirSync(join(dir, "checkpoints")).sort();
      expect(files).toEqual([
        "checkpoint-000000000005.json",
        "checkpoint-000000000010.json",
        "public-key.pem",
      ]);
      const keyFile = join(dir, "keys", "audit-signing-key.pem");
      expect(readFileSync(keyFile, "utf8")).toContain("PRIVATE KEY");
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      await log.close();
      // close signs the unsigned tail
      expect(existsSync(join(dir, "checkpoints", "checkpoint-000000000012.json"))).toBe(true);
    });

    it("at once after a guard decision or an executed write, and verify reports the unsigned tail", async () => {
      const { log, dir } = await open({ checkpointEveryRecords: 1000 });
      await log.append(call(1));
      await log.append(call(2));
      expect((await log.verify()).unsignedTail).toEqual({ records: 2 });
      await log.append({ ...call(3), outcome: "confirmed", planHash: "ab".repeat(32) });
      const cps = readdirSync(join(dir, "checkpoints")).filter((f) => f.startsWith("checkpoint-"));
      expect(cps).toEqual(["checkpoint-000000000003.json"]);
      await log.append(call(4));
      const report = await log.verify();
      expect(report.unsignedTail.records).toBe(1);
      expect(report.unsignedTail.lastSignedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    });

    it("never by a reader: verifying does not sign the tail it checks", async () => {
      const { log, db, dir } = await open({ checkpointEveryRecords: 1000 });
      await log.append(call(1));
      await log.append(call(2));
      const reader = await openAuditLog({
        db,
        checkpointDir: join(dir, "checkpoints"),
        keyDir: join(dir, "keys"),
        checkpointEveryMinutes: 0.0005,
        signs: false,
      });
      await new Promise((r) => setTimeout(r, 60));
      expect((await reader.verify()).unsignedTail).toEqual({ records: 2 });
      await reader.close();
      expect(existsSync(join(dir, "checkpoints"))).toBe(false);
    });

    it("every T minutes, and on demand", async () => {
      let now = Date.parse("2025-01-01T00:00:00Z");
      const { log, dir } = await open({
        checkpointEveryRecords: 1000,
        checkpointEveryMinutes: 0.0005,
        now: () => new Date(now),
      });
      await log.append(call(1));
      await new Promise((r) => setTimeout(r, 60));
      await log.append(call(2));
      const cps = () => readdirSync(join(dir, "checkpoints")).filter((f) => f.startsWith("checkpoint-"));
      expect(cps().length).toBeGreaterThanOrEqual(1);
      now += 1000;
      const cp = await log.checkpoint();
      expect(cp).toMatchObject({ seq: 2, at: "2025-01-01T00:00:01.000Z" });
      expect((await log.verify()).ok).toBe(true);
    });

    it("refuse a checkpoint directory whose public key is another one", async () => {
      const errors: unknown[] = [];
      const { log, dir } = await open({ checkpointEveryRecords: 1, onError: (e) => errors.push(e) });
      const other = await open({
        checkpointDir: join(dir, "checkpoints"),
        checkpointEveryRecords: 1,
        onError: (e) => errors.push(e),
      });
      await log.append(call(1));
      await other.log.appendBatch([call(1), call(2)]);
      expect(String(errors[0])).toContain("another public key");
      await expect(other.log.checkpoint()).rejects.toThrow("another public key");
    });

    it("need a key dir apart from the checkpoint dir", async () => {
      const { db } = await engine.fresh();
      await expect(openAuditLog({ db, checkpointDir: "/tmp/x" })).rejects.toThrow("keyDir");
      await expect(openAuditLog({ db, checkpointDir: "/tmp/x", keyDir: "/tmp/x" })).rejects.toThrow("differ");
      const plain = await openAuditLog({ db });
      await plain.append(call(1));
      expect(await plain.checkpoint()).toBeUndefined();
      expect(await plain.verify()).toMatchObject({ ok: true, trust: "none", checkpoints: 0 });
      await plain.close();
    });
  });

  describe("verify() detects tampering in the database", () => {
    // checkpoints at #6 and #12
    const tampered = async (tamper: (db: SqlDb) => Promise<unknown>, count = 12) => {
      const { log, db } = await open({ checkpointEveryRecords: 6 });
      for (let i = 0; i < count; i += 6)
        await log.appendBatch(Array.from({ length: 6 }, (_, j) => call(i + j + 1)));
      expect((await log.verify()).ok).toBe(true);
      await dropGuards(db);
      await tamper(db);
      return log.verify();
    };
    const sealed = (db: SqlDb, seq: number) =>
      db.one<{ body: string; hash: string }>("SELECT body, hash FROM audit_log WHERE seq = ?", [seq]);

    it("a modified body", async () => {
      const report = await tampered((db) =>
        db.run("UPDATE audit_log SET body = replace(body, 'won', 'lost') WHERE seq = 4"),
      );
      expect(report.problem).toMatchObject({ kind: "modified", seq: 4 });
      expect(report.ok).toBe(false);
    });

    it("a modified query column", async () => {
      const report = await tampered((db) =>
        db.run("UPDATE audit_log SET principal = 'mallory' WHERE seq = 3"),
      );
      expect(report.problem).toMatchObject({ kind: "modified", seq: 3 });
      expect(report.problem?.message).toContain("principal");
    });

    it("a deleted record", async () => {
      const report = await tampered((db) => db.run("DELETE FROM audit_log WHERE seq = 5"));
      expect(report.problem).toMatchObject({ kind: "deleted", seq: 5 });
    });

    it("two swapped records", async () => {
      const report = await tampered(async (db) => {
        await db.run("UPDATE audit_log SET seq = 1000 WHERE seq = 7");
        await db.run("UPDATE audit_log SET seq = 7, prev_hash = 'x' WHERE seq = 8");
        await db.run("UPDATE audit_log SET seq = 8 WHERE seq = 1000");
      });
      expect(report.problem).toMatchObject({ kind: "reordered", seq: 7 });
    });

    it("an inserted record (later ones renumbered)", async () => {
      const report = await tampered(async (db) => {
        for (let seq = 12; seq >= 5; seq--)
          await db.run("UPDATE audit_log SET seq = seq + 1 WHERE seq = ?", [seq]);
        await db.run(
          "INSERT INTO audit_log (seq, id, at, principal, server, tool, outcome, prev_hash, hash, body) VALUES (5, 'forged', 'x', 'p', 's', 't', 'ok', 'p', 'h', '{}')",
        );
      });
      expect(report.problem?.seq).toBe(5);
      expect(report.ok).toBe(false);
    });

    it("a truncated tail after a checkpoint", async () => {
      const report = await tampered((db) => db.run("DELETE FROM audit_log WHERE seq > 9"));
      expect(report.problem).toMatchObject({ kind: "truncated", seq: 10 });
    });

    it("a rewritten and rehashed tail, through the signed checkpoint", async () => {
      const { sealRecord } = await import("./record");
      const report = await tampered(async (db) => {
        const rows = await db.query<{ seq: number; body: string }>(
          "SELECT seq, body FROM audit_log WHERE seq >= 3 ORDER BY seq",
        );
        const two = await sealed(db, 2);
        let prev = two?.hash as string;
        for (const row of rows) {
          const { seq: _s, prevHash: _p, ...rest } = JSON.parse(row.body);
          const forged = sealRecord({ ...rest, principal: "mallory" }, row.seq, prev);
          prev = forged.hash;
          await db.run(
            "UPDATE audit_log SET principal = ?, prev_hash = ?, hash = ?, body = ? WHERE seq = ?",
            [forged.principal, forged.prev_hash, forged.hash, forged.body, row.seq],
          );
        }
      });
      expect(report.problem).toMatchObject({ kind: "checkpoint_mismatch", seq: 6 });
    });
  });
});
