import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CredentialVault,
  generateMasterKey,
  loadMasterKeys,
  MasterKeyError,
  masterKeyFromBytes,
  parseMasterKey,
  readMasterKeyFile,
  VaultError,
} from "../src/index";
import { type Engine, engines } from "./env";

const newKey = () => masterKeyFromBytes(randomBytes(32));

describe.each(engines)("CredentialVault on %s", (_name, makeEngine) => {
  let engine: Engine;
  let db: SqlDb;

  beforeAll(async () => {
    engine = makeEngine();
    db = await engine.open();
  });
  afterAll(() => engine.teardown());
  beforeEach(async () => {
    await db.run("DELETE FROM auth_credentials");
  });

  it("round-trips secrets, lists metadata only, replaces and deletes", async () => {
    const vault = new CredentialVault(db, { current: newKey() });
    await vault.put("sf-acme", '{"refresh":"r-1"}', { vendor: "salesforce" });
    await vault.put("hub-1", "pat-xyz");
    expect(await vault.get("sf-acme")).toBe('{"refresh":"r-1"}');
    expect(await vault.get("missing")).toBeUndefined();
    const listed = await vault.list();
    expect(listed.map((c) => [c.connectionId, c.vendor, c.kekVersion])).toEqual([
      ["hub-1", "generic", vault.currentKeyVersion],
      ["sf-acme", "salesforce", vault.currentKeyVersion],
    ]);
    expect(JSON.stringify(listed)).not.toContain("r-1");
    await vault.put("sf-acme", "second", { vendor: "salesforce" });
    expect(await vault.get("sf-acme")).toBe("second");
    expect(await vault.delete("sf-acme")).toBe(true);
    expect(await vault.delete("sf-acme")).toBe(false);
    await expect(vault.put("", "x")).rejects.toThrow(/connectionId/);
  });

  it("stores only ciphertext, with a different data key per credential", async () => {
    const vault = new CredentialVault(db, { current: newKey() });
    await vault.put("a", "same-secret-value");
    await vault.put("b", "same-secret-value");
    const rows = await db.query<{ wrapped_key: string; ciphertext: string }>(
      "SELECT wrapped_key, ciphertext FROM auth_credentials ORDER BY connection_id",
    );
    expect(JSON.stringify(rows)).not.toContain("same-secret-value");
    expect(rows[0]?.ciphertext).not.toBe(rows[1]?.ciphertext);
    expect(rows[0]?.wrapped_key).not.toBe(rows[1]?.wrapped_key);
  });

  it("detects tampering with the ciphertext, the wrapped key and the key version", async () => {
    const vault = new CredentialVault(db, { current: newKey() });
    await vault.put("c1", "top-secret");
    const row = await db.one<{ ciphertext: string; wrapped_key: string }>(
      "SELECT ciphertext, wrapped_key FROM auth_credentials WHERE connection_id = 'c1'",
    );
    const flip = (b64: string) => {
      const raw = Buffer.from(b64, "base64");
      raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
      return raw.toString("base64");
    };
    await db.run("UPDATE auth_credentials SET ciphertext = ? WHERE connection_id = 'c1'", [
      flip(row?.ciphertext ?? ""),
    ]);
    await expect(vault.get("c1")).rejects.toThrow(/Cannot decrypt credential c1: integrity check failed/);
    await db.run("UPDATE auth_credentials SET ciphertext = ?, wrapped_key = ? WHERE connection_id = 'c1'", [
      row?.ciphertext,
      flip(row?.wrapped_key ?? ""),
    ]);
    await expect(vault.get("c1")).rejects.toThrow(/Cannot unwrap the data key of credential c1/);
    await db.run(
      "UPDATE auth_credentials SET ciphertext = ?, wrapped_key = ?, kek_version = ? WHERE connection_id = 'c1'",
      [row?.ciphertext, row?.wrapped_key, "kek_0000000000000000"],
    );
    await expect(vault.get("c1")).rejects.toThrow(
      /wrapped by master key kek_0000000000000000, which is not loaded/,
    );
  });

  it("refuses a credential moved to another connection id (AAD binds the id)", async () => {
    const vault = new CredentialVault(db, { current: newKey() });
    await vault.put("victim", "victim-secret");
    await vault.put("attacker", "attacker-secret");
    const victim = await db.one<{ ciphertext: string; wrapped_key: string }>(
      "SELECT ciphertext, wrapped_key FROM auth_credentials WHERE connection_id = 'victim'",
    );
    await db.run(
      "UPDATE auth_credentials SET ciphertext = ?, wrapped_key = ? WHERE connection_id = 'attacker'",
      [victim?.ciphertext, victim?.wrapped_key],
    );
    await expect(vault.get("attacker")).rejects.toThrow(VaultError);
    // the data-key layer binds the id too: the right wrapped key with someone else's ciphertext fails
    await vault.put("attacker", "attacker-secret");
    await db.run("UPDATE auth_credentials SET ciphertext = ? WHERE connection_id = 'attacker'", [
      victim?.ciphertext,
    ]);
    await expect(vault.get("attacker")).rejects.toThrow(/Cannot decrypt credential attacker/);
  });

  it("rotates the master key: rewraps every data key, old version readable until done", async () => {
    const oldKey = newKey();
    const vault = new CredentialVault(db, { current: oldKey });
    for (let i = 0; i < 205; i++) await vault.put(`conn-${String(i).padStart(3, "0")}`, `secret-${i}`);
    const before = await db.query<{ ciphertext: string }>(
      "SELECT ciphertext FROM auth_credentials ORDER BY connection_id",
    );
    // a replica started with both keys (new current, old previous) reads old and new rows alike
    const next = newKey();
    const replica = new CredentialVault(db, { current: next, previous: [oldKey] });
    expect(await replica.get("conn-007")).toBe("secret-7");

    const result = await vault.rotateMaster(next.key);
    expect(result).toEqual({ rewrapped: 205, remaining: 0 });
    expect(vault.currentKeyVersion).toBe(next.version);
    const versions = await db.query<{ kek_version: string }>(
      "SELECT DISTINCT kek_version FROM auth_credentials",
    );
    expect(versions).toEqual([{ kek_version: next.version }]);
    // envelope: data ciphertexts untouched, only the wrapped keys changed
    expect(await db.query("SELECT ciphertext FROM auth_credentials ORDER BY connection_id")).toEqual(before);
    const fresh = new CredentialVault(db, { current: next });
    expect(await fresh.get("conn-204")).toBe("secret-204");
    await expect(new CredentialVault(db, { current: oldKey }).get("conn-000")).rejects.toThrow(/not loaded/);
    expect(await vault.rotateMaster(next)).toEqual({ rewrapped: 0, remaining: 0 });
  });

  it("reports rows it cannot rewrap as remaining", async () => {
    const lost = newKey();
    await new CredentialVault(db, { current: lost }).put("orphan", "x");
    const vault = new CredentialVault(db, { current: newKey() });
    await vault.put("fine", "y");
    expect(await vault.rotateMaster(newKey())).toEqual({ rewrapped: 1, remaining: 1 });
  });
});

describe("master keys", () => {
  it("parses base64 keys and derives stable versions without echoing the key", () => {
    const b64 = generateMasterKey();
    const a = parseMasterKey(b64);
    expect(a.version).toMatch(/^kek_[0-9a-f]{16}$/);
    expect(parseMasterKey(` ${b64}\n`).version).toBe(a.version);
    expect(parseMasterKey(Buffer.from(b64, "base64").toString("base64url")).version).toBe(a.version);
    const short = randomBytes(16).toString("base64");
    expect(() => parseMasterKey(short)).toThrow(
      /REVOPS_MASTER_KEY \(decoded\) must be exactly 32 bytes, got 16/,
    );
    try {
      parseMasterKey(short);
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
    expect(() => parseMasterKey("not base64!")).toThrow(MasterKeyError);
  });

  it("loads from the environment or a key file, with previous keys", () => {
    const cur = generateMasterKey();
    const old1 = generateMasterKey();
    const ring = loadMasterKeys({ REVOPS_MASTER_KEY: cur, REVOPS_MASTER_KEY_PREVIOUS: `${old1}, ` });
    expect(ring.current.version).toBe(parseMasterKey(cur).version);
    expect(ring.previous?.map((k) => k.version)).toEqual([parseMasterKey(old1).version]);
    const dir = mkdtempSync(join(tmpdir(), "kek-"));
    const raw = join(dir, "raw.key");
    const bytes = randomBytes(32);
    writeFileSync(raw, bytes);
    expect(loadMasterKeys({ REVOPS_MASTER_KEY_FILE: raw }).current.version).toBe(
      masterKeyFromBytes(bytes).version,
    );
    const text = join(dir, "b64.key");
    writeFileSync(text, `${cur}\n`);
    expect(readMasterKeyFile(text).version).toBe(parseMasterKey(cur).version);
    expect(() => readMasterKeyFile(join(dir, "none"))).toThrow(/Cannot read master key file .*ENOENT/);
    expect(() => loadMasterKeys({})).toThrow(/No master key: set REVOPS_MASTER_KEY/);
    expect(() => loadMasterKeys({ REVOPS_MASTER_KEY: cur, REVOPS_MASTER_KEY_FILE: raw })).toThrow(/not both/);
    expect(() => loadMasterKeys({ REVOPS_MASTER_KEY: cur, REVOPS_MASTER_KEY_PREVIOUS: "abc" })).toThrow(
      /REVOPS_MASTER_KEY_PREVIOUS\[0\]/,
    );
  });
});
