import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { baseConfigSchema } from "./config";
import { defineServer, defineTool, defineView, type ServerModule } from "./define";
import { ToolError, withoutEchoes } from "./errors";
import { createLogger } from "./logger";
import { KitApp } from "./mcp-server";
import { buildRegistry, selectTools, type ToolEntry } from "./registry";
import { KitRuntime } from "./runtime";
import { shapeResult } from "./shape";
import { rendersViews, VIEW_EXTENSION_ID } from "./views";

const ro = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const HTML = "<!doctype html><html><body><main id=view></main></body></html>";
const chart = defineView({
  uri: "ui://demo/chart",
  title: "Chart",
  description: "A chart.",
  html: async () => HTML,
});
const tool = (name: string, view?: typeof chart) =>
  defineTool({
    name,
    title: name,
    description: "Counts.",
    toolset: "basic",
    scopes: ["demo:read"],
    annotations: ro,
    input: z.object({ n: z.number() }).strict(),
    output: z.object({ n: z.number() }),
    handler: ({ input }) => ({ n: input.n }),
    ...(view && { view }),
  });
const module = (tools: ReturnType<typeof tool>[]): ServerModule =>
  defineServer({
    name: "demo",
    title: "Demo",
    version: "1",
    instructions: "",
    toolsets: [{ name: "basic", description: "Basic", default: true }],
    tools,
    resources: [],
    prompts: [],
    ports: async () => ({}),
  });

function served(modules: ServerModule[]) {
  const config = baseConfigSchema.parse({ REVOPS_DATA_DIR: "/tmp/kit-views", RATE_LIMIT_PER_MINUTE: "0" });
  const runtime = new KitRuntime(config, createLogger("silent", "test"));
  return { app: new KitApp({ modules, runtime }), runtime };
}

describe("a tool with an MCP Apps view", () => {
  const { app, runtime } = served([
    module([tool("count_a", chart), tool("count_b", chart), tool("count_c")]),
  ]);
  let client: Client;
  beforeAll(async () => {
    const [a, b] = InMemoryTransport.createLinkedPair();
    await app.createServer().connect(a);
    client = new Client({ name: "t", version: "1" });
    await client.connect(b);
  });
  afterAll(async () => {
    await client.close();
    await runtime.close(100);
  });

  it("names the ui:// resource in the tool's _meta (nested and flat keys), other tools unchanged", async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t._meta]));
    expect(byName.get("count_a")).toMatchObject({
      ui: { resourceUri: chart.uri },
      "ui/resourceUri": chart.uri,
    });
    expect(byName.get("count_b")).toMatchObject({ ui: { resourceUri: chart.uri } });
    expect(byName.get("count_c")).not.toHaveProperty("ui");
  });

  it("costs no model-visible token: name, description and input schema are those of the tool without it", () => {
    const [withView, without] = ["count_a", "count_c"].map((n) => {
      const listed = app.listedTool(app.tools.find((t) => t.name === n) as (typeof app.tools)[number]);
      return JSON.stringify({ description: listed.description, inputSchema: listed.inputSchema });
    });
    expect(withView).toBe(without);
  });

  it("lists the view once and serves its HTML with the MCP Apps mime type and an empty CSP allow-list", async () => {
    const { resources } = await client.listResources();
    const views = resources.filter((r) => r.uri.startsWith("ui://"));
    expect(views).toEqual([
      expect.objectContaining({ uri: chart.uri, mimeType: "text/html;profile=mcp-app", title: "Chart" }),
    ]);
    const read = await client.readResource({ uri: chart.uri });
    expect(read.contents).toEqual([
      {
        uri: chart.uri,
        mimeType: "text/html;profile=mcp-app",
        text: HTML,
        _meta: { ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } },
      },
    ]);
  });

  it("advertises the extension only when some tool has a view", async () => {
    expect(client.getServerCapabilities()).toMatchObject({
      extensions: { "io.modelcontextprotocol/ui": {} },
    });
    const plain = served([module([tool("count_c")])]);
    const [a, b] = InMemoryTransport.createLinkedPair();
    await plain.app.createServer().connect(a);
    const other = new Client({ name: "t", version: "1" });
    await other.connect(b);
    expect(other.getServerCapabilities()).not.toHaveProperty("extensions");
    await other.close();
    await plain.runtime.close(100);
  });
});

it("refuses a view whose URI is not ui://", () => {
  const bad = defineView({ ...chart, uri: "https://example.com/chart" });
  expect(() => buildRegistry([module([tool("count_a", bad)])], false)).toThrow(/ui:\/\//);
});

describe("an app-only tool (MCP Apps visibility)", () => {
  const other = defineView({
    uri: "ui://demo/other",
    title: "Other",
    description: "Other.",
    html: async () => HTML,
  });
  const appTool = (view: typeof chart) => ({
    ...tool(`act_${view.uri.slice(-5)}`, view),
    toolset: "hidden",
    visibility: ["app"] as const,
  });
  const mod = (tools: ReturnType<typeof tool>[]) => ({
    ...module(tools),
    toolsets: [
      { name: "basic", description: "Basic", default: true },
      { name: "hidden", description: "Hidden", default: false },
    ],
  });

  it("is served exactly when a served tool shows its view, and listed with visibility app", async () => {
    const reg = buildRegistry([mod([tool("count_a", chart), appTool(chart), appTool(other)])], false);
    expect(selectTools(reg, {}).map((t) => t.name)).toEqual(["count_a", "act_chart"]);
    expect(selectTools(reg, { toolsets: ["all"] }).map((t) => t.name)).toEqual(["count_a", "act_chart"]);
    expect(selectTools(reg, { excludeTools: ["count_a"] }).map((t) => t.name)).toEqual([]);
    const { app, runtime } = served([mod([tool("count_a", chart), appTool(chart)])]);
    expect(app.listing(app.tools[1] as ToolEntry)._meta).toMatchObject({
      ui: { resourceUri: chart.uri, visibility: ["app"] },
    });
    await runtime.close(100);
  });

  it("stays out of tools_search in search mode but is still listed for hosts", async () => {
    const config = baseConfigSchema.parse({ REVOPS_DATA_DIR: "/tmp/kit-views", RATE_LIMIT_PER_MINUTE: "0" });
    const runtime = new KitRuntime(config, createLogger("silent", "test"));
    const app = new KitApp({
      modules: [mod([tool("count_a", chart), appTool(chart)])],
      runtime,
      discovery: { mode: "search", core: [] },
    });
    expect(app.listedNames?.has("act_chart")).toBe(true);
    const search = app.tools.find((t) => t.name === "tools_search") as ToolEntry;
    const found = await search.def.handler({
      input: { query: "counts act chart" },
      ctx: { principal: { id: "p", scopes: ["*"], via: "t" } } as never,
    });
    expect(JSON.stringify(found)).not.toContain("act_chart");
    await runtime.close(100);
  });

  it("reads the client's MCP Apps capability from initialize or the 2026-07-28 envelope", () => {
    const ext = { extensions: { [VIEW_EXTENSION_ID]: {} } };
    expect(rendersViews({ clientCapabilities: ext })).toBe(true);
    expect(rendersViews({ clientCapabilities: {}, inputRound: { capabilities: ext } })).toBe(true);
    expect(rendersViews({ clientCapabilities: { elicitation: {} } })).toBe(false);
  });

  it("puts an error's _meta on the result, outside the text", () => {
    const r = shapeResult(tool("x"), {
      ok: false,
      error: new ToolError("denied", "Not yet.", { meta: { "demo/secret": "s3cret" } }),
    });
    expect(r._meta).toEqual({ "demo/secret": "s3cret" });
    expect(JSON.stringify(r.content)).not.toContain("s3cret");
    expect(
      withoutEchoes(new ToolError("user", "x".repeat(3000), { meta: { k: 1 } }), "x".repeat(3000)).meta,
    ).toEqual({ k: 1 });
  });
});
