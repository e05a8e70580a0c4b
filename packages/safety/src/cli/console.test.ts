import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCli } from "../cli";

const run = async (dir: string, args: string[], answers: string[] = [], env: Record<string, string> = {}) => {
  const out: string[] = [];
  const cli = buildCli({
    env: { REVOPS_DATA_DIR: dir, ...env },
    print: (l) => out.push(l),
    ask: async () => answers.shift() ?? "",
  });
  await cli.parseAsync(["node", "revops", ...args]);
  return out.join("\n");
};

describe("revops console user", () => {
  it("adds a user with a one-time sign-in link, lists and disables them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "console-cli-"));
    const added = await run(dir, ["console", "user", "add", "Ann@Example.com", "--role", "auditor"], [], {
      PORT: "3100",
    });
    expect(added).toContain("Console user ann@example.com (auditor) added");
    expect(added).toMatch(/http:\/\/127\.0\.0\.1:3100\/console\/welcome\?token=[\w-]{43}/);
    const withUrl = await run(dir, [
      "console",
      "user",
      "add",
      "bo@example.com",
      "--role",
      "admin",
      "--url",
      "https://mcp.example.com/",
    ]);
    expect(withUrl).toMatch(/https:\/\/mcp\.example\.com\/console\/welcome\?token=/);
    const listed = await run(dir, ["console", "user", "list"]);
    expect(listed).toContain("ann@example.com  auditor  link not used yet");
    expect(await run(dir, ["console", "user", "disable", "ann@example.com"])).toContain(
      "Disabled ann@example.com",
    );
    expect(await run(dir, ["console", "user", "list"])).toMatch(/ann@example.com {2}auditor {2}disabled/);
    await expect(run(dir, ["console", "user", "disable", "ann@example.com"])).rejects.toThrow(/No active/);
    await expect(run(dir, ["console", "user", "add", "x@example.com", "--role", "emperor"])).rejects.toThrow(
      /Unknown role/,
    );
  });

  it("sets a password when asked, refusing two different answers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "console-cli-"));
    expect(await run(dir, ["console", "user", "list"])).toContain("No console users");
    await expect(
      run(
        dir,
        ["console", "user", "add", "cy@example.com", "--role", "admin", "--password"],
        ["a long enough password", "a different password"],
      ),
    ).rejects.toThrow(/differ/);
    const ok = await run(
      dir,
      ["console", "user", "add", "cy@example.com", "--role", "admin", "--password"],
      ["a long enough password", "a long enough password"],
      { PUBLIC_URL: "https://mcp.example.com/mcp" },
    );
    expect(ok).toContain("can sign in at https://mcp.example.com/console");
    expect(await run(dir, ["console", "user", "list"])).toContain("cy@example.com  admin  active");
  });
});
