import {
  Client,
  type ElicitRequestFormParams,
  type ElicitResult,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

/** The protocol revision without initialize or sessions: every request carries its own `_meta` envelope. */
export const MODERN_PROTOCOL_VERSION = "2026-07-28";

export interface ConnectedModern {
  /** The SDK v2 client, pinned to 2026-07-28 (server/discover, no initialize). */
  client: Client;
  stderr: () => string;
  close: () => Promise<void>;
}

/** The form a server embeds in an input-required result, and what the client's user answers. */
export type ModernElicit = (params: ElicitRequestFormParams) => ElicitResult | Promise<ElicitResult>;

export interface ModernClientOptions {
  /** Declares form elicitation and answers every embedded form with this (the SDK retries the call itself). */
  elicit?: ModernElicit;
  /** Other capabilities to declare (e.g. the MCP Apps extension). */
  capabilities?: Record<string, unknown>;
  /** The client's fetch (e.g. one that spreads requests over several replicas). */
  fetch?: typeof fetch;
}

const modernClient = (opts: ModernClientOptions = {}) => {
  const client = new Client(
    { name: "revops-e2e-modern", version: "1.0.0" },
    {
      versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } },
      capabilities: { ...opts.capabilities, ...(opts.elicit && { elicitation: { form: {} } }) },
    },
  );
  const answer = opts.elicit;
  if (answer)
    client.setRequestHandler("elicitation/create", async (req) =>
      answer(req.params as ElicitRequestFormParams),
    );
  return client;
};

/** The phrase a guard's confirmation form asks for, on its last line ("To run exactly this plan, type: <phrase>"). */
export const confirmationPhraseIn = (message: string): string | undefined =>
  /To run exactly this plan, type: ([^\n]+)\s*$/.exec(message)?.[1]?.trim();

/** A user who reads the plan and types its phrase: what a client answering its own elicitation does too. */
export const typeThePhrase: ModernElicit = (params) => ({
  action: "accept",
  content: { confirmation: confirmationPhraseIn(params.message) ?? "" },
});

/** Spawns a built server bin over stdio and connects the SDK v2 client to it in the 2026-07-28 revision. */
export async function connectStdioModern(
  bin: string,
  args: string[] = [],
  env: Record<string, string> = {},
  opts: ModernClientOptions = {},
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
  const client = modernClient(opts);
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Connects the SDK v2 client over Streamable HTTP in the 2026-07-28 revision (stateless: no session). */
export async function connectHttpModern(
  url: string,
  headers: Record<string, string> = {},
  opts: ModernClientOptions = {},
): Promise<ConnectedModern> {
  const client = modernClient(opts);
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers },
      ...(opts.fetch && { fetch: opts.fetch }),
    }),
  );
  return { client, stderr: () => "", close: () => client.close() };
}

/** Raw JSON-RPC over HTTP in the 2026-07-28 revision: the `_meta` envelope and the headers that mirror it. */
export function modernPost(
  url: string,
  method: string,
  params: Record<string, unknown>,
  headers: Record<string, string>,
  version = MODERN_PROTOCOL_VERSION,
  capabilities: Record<string, unknown> = {},
) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": version,
      "mcp-method": method,
      ...(typeof params.name === "string" && { "mcp-name": params.name }),
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          "io.modelcontextprotocol/protocolVersion": version,
          "io.modelcontextprotocol/clientCapabilities": capabilities,
          "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
        },
      },
    }),
  });
}

/** One raw tools/call round of 2026-07-28, declaring form elicitation (or `caps`): the JSON-RPC answer, parsed. */
export async function modernToolCall(
  url: string,
  headers: Record<string, string>,
  params: {
    name: string;
    arguments: Record<string, unknown>;
    inputResponses?: unknown;
    requestState?: string;
  },
  caps: Record<string, unknown> = { elicitation: { form: {} } },
): Promise<{ result?: Record<string, unknown>; error?: { code: number; message: string } }> {
  const r = await modernPost(url, "tools/call", params, headers, MODERN_PROTOCOL_VERSION, caps);
  return (await r.json()) as { result?: Record<string, unknown>; error?: { code: number; message: string } };
}
