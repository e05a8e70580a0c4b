import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

// stdio is the process's own stdin and stdout: the demo server runs in a child, bundled as an app's bin is
const dir = mkdtempSync(join(tmpdir(), "kit-stdio-start-"));
const entry = join(dir, "entry.mjs");
const built = build({
  entryPoints: [new URL("./testing/stdio-entry.ts", import.meta.url).pathname],
  outfile: entry,
  bundle: true,
  format: "esm",
  platform: "node",
  external: ["pg-native"],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: "warning",
});
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** The demo server over stdio; `events` records, in order, each answer's id and the ports opening. */
async function start(portsDelayMs: number) {
  await built;
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: "silent",
      REVOPS_DATA_DIR: dir,
      STDIO_PORTS_DELAY_MS: String(portsDelayMs),
    },
  });
  children.push(child);
  const events: string[] = [];
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d;
    for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
      events.push(`answer ${JSON.parse(out.slice(0, nl)).id}`);
      out = out.slice(nl + 1);
    }
  });
  child.stderr.on("data", (d: Buffer) => {
    if (String(d).includes("ports opening")) events.push("ports");
  });
  const send = (m: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...m })}\n`);
  const until = async (event: string) => {
    while (!events.includes(event)) await new Promise((r) => setTimeout(r, 10));
  };
  const exited = new Promise<number | null>((r) => child.once("exit", r));
  return { events, send, until, end: () => child.stdin.end(), exited };
}

const initialize = {
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
};

describe("stdio start", () => {
  it("opens the ports once the first tool list is answered, not before", async () => {
    const s = await start(60_000);
    s.send(initialize);
    await s.until("answer 1");
    s.send({ method: "notifications/initialized" });
    s.send({ id: 2, method: "tools/list", params: {} });
    await s.until("ports");
    expect(s.events).toEqual(["answer 1", "answer 2", "ports"]);
  }, 30_000);

  it("opens them anyway when the client does not list its tools", async () => {
    const s = await start(50);
    await s.until("ports");
    s.send(initialize);
    await s.until("answer 1");
    expect(s.events).toEqual(["ports", "answer 1"]);
  }, 30_000);

  it("stops without opening them when the client leaves before listing", async () => {
    const s = await start(60_000);
    s.send(initialize);
    await s.until("answer 1");
    s.end();
    expect(await s.exited).toBe(0);
    expect(s.events).toEqual(["answer 1"]);
  }, 30_000);
});
