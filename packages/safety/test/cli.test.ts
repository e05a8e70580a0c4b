import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCli } from "../src/index";

const run = async (args: string[], env: Record<string, string> = {}) => {
  const out: string[] = [];
  const cli = buildCli({ env, print: (l) => out.push(l) });
  await cli.parseAsync(["node", "revops", ...args]);
  return out.join("\n");
};

describe("revops CLI", () => {
  it("creates, lists and revokes API keys in the server's data directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    const created = await run(["--data-dir", dir, "keys", "create", "--role", "sales-rep", "--name", "ann"]);
    const key = created.match(/rmcp_\S+/)?.[0];
    expect(key).toBeDefined();
    const listed = await run(["keys", "list", "--json"], { REVOPS_DATA_DIR: dir });
    const [row] = JSON.parse(listed) as { id: string; name: string; role: string }[];
    expect(row).toMatchObject({ name: "ann", role: "sales-rep" });
    expect(listed).not.toContain(key as string);
    expect(await run(["--data-dir", dir, "keys", "revoke", row?.id as string])).toMatch(/[Rr]evoked/);
  });

  it("names the variable and the fix when configuration is bad", async () => {
    await expect(run(["keys", "list"], { DATABASE_URL: "mysql://x" })).rejects.toThrow(/DATABASE_URL/);
  });

  it("shows what two environment profiles set differently, secrets masked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-profiles-"));
    writeFileSync(join(dir, ".env"), "PORT=3000\n");
    writeFileSync(join(dir, ".env.dev"), "LOG_LEVEL=debug\nZENDESK_API_TOKEN=dev-token-1\n");
    writeFileSync(join(dir, ".env.prod"), "ZENDESK_API_TOKEN=prod-token-2\nPORT=443\n");
    const out = await run(["config", "diff", "dev", "prod"], { REVOPS_ENV_FILE: join(dir, ".env") });
    expect(out).toContain("3 settings differ (dev → prod):");
    expect(out).toMatch(/LOG_LEVEL\s+debug → \(unset\)/);
    expect(out).toMatch(/PORT\s+3000 → 443/);
    expect(out).toMatch(/ZENDESK_API_TOKEN\s+\*\*\* \(sha256 [0-9a-f]{8}\) → \*\*\* \(sha256 [0-9a-f]{8}\)/);
    expect(out).not.toContain("token-");
    await expect(
      run(["config", "diff", "dev", "qa"], { REVOPS_ENV_FILE: join(dir, ".env") }),
    ).rejects.toThrow(/REVOPS_ENV=qa/);
  });
});
