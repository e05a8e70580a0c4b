import { rmSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { dropGuards, type Engine, sqliteEngine, tempDir } from "../test/env";
import { registerAuditCommands } from "./cli";
import { type AuditLog, openAuditLog } from "./index";

describe("revops audit CLI", () => {
  let engine: Engine;
  let dir: string;
  let open: () => Promise<AuditLog>;
  let out: string[];
  let err: string[];

  beforeAll(async () => {
    engine = sqliteEngine();
    dir = tempDir();
    const { db } = await engine.fresh();
    const opts = {
      db,
      checkpointDir: join(dir, "cp"),
      keyDir: join(dir, "keys"),
      checkpointEveryRecords: 10,
    };
    const log = await openAuditLog(opts);
    await log.appendBatch(
      Array.from({ length: 30 }, (_, i) => ({
        principal: i % 2 ? "alice" : "bob",
        server: "sales",
        tool: i % 3 ? "deals_list" : "deal_update",
        outcome: i % 4 ? ("ok" as const) : ("denied" as const),
        at: new Date(Date.UTC(2025, 0, 1, 0, i)),
      })),
    );
    // the CLI closes the log after each command, but the db stays open for the next one
    open = () => openAuditLog(opts);
  });
  afterAll(async () => {
    await engine.teardown();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  const run = async (...argv: string[]) => {
    out = [];
    err = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
    vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
    const program = new Command("revops").exitOverride();
    registerAuditCommands(program, open);
    await program.parseAsync(["node", "revops", "audit", ...argv]);
  };

  it("verify prints a summary, or the JSON report", async () => {
    await run("verify");
    expect(out.join("\n")).toMatch(
      /audit log OK\nrecords verified: 30 \(head #30 [0-9a-f]{16}…\)\nsigned checkpoints: 1 \(key: key-dir\)/,
    );
    expect(process.exitCode).toBeUndefined();
    await run("verify", "--json");
    expect(JSON.parse(out.join("\n"))).toMatchObject({ ok: true, records: 30 });
  });

  it("query filters and paginates, newest first", async () => {
    await run("query", "--principal", "alice", "--tool", "deals_list", "--limit", "3");
    const records = out.map((l) => JSON.parse(l));
    expect(records.map((r) => r.seq)).toEqual([30, 26, 24]);
    expect(err.join("")).toContain("--cursor 24");
    await run(
      "query",
      "--outcome",
      "denied",
      "ok",
      "--since",
      "2025-01-01T00:10:00Z",
      "--until",
      "2025-01-01T00:13:00Z",
    );
    expect(out.map((l) => JSON.parse(l).seq)).toEqual([13, 12, 11]);
    await run("query", "--id", records[0].id);
    expect(out).toHaveLength(1);
    await run("query", "--cursor", "3");
    expect(out.map((l) => JSON.parse(l).seq)).toEqual([2, 1]);
  });

  it("export writes JSON Lines oldest first", async () => {
    await run("export", "--since", "2025-01-01T00:28:00Z");
    expect(out.map((l) => JSON.parse(l).seq)).toEqual([29, 30]);
    await run("export");
    expect(out).toHaveLength(30);
    expect(JSON.parse(out[0] as string)).toHaveProperty("hash");
  });

  it("rejects bad options with a message that says what to fix", async () => {
    await expect(run("query", "--limit", "0")).rejects.toThrow("--limit must be a positive integer");
    await expect(run("query", "--outcome", "maybe")).rejects.toThrow('outcome "maybe" is not one of');
    await expect(run("export", "--since", "soon")).rejects.toThrow("since must be an ISO-8601 time");
  });

  it("erase --subject deletes one person's values; query shows [erased] and verify still passes", async () => {
    const log = await open();
    await log.append({
      principal: "alice",
      server: "marketing",
      tool: "email_send",
      outcome: "ok",
      args: { to: "erin@example.com", note: "asked for a callback" },
      at: new Date(Date.UTC(2025, 0, 2)),
    });
    await log.close();
    await run("query", "--tool", "email_send");
    expect(JSON.parse(out[0] as string).args).toEqual({
      to: "erin@example.com",
      note: "asked for a callback",
    });
    await run("erase", "--subject", "Erin@Example.com");
    expect(out).toEqual(["erased 2 personal values from 1 records naming erin@example.com"]);
    await run("erase", "--subject", "erin@example.com", "--json");
    expect(JSON.parse(out[0] as string)).toEqual({ subject: "erin@example.com", records: 0, values: 0 });
    await run("export", "--since", "2025-01-02T00:00:00Z");
    expect(JSON.parse(out[0] as string).args).toEqual({ to: "[erased]", note: "[erased]" });
    await run("verify");
    expect(out.join("\n")).toMatch(/audit log OK\nrecords verified: 31 /);
    await expect(run("erase")).rejects.toThrow("--subject");
  });

  it("verify exits with code 1 and names the problem when the log was tampered with", async () => {
    const log = await open();
    await dropGuards(log.db);
    await log.db.run("DELETE FROM audit_log WHERE seq = 4");
    await log.close();
    await run("verify");
    expect(out.join("\n")).toContain("audit log TAMPERED");
    expect(out.join("\n")).toContain("deleted at #4: record #4 is missing");
    expect(process.exitCode).toBe(1);
  });
});
