import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { baseConfigSchema } from "./config";
import { defineServer, defineTool, defineView, type ServerModule } from "./define";
import { createLogger } from "./logger";
import { KitApp } from "./mcp-server";
import { buildRegistry } from "./registry";
import { KitRuntime } from "./runtime";

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
  return { app: new KitApp({ modules, runtime, namedConnections: false }), runtime };
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
