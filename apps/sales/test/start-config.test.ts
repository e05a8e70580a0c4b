import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { tempDataDir } from "@revops/testing";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** Starts the built server over stdio with stdin left open (as a client would) and waits for it to exit. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin], {
      env: { PATH: process.env.PATH, REVOPS_DATA_DIR: tempDataDir(), LOG_LEVEL: "silent", ...env },
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("vendor settings are checked at start", () => {
  it("a half-set Salesforce connection stops the server with exit 2, naming the variable and the fix", async () => {
    const { code, stderr } = await start({ SALES_CRM: "salesforce", SALESFORCE_CLIENT_ID: "id" });
    expect(code).toBe(2);
    expect(stderr).toContain("SALESFORCE_REFRESH_TOKEN");
    expect(stderr).toMatch(/set the integration user's refresh token/);
  });
});
