import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { defaultConfigPath, lineDiff, registerInstallCommand, serverCommand } from "../src/cli/install";
import { buildCli } from "../src/index";

const NODE = "/usr/local/bin/node";
// biome-ignore lint/suspicious/noTemplateCurlyInString: Claude Code's ${VAR} expansion, written as such
const TOKEN_REF = "${ZENDESK_API_TOKEN}";

/** Runs `revops install …` on Linux with home and cwd in a fresh folder; what it printed. */
async function install(args: string[], where: { home: string; cwd: string }) {
  const lines: string[] = [];
  const program = new Command("revops").exitOverride();
  registerInstallCommand(program, {
    print: (l) => lines.push(l),
    env: {},
    platform: "linux",
    home: where.home,
    cwd: where.cwd,
    nodePath: NODE,
  });
  await program.parseAsync(["node", "revops", "install", ...args]);
  return lines;
}

function folders() {
  const root = mkdtempSync(join(tmpdir(), "install-"));
  const home = join(root, "home");
  const cwd = join(root, "project");
  mkdirSync(home);
  mkdirSync(cwd);
  return { root, home, cwd };
}

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const backups = (dir: string, base: string) => readdirSync(dir).filter((f) => f.startsWith(`${base}.bak-`));

describe("revops install", () => {
  it("claude-desktop on Linux: creates the config with the suite over npx, then changes nothing the second time", async () => {
    const w = folders();
    const file = join(w.home, ".config", "Claude", "claude_desktop_config.json");
    const first = await install(["claude-desktop"], w);
    expect(first[0]).toBe(
      `Claude Desktop: added "revops" in ${file} (the suite over stdio: npx -y --package @revops/suite revops-suite).`,
    );
    expect(first).toContain(
      "It starts on the sandbox (no credentials written); connect vendors with --env KEY=VALUE or the server's .env.",
    );
    expect(readJson(file)).toEqual({
      mcpServers: {
        revops: { command: "npx", args: ["-y", "--package", "@revops/suite", "revops-suite"] },
      },
    });
    // it may come to hold credentials: the user's only
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");

    const second = await install(["claude-desktop"], w);
    expect(second).toEqual([
      `Claude Desktop: "revops" is already configured in ${file} (the suite over stdio: npx -y --package @revops/suite revops-suite); nothing changed.`,
    ]);
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(backups(join(w.home, ".config", "Claude"), "claude_desktop_config.json")).toEqual([]);
  });

  it("merges into an existing file: other servers and settings kept, the old file backed up, its indentation kept", async () => {
    const w = folders();
    const dir = join(w.home, ".cursor");
    mkdirSync(dir);
    const file = join(dir, "mcp.json");
    const original = {
      theme: "dark",
      mcpServers: {
        github: {
          command: "npx",
          args: ["-y", "@modelcontextprotocol/server-github"],
          env: { GITHUB_TOKEN: "ghp_secret_value_1234" },
        },
      },
    };
    const before = `${JSON.stringify(original, null, 4)}\n`;
    writeFileSync(file, before);

    const lines = await install(
      [
        "cursor",
        "--server",
        "sales",
        "--env",
        "SALES_CRM=hubspot",
        "HUBSPOT_ACCESS_TOKEN=pat-na1-abcdef-123456",
      ],
      w,
    );
    expect(lines[0]).toBe(
      `Cursor: added "revops-sales" in ${file} (the sales server over stdio: npx -y --package @revops/sales-mcp revops-sales-mcp).`,
    );
    expect(lines[1]).toBe(`The previous file is saved as ${file}.bak-1.`);
    expect(lines[2]).toBe("Kept the other servers: github.");
    expect(lines[3]).toMatch(/^It starts with SALES_CRM, HUBSPOT_ACCESS_TOKEN;/);
    // nothing printed carries the token
    expect(lines.join("\n")).not.toContain("pat-na1-abcdef-123456");
    expect(readFileSync(`${file}.bak-1`, "utf8")).toBe(before);
    const after = readFileSync(file, "utf8");
    expect(after).toMatch(/^\{\n {4}"theme"/);
    expect(JSON.parse(after)).toEqual({
      theme: "dark",
      mcpServers: {
        ...original.mcpServers,
        "revops-sales": {
          command: "npx",
          args: ["-y", "--package", "@revops/sales-mcp", "revops-sales-mcp"],
          env: { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-na1-abcdef-123456" },
        },
      },
    });

    // again, without --env: the variables already there stay, nothing changes, no second backup
    const again = await install(["cursor", "--server", "sales"], w);
    expect(again[0]).toMatch(/already configured .*nothing changed\.$/);
    expect(readFileSync(file, "utf8")).toBe(after);
    expect(backups(dir, "mcp.json")).toEqual(["mcp.json.bak-1"]);

    // a changed variable updates the entry and makes the next backup
    const changed = await install(["cursor", "--server", "sales", "--env", "SALES_CRM=salesforce"], w);
    expect(changed[0]).toMatch(/^Cursor: updated "revops-sales"/);
    expect(changed[1]).toBe(`The previous file is saved as ${file}.bak-2.`);
    expect(readJson(file).mcpServers["revops-sales"].env).toEqual({
      SALES_CRM: "salesforce",
      HUBSPOT_ACCESS_TOKEN: "pat-na1-abcdef-123456",
    });
    expect(readJson(file).mcpServers.github).toEqual(original.mcpServers.github);
  });

  it("claude-code: the project's .mcp.json with type stdio, a local bin run by node, and a warning for secrets", async () => {
    const w = folders();
    const bin = join(w.cwd, "dist", "bin.js");
    mkdirSync(join(w.cwd, "dist"));
    writeFileSync(bin, "");
    const lines = await install(
      [
        "claude-code",
        "--server",
        "customer-success",
        "--bin",
        "dist/bin.js",
        "--env",
        `ZENDESK_API_TOKEN=${TOKEN_REF}`,
      ],
      w,
    );
    const file = join(w.cwd, ".mcp.json");
    expect(readJson(file)).toEqual({
      mcpServers: {
        "revops-cs": {
          type: "stdio",
          command: NODE,
          args: [bin],
          env: { ZENDESK_API_TOKEN: TOKEN_REF },
        },
      },
    });
    expect(lines[0]).toBe(
      `Claude Code: added "revops-cs" in ${file} (the customer-success server over stdio: ${NODE} ${bin}).`,
    );
    // a reference is no secret: no warning
    expect(lines.some((l) => l.startsWith("Warning"))).toBe(false);
    expect(lines.at(-1)).toMatch(/approve the project's servers/);
    const literal = await install(
      [
        "claude-code",
        "--server",
        "customer-success",
        "--bin",
        bin,
        "--env",
        "ZENDESK_API_TOKEN=zd-literal-0000",
      ],
      w,
    );
    expect(literal[0]).toMatch(/^Claude Code: updated "revops-cs"/);
    expect(literal.some((l) => l.startsWith("Warning: .mcp.json is meant to be shared"))).toBe(true);
    expect(literal.join("\n")).not.toContain("zd-literal-0000");
  });

  it("--dry-run prints the diff with secrets masked and writes nothing", async () => {
    const w = folders();
    const file = join(w.root, "custom.json");
    const before = `${JSON.stringify({ mcpServers: { other: { command: "x" } } }, null, 2)}\n`;
    writeFileSync(file, before);
    const lines = await install(
      [
        "claude-desktop",
        "--config-path",
        file,
        "--dry-run",
        "--name",
        "rev",
        "--env",
        "APOLLO_API_KEY=apollo-key-0123456789",
      ],
      w,
    );
    expect(lines[0]).toBe(
      `--dry-run: Claude Desktop would get "rev" added in ${file} (the suite over stdio: npx -y --package @revops/suite revops-suite). Nothing written.`,
    );
    expect(lines.slice(1)).toEqual([
      `--- ${file}`,
      `+++ ${file}`,
      "@@ …",
      '     "other": {',
      '       "command": "x"',
      "+    },",
      '+    "rev": {',
      '+      "command": "npx",',
      '+      "args": [',
      '+        "-y",',
      '+        "--package",',
      '+        "@revops/suite",',
      '+        "revops-suite"',
      "+      ],",
      '+      "env": {',
      '+        "APOLLO_API_KEY": "apol…"',
      "+      }",
      "     }",
      "   }",
      "@@ …",
    ]);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(backups(w.root, "custom.json")).toEqual([]);
  });

  it("refuses what it cannot merge or does not know, changing nothing", async () => {
    const w = folders();
    const file = join(w.root, "broken.json");
    writeFileSync(file, "{ not json");
    await expect(install(["cursor", "--config-path", file], w)).rejects.toThrow(
      /broken\.json is not valid JSON .*nothing was changed/,
    );
    writeFileSync(file, JSON.stringify({ mcpServers: [] }));
    await expect(install(["cursor", "--config-path", file], w)).rejects.toThrow(
      /"mcpServers" is not an object/,
    );
    expect(readFileSync(file, "utf8")).toBe(JSON.stringify({ mcpServers: [] }));
    await expect(install(["vscode"], w)).rejects.toThrow(
      /Unknown client "vscode": use claude-desktop, claude-code, cursor/,
    );
    await expect(install(["cursor", "--server", "finance"], w)).rejects.toThrow(/Unknown server "finance"/);
    await expect(install(["cursor", "--env", "NOEQUALS"], w)).rejects.toThrow(/give KEY=VALUE/);
    await expect(install(["cursor", "--bin", "missing.js"], w)).rejects.toThrow(/does not exist/);
    expect(readdirSync(w.home)).toEqual([]);
  });

  it("knows where each client keeps its configuration on each system", () => {
    const base = { home: "/Users/ann", cwd: "/work/p", env: {} };
    expect(defaultConfigPath("claude-desktop", { ...base, platform: "darwin" })).toBe(
      "/Users/ann/Library/Application Support/Claude/claude_desktop_config.json",
    );
    expect(defaultConfigPath("claude-desktop", { ...base, home: "/home/ann", platform: "linux" })).toBe(
      "/home/ann/.config/Claude/claude_desktop_config.json",
    );
    expect(
      defaultConfigPath("claude-desktop", {
        home: "C:\\Users\\ann",
        cwd: "C:\\p",
        env: { APPDATA: "C:\\Users\\ann\\AppData\\Roaming" },
        platform: "win32",
      }),
    ).toBe("C:\\Users\\ann\\AppData\\Roaming\\Claude\\claude_desktop_config.json");
    expect(defaultConfigPath("claude-code", { ...base, platform: "darwin" })).toBe("/work/p/.mcp.json");
    expect(defaultConfigPath("cursor", { ...base, platform: "darwin" })).toBe("/Users/ann/.cursor/mcp.json");
    expect(defaultConfigPath("cursor", { ...base, platform: "darwin", project: true })).toBe(
      "/work/p/.cursor/mcp.json",
    );
    // npx is a .cmd on Windows: clients start it through cmd /c
    expect(serverCommand("marketing", { platform: "win32", nodePath: "node" })).toEqual({
      command: "cmd",
      args: ["/c", "npx", "-y", "--package", "@revops/marketing-mcp", "revops-marketing-mcp"],
    });
  });

  it("lineDiff marks only what changed, with context", () => {
    expect(lineDiff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nX\ne\nf\ng\n")).toEqual([
      "@@ …",
      " b",
      " c",
      "-d",
      "+X",
      " e",
      " f",
      "@@ …",
    ]);
  });

  it("is a command of the revops CLI every package ships", async () => {
    const w = folders();
    const file = join(w.root, "via-cli.json");
    const lines: string[] = [];
    await buildCli({ env: {}, print: (l) => lines.push(l) }).parseAsync([
      "node",
      "revops",
      "install",
      "claude-desktop",
      "--config-path",
      file,
    ]);
    expect(lines[0]).toMatch(/^Claude Desktop: added "revops" in .*via-cli\.json/);
    expect(readJson(file).mcpServers.revops.command).toBe("npx");
  });
});
