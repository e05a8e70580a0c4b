import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterEach, describe, expect, it } from "vitest";
import { baseConfigSchema, ConfigError, loadConfig } from "./config";
import type { Principal } from "./define";
import { stem, TOOLS_SEARCH } from "./discovery";
import { createLogger } from "./logger";
import { KitApp } from "./mcp-server";
import type { PipelineHooks } from "./pipeline";
import type { Selection } from "./registry";
import { type RunningServer, runServer } from "./run";
import { KitRuntime } from "./runtime";
import { demoModule } from "./testing/demo";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function connect(
  opts: {
    env?: Record<string, unknown>;
    principal?: Principal;
    hooks?: PipelineHooks;
    selection?: Selection;
  } = {},
) {
  const config = baseConfigSchema.parse({
    REVOPS_PRINCIPAL_SCOPES: "demo:read,demo:write",
    REVOPS_TOOL_DISCOVERY: "search",
    ...opts.env,
  });
  const runtime = new KitRuntime(config, createLogger("silent", "test"));
  const app = new KitApp({ modules: [demoModule], runtime, hooks: opts.hooks, selection: opts.selection });
  if (opts.principal) app.localPrincipal = () => opts.principal as Principal;
  const server = app.createServer();
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: "t", version: "1" });
  await client.connect(b);
  closers.push(async () => {
    await client.close();
    await runtime.close(100);
  });
  return { client, app };
}

interface Found {
  name: string;
  annotations: Record<string, boolean>;
  scopes: string[];
  guard?: string;
  input_schema: { properties: Record<string, unknown> };
}
const search = async (client: Client, query: string) => {
  const r = await client.callTool({ name: TOOLS_SEARCH, arguments: { query } });
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return (r.structuredContent as { tools: Found[] }).tools;
};
const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? "";

describe("progressive discovery (REVOPS_TOOL_DISCOVERY=search)", () => {
  it("lists the core tools and tools_search; every toolset stays callable", async () => {
    const { client, app } = await connect();
    const { tools } = await client.listTools();
    // the first read tool of the default toolsets, then the search
    expect(tools.map((t) => t.name)).toEqual(["echo_text", TOOLS_SEARCH]);
    const searchTool = tools.find((t) => t.name === TOOLS_SEARCH);
    expect(searchTool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(Object.keys(searchTool?.inputSchema.properties ?? {})).toEqual(["query", "limit"]);
    // not listed, not in a default toolset, still callable without a refreshed list
    expect(app.tools.map((t) => t.name)).toContain("crash_now");
    const r = await client.callTool({ name: "slow_count", arguments: { steps: 1 } });
    expect(r.structuredContent).toEqual({ counted: 1 });
  });

  it("keeps the default mode exactly as it was", async () => {
    const { client } = await connect({ env: { REVOPS_TOOL_DISCOVERY: "all" } });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["echo_text", "slow_count"]);
    await expect(client.callTool({ name: TOOLS_SEARCH, arguments: { query: "x" } })).rejects.toThrow(
      /Unknown tool: tools_search\. Call tools\/list/,
    );
  });

  it("finds a guarded tool with its annotations, scopes, guard and input schema; the guard still holds", async () => {
    const { client } = await connect();
    const [hit] = await search(client, "remove some records");
    expect(hit).toMatchObject({
      name: "records_delete",
      annotations: { readOnlyHint: false, destructiveHint: true },
      scopes: ["demo:write"],
      guard: "destructive",
    });
    expect(Object.keys(hit?.input_schema.properties ?? {})).toContain("ids");
    const r = await client.callTool({ name: "records_delete", arguments: { ids: ["1"], confirm: true } });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/needs human confirmation/);
  });

  it("hands a found guarded tool to the guard hook, and audits and limits the search itself", async () => {
    const seen: string[] = [];
    const { client } = await connect({
      env: { RATE_LIMIT_PER_MINUTE: "2" },
      hooks: {
        audit: async (call, next) => {
          seen.push(`audit:${call.entry.name}`);
          return next();
        },
        guard: async (call, next) => {
          seen.push(`guard:${call.entry.name}`);
          return next();
        },
      },
    });
    await search(client, "delete");
    const r = await client.callTool({ name: "records_delete", arguments: { ids: ["1", "2"] } });
    expect(r.structuredContent).toEqual({ deleted: 2 });
    expect(seen).toEqual([
      "audit:tools_search",
      "guard:tools_search",
      "audit:records_delete",
      "guard:records_delete",
    ]);
    await search(client, "delete");
    const limited = await client.callTool({ name: TOOLS_SEARCH, arguments: { query: "delete" } });
    expect(text(limited)).toMatch(/rate_limited/);
  });

  it("neither finds nor calls a tool the principal lacks scopes for", async () => {
    const { client } = await connect({ principal: { id: "viewer", scopes: ["demo:read"], via: "test" } });
    const names = (await search(client, "delete records")).map((t) => t.name);
    expect(names).not.toContain("records_delete");
    await expect(client.callTool({ name: "records_delete", arguments: { ids: [] } })).rejects.toThrow(
      /Unknown tool: records_delete\. Call tools_search/,
    );
    const nobody = await connect({ principal: { id: "nobody", scopes: [], via: "test" } });
    expect((await nobody.client.listTools()).tools.map((t) => t.name)).toEqual([TOOLS_SEARCH]);
    expect(await search(nobody.client, "echo text")).toEqual([]);
  });

  it("says what to try when nothing matches, and renders hits compactly for text-only clients", async () => {
    const { client } = await connect();
    const none = await client.callTool({ name: TOOLS_SEARCH, arguments: { query: "zebra" } });
    expect(text(none)).toMatch(/No tool matches "zebra"\. Try other words; toolsets: basic, extra, admin\./);
    const hit = await client.callTool({ name: TOOLS_SEARCH, arguments: { query: "echo", limit: 1 } });
    expect(text(hit)).toContain("echo_text: Echoes text. [read-only; scopes demo:read]");
    expect(text(hit)).toMatch(/input: \{"type":"object"/);
  });

  it("respects REVOPS_CORE_TOOLS, --toolsets and --read-only", async () => {
    const { client } = await connect({ env: { REVOPS_CORE_TOOLS: "slow_count,records_delete" } });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
      "slow_count",
      "records_delete",
      TOOLS_SEARCH,
    ]);
    const ro = await connect({ selection: { readOnly: true } });
    expect((await search(ro.client, "delete records")).map((t) => t.name)).not.toContain("records_delete");
    const basic = await connect({ selection: { toolsets: ["basic"] } });
    expect((await search(basic.client, "crash throws")).map((t) => t.name)).not.toContain("crash_now");
    await expect(basic.client.callTool({ name: "crash_now", arguments: {} })).rejects.toThrow(/Unknown tool/);
    await expect(connect({ env: { REVOPS_CORE_TOOLS: "nope" } })).rejects.toThrow(ConfigError);
    await expect(
      connect({ env: { REVOPS_CORE_TOOLS: "records_delete" }, selection: { readOnly: true } }),
    ).rejects.toThrow(/Core tool "records_delete" \(REVOPS_CORE_TOOLS\) is not enabled/);
  });

  it("announces the search in the instructions", async () => {
    const { client } = await connect();
    expect(client.getInstructions()).toMatch(/call tools_search to find the others/);
  });
});

describe("search mode without sessions (stateless HTTP)", () => {
  it("finds and calls a tool in independent requests: no initialize, no list, no per-connection state", async () => {
    const server: RunningServer = await runServer({
      modules: [demoModule],
      defaultPort: 0,
      argv: ["--http", "--port", "0", "--stateless", "--discovery", "search"],
      env: { REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "kit-discovery-")), LOG_LEVEL: "silent" },
    });
    try {
      let id = 0;
      const rpc = async (method: string, params: unknown) => {
        const res = await fetch(server.url as string, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
        });
        return (await res.json()) as { result?: { structuredContent?: unknown; isError?: boolean } };
      };
      const found = await rpc("tools/call", {
        name: TOOLS_SEARCH,
        arguments: { query: "count with progress" },
      });
      expect((found.result?.structuredContent as { tools: Found[] } | undefined)?.tools[0]?.name).toBe(
        "slow_count",
      );
      const called = await rpc("tools/call", { name: "slow_count", arguments: { steps: 1 } });
      expect(called.result?.structuredContent).toEqual({ counted: 1 });
    } finally {
      await server.stop("test");
    }
  });
});

describe("discovery configuration and ranking", () => {
  it("reads --discovery and REVOPS_TOOL_DISCOVERY, and refuses other values", () => {
    expect(
      loadConfig(baseConfigSchema, { env: {}, argv: ["--discovery", "search"] }).REVOPS_TOOL_DISCOVERY,
    ).toBe("search");
    expect(loadConfig(baseConfigSchema, { env: {} }).REVOPS_TOOL_DISCOVERY).toBe("all");
    expect(() => loadConfig(baseConfigSchema, { env: { REVOPS_TOOL_DISCOVERY: "lazy" } })).toThrow(
      /REVOPS_TOOL_DISCOVERY/,
    );
  });

  it("stems so plural, possessive and verb forms meet", () => {
    expect(["deals", "deal's", "deal"].map(stem)).toEqual(["deal", "deal", "deal"]);
    expect(["update", "updates", "updated", "updating"].map(stem)).toEqual([
      "updat",
      "updat",
      "updat",
      "updat",
    ]);
  });
});
