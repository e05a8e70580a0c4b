import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSql } from "@revops/store";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { registerAuthCommands } from "../src/cli";
import { ApiKeyStore, CredentialVault, generateMasterKey, parseMasterKey } from "../src/index";

describe("revops keys CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "auth-cli-"));
  const openDb = () => openSql({ dataDir: dir });
  const oldKey = generateMasterKey();
  const newKey = generateMasterKey();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (argv: string[], env: Record<string, string | undefined> = {}) => {
    const out: string[] = [];
    const errors: string[] = [];
    const program = new Command("revops")
      .exitOverride()
      .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => errors.push(s) });
    registerAuthCommands(program, {
      openDb,
      env: { REVOPS_MASTER_KEY: oldKey, ...env },
      print: (l) => out.push(l),
    });
    let error: Error | undefined;
    try {
      await program.parseAsync(argv, { from: "user" });
    } catch (err) {
      error = err as Error;
    }
    return { out, errors: errors.join(""), error };
  };

  it("creates a key, printing it once, then lists and revokes it", async () => {
    const created = await run(["keys", "create", "--role", "sales-rep", "--name", "zapier"]);
    expect(created.error).toBeUndefined();
    const key = created.out.find((l) => l.startsWith("rmcp_")) ?? "";
    expect(key).toMatch(/^rmcp_[0-9a-f]{12}_/);
    const id = key.split("_")[1] ?? "";
    expect(created.out[0]).toBe(`Created API key ${id} (zapier, role sales-rep).`);

    const listed = await run(["keys", "list"]);
    expect(listed.out.join("\n")).toContain(`${id}\tzapier\tsales-rep`);
    expect(listed.out.join("\n")).not.toContain(key);
    const json = await run(["keys", "list", "--json"]);
    expect(JSON.parse(json.out[0] ?? "[]")).toMatchObject([
      { id, name: "zapier", role: "sales-rep", revokedAt: null },
    ]);

    expect((await run(["keys", "revoke", id])).out).toEqual([`Revoked API key ${id}.`]);
    const again = await run(["keys", "revoke", id]);
    expect(again.errors).toMatch(/No active API key with id/);
    expect((await run(["keys", "list"])).out.join("\n")).toMatch(/revoked \d{4}-/);
    const db = await openDb();
    expect((await new ApiKeyStore(db).verify(key)).ok).toBe(false);
    await db.close();
  });

  it("validates options", async () => {
    expect((await run(["keys", "create", "--role", "ceo", "--name", "x"])).errors).toMatch(
      /Allowed choices are/,
    );
    expect((await run(["keys", "create", "--name", "x"])).errors).toMatch(/--role <role>' not specified/);
    expect((await run(["keys", "rotate-master"])).errors).toMatch(/REVOPS_NEW_MASTER_KEY or with --key-file/);
  });

  it("prints an empty-state hint", async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), "auth-cli-empty-"));
    const out: string[] = [];
    const program = new Command().exitOverride();
    registerAuthCommands(program, {
      openDb: () => openSql({ dataDir: emptyDir }),
      print: (l) => out.push(l),
    });
    await program.parseAsync(["keys", "list"], { from: "user" });
    expect(out[0]).toMatch(/No API keys/);
    rmSync(emptyDir, { recursive: true, force: true });
  });

  it("rotates the master key from the environment or a key file", async () => {
    const db = await openDb();
    await new CredentialVault(db, { current: parseMasterKey(oldKey) }).put("sf-1", "sf-secret", {
      vendor: "salesforce",
    });
    await db.close();
    const rotated = await run(["keys", "rotate-master"], { REVOPS_NEW_MASTER_KEY: newKey });
    expect(rotated.error).toBeUndefined();
    expect(rotated.out[0]).toBe(
      `Rewrapped 1 credential(s) with master key ${parseMasterKey(newKey).version}; 0 remaining.`,
    );
    expect(rotated.out.join("\n")).not.toContain(newKey);

    const file = join(dir, "next.key");
    const third = generateMasterKey();
    writeFileSync(file, third);
    const viaFile = await run(["keys", "rotate-master", "--key-file", file], { REVOPS_MASTER_KEY: newKey });
    expect(viaFile.out[0]).toMatch(/^Rewrapped 1 credential/);
    const check = await openDb();
    expect(await new CredentialVault(check, { current: parseMasterKey(third) }).get("sf-1")).toBe(
      "sf-secret",
    );
    await check.close();
  });
});
