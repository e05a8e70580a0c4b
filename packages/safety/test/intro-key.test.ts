import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiKeyStore } from "@revops/auth";
import { createLogger, KitRuntime } from "@revops/kit";
import { afterAll, describe, expect, it } from "vitest";
import { ensureIntroKey, safetyConfigSchema } from "../src/index";

const dir = mkdtempSync(join(tmpdir(), "intro-key-"));
const rt = new KitRuntime(safetyConfigSchema.parse({ REVOPS_DATA_DIR: dir }), createLogger("silent", "t"));
afterAll(async () => {
  await rt.close(100);
  rmSync(dir, { recursive: true, force: true });
});

describe("sandbox intro key", () => {
  it("creates an admin key once, keeps it private, and reuses it while valid", async () => {
    const key = await ensureIntroKey(rt);
    expect(key).toMatch(/^rmcp_/);
    expect(statSync(join(dir, "sandbox-intro.key")).mode & 0o777).toBe(0o600);
    expect(await ensureIntroKey(rt)).toBe(key);
    const check = await new ApiKeyStore(await rt.sql()).verify(key);
    expect(check.ok && check.principal.scopes).toEqual(["*"]);
  });

  it("replaces a saved key that no longer works (revoked or edited)", async () => {
    writeFileSync(join(dir, "sandbox-intro.key"), "rmcp_000000000000_forged\n");
    const key = await ensureIntroKey(rt);
    expect(key).not.toContain("forged");
    expect((await new ApiKeyStore(await rt.sql()).verify(key)).ok).toBe(true);
  });
});

describe("configuration", () => {
  it("documents every variable in .env.example", async () => {
    const { readFileSync } = await import("node:fs");
    const example = readFileSync(new URL("../../../.env.example", import.meta.url), "utf8");
    const missing = Object.keys(safetyConfigSchema.shape).filter(
      (k) => !new RegExp(`^${k}=`, "m").test(example),
    );
    expect(missing).toEqual([]);
  });
});
