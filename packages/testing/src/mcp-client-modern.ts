import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

/** The protocol revision without initialize or sessions: every request carries its own `_meta` envelope. */
export const MODERN_PROTOCOL_VERSION = "2026-07-28";

export interface ConnectedModern {
  /** The SDK v2 client, pinned to 2026-07-28 (server/discover, no initialize). */
  client: Client;
  stderr: () => string;
  close: () => Promise<void>;
}

const modernClient = () =>
  new Client(
    { name: "revops-e2e-modern", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } } },
  );

/** Spawns a built server bin over stdio and connects the SDK v2 client to it in the 2026-07-28 revision. */
export async function connectStdioModern(
  bin: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ConnectedModern> {
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
  const client = modernClient();
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Connects the SDK v2 client over Streamable HTTP in the 2026-07-28 revision (stateless: no session). */
export async function connectHttpModern(
  url: string,
  headers: Record<string, string> = {},
): Promise<ConnectedModern> {
  const client = modernClient();
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return { client, stderr: () => "", close: () => client.close() };
}
