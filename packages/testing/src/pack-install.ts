import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { expect, it } from "vitest";
import { connectStdio, tempDataDir } from "./mcp-client";

/**
 * Packs the app the way it is released and installs the one tarball into an empty folder outside the monorepo,
 * offline: it must run with nothing else published.
 */
export function describePackInstall(o: { appDir: string; bin: string; minTools: number }) {
  it(`packs ${o.bin} into one tarball that installs offline and answers tools/list`, async () => {
    const out = mkdtempSync(join(tmpdir(), "pack-"));
    execFileSync("pnpm", ["pack", "--pack-destination", out], { cwd: o.appDir, stdio: "pipe" });
    const tarball = readdirSync(out).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const project = mkdtempSync(join(tmpdir(), "customer-"));
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "customer", private: true }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(out, tarball as string)], {
      cwd: project,
      stdio: "pipe",
    });
    const installed = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
    expect(Object.keys(installed.packages).filter((k) => k.startsWith("node_modules/"))).toHaveLength(1);
    const dataDir = tempDataDir("pack");
    const c = await connectStdio(join(project, "node_modules", ".bin", o.bin), [], {
      REVOPS_DATA_DIR: dataDir,
    });
    const { tools } = await c.client.listTools();
    await c.close();
    expect(tools.length).toBeGreaterThanOrEqual(o.minTools);
    // the administrator's CLI ships in the same package
    const created = execFileSync(
      process.execPath,
      [join(project, "node_modules", ".bin", "revops"), "keys", "create", "--role", "admin", "--name", "ops"],
      { env: { PATH: process.env.PATH ?? "", REVOPS_DATA_DIR: dataDir }, encoding: "utf8" },
    );
    expect(created).toMatch(/rmcp_\w+_\S+/);

    // as a customer starts it without installing: `npx <package>` in an empty folder (here from the tarball)
    const empty = mkdtempSync(join(tmpdir(), "npx-"));
    const npx = new StdioClientTransport({
      command: "npx",
      args: ["--yes", "--offline", "--cache", join(empty, ".npm"), `file:${join(out, tarball as string)}`],
      cwd: empty,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: empty,
        REVOPS_DATA_DIR: tempDataDir("npx"),
        LOG_LEVEL: "warn",
      },
      stderr: "pipe",
    });
    const viaNpx = new Client({ name: "npx-customer", version: "1" });
    await viaNpx.connect(npx);
    expect((await viaNpx.listTools()).tools.length).toBeGreaterThanOrEqual(o.minTools);
    await viaNpx.close();
  }, 180_000);
}
