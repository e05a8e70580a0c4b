import { spawn } from "node:child_process";
import { tempDataDir } from "./mcp-client";

/**
 * Starts a built server over stdio with stdin left open (as a client would) and waits for it to exit: what a bad
 * setting at start-up does. Killed after 20 s, so a server that keeps running answers with a null code.
 */
export function startUntilExit(
  bin: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
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
