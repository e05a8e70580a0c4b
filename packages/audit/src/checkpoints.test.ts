import { generateKeyPairSync } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Engine, sqliteEngine, tempDir } from "../test/env";
import { checkpointFileName, signCheckpoint } from "./checkpoints";
import { createFileOnce, writeFileAtomic } from "./files";
import { openAuditLog } from "./index";
import { loadOrCreateSigningKey, publicPemOf, readSigningKey } from "./keys";

describe("checkpoint files and keys", () => {
  const engine: Engine = sqliteEngine();
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    await engine.teardown();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("generates one key even when several callers race, and tightens a loose mode", () => {
    const keyDir = join(dir(), "keys");
    const keys = Array.from({ length: 5 }, () => loadOrCreateSigningKey(keyDir));
    expect(new Set(keys.map((k) => k.publicPem)).size).toBe(1);
    expect(readdirSync(keyDir)).toEqual(["audit-signing-key.pem"]);
    const path = join(keyDir, "audit-signing-key.pem");
    writeFileSync(path, readFileSync(path), { mode: 0o644 });
    loadOrCreateSigningKey(keyDir);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readSigningKey(join(keyDir, "none"))).toBeUndefined();
  });

  it("writes atomically and creates once", () => {
    const d = dir();
    writeFileAtomic(join(d, "a.json"), "1");
    writeFileAtomic(join(d, "a.json"), "2");
    expect(readFileSync(join(d, "a.json"), "utf8")).toBe("2");
    expect(createFileOnce(join(d, "b"), "x", 0o600)).toBe(true);
    expect(createFileOnce(join(d, "b"), "y", 0o600)).toBe(false);
    expect(readdirSync(d).sort()).toEqual(["a.json", "b"]);
    expect(() => createFileOnce(join(d, "missing", "c"), "x", 0o600)).toThrow();
  });

  it("verify() flags forged, unreadable and re-keyed checkpoints on disk", async () => {
    const d = dir();
    const cpDir = join(d, "cp");
    const opts = {
      db: (await engine.fresh()).db,
      checkpointDir: cpDir,
      keyDir: join(d, "keys"),
      checkpointEveryRecords: 3,
    };
    const log = await openAuditLog(opts);
    for (let i = 0; i < 9; i++) await log.append({ principal: "p", server: "s", tool: "t", outcome: "ok" });
    expect((await log.verify()).checkpoints).toBe(3);

    const attacker = generateKeyPairSync("ed25519");
    const first = JSON.parse(readFileSync(join(cpDir, checkpointFileName(3)), "utf8"));
    writeFileSync(
      join(cpDir, checkpointFileName(3)),
      signCheckpoint({ v: 1, seq: 3, head: first.head, at: first.at }, attacker.privateKey),
    );
    let report = await log.verify();
    expect(report.problem).toMatchObject({
      kind: "checkpoint_signature",
      seq: 3,
      checkpoint: checkpointFileName(3),
    });

    writeFileSync(join(cpDir, checkpointFileName(3)), "not json");
    report = await log.verify();
    expect(report.problem?.message).toContain("not a valid checkpoint file");

    rmSync(join(cpDir, checkpointFileName(3)));
    writeFileSync(join(cpDir, "public-key.pem"), publicPemOf(attacker.publicKey));
    report = await log.verify();
    expect(report.problem).toMatchObject({ kind: "checkpoint_signature", checkpoint: "public-key.pem" });

    // a verifier without the key dir trusts the key beside the checkpoints, and says so
    const elsewhere = await openAuditLog({
      db: opts.db,
      checkpointDir: cpDir,
      keyDir: join(d, "other-keys"),
    });
    report = await elsewhere.verify();
    expect(report.trust).toBe("checkpoint-dir");
    expect(report.problem?.kind).toBe("checkpoint_signature");
    const pinned = await openAuditLog({
      db: opts.db,
      checkpointDir: cpDir,
      keyDir: join(d, "other-keys"),
      publicKey: readSigningKey(opts.keyDir)?.publicPem as string,
    });
    expect((await pinned.verify()).trust).toBe("pinned");
    rmSync(join(cpDir, "public-key.pem"));
    rmSync(join(d, "keys"), { recursive: true });
    report = await elsewhere.verify();
    expect(report).toMatchObject({ trust: "none", ok: false });
    expect(report.problem?.message).toContain("no audit public key");
    await log.close();
  });
});
