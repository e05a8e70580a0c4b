import { mkdtempSync } from "node:fs";
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
});
