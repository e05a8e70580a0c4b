import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export interface Connected {
  client: Client;
  /** Everything the server wrote to stderr (logs). */
  stderr: () => string;
  close: () => Promise<void>;
  /** The server's process id (stdio only), for crash tests. */
  pid?: number | null;
}

/** A private data directory per test run, so tests never share an embedded database by accident. */
export const tempDataDir = (label = "revops") => mkdtempSync(join(tmpdir(), `${label}-`));

/** Spawns a built server bin over stdio and connects the official SDK client to it. */
export async function connectStdio(
  bin: string,
  args: string[] = [],
  env: Record<string, string> = {},
  /** What the client declares at initialize (e.g. the MCP Apps extension). */
  capabilities: Record<string, unknown> = {},
): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, ...args],
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const client = new Client({ name: "revops-e2e", version: "1.0.0" }, { capabilities });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close(), pid: transport.pid };
}

export interface HttpServerProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** A port the OS just handed out and released: far less likely to collide than a random pick. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const addr = probe.address();
      probe.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });

/** Starts a server bin with --http on a free port and waits until /healthz answers. */
export async function startHttpServer(
  bin: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<HttpServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, "--http", "--port", String(port), ...args], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `${base}/mcp`,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const [code] = await once(child, "exit");
      return code as number | null;
    },
  };
}

/** Connects the official SDK client over Streamable HTTP. */
export async function connectHttp(url: string, headers: Record<string, string> = {}): Promise<Connected> {
  const client = new Client({ name: "revops-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return { client, stderr: () => "", close: () => client.close() };
}
