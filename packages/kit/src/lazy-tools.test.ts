import { afterEach, describe, expect, it } from "vitest";
import type { ServerModule } from "./define";
import { eagerWhereConnected, lazyTools, toolIndexOf } from "./lazy-tools";
import type { KitOptions } from "./mcp-server";
import { demoModule } from "./testing/demo";
import { closeInMemoryClients, inMemoryClient } from "./testing/in-memory";
import { portVariables } from "./tool-connections";

afterEach(closeInMemoryClients);

/** The demo server listing from its generated index, counting how often its tool module is imported. */
function lazyDemo(module: ServerModule = demoModule) {
  const imports = { count: 0 };
  const index = toolIndexOf(module.tools, module.toolsets);
  const lazy: ServerModule = {
    ...module,
    tools: lazyTools(index, async () => {
      imports.count++;
      return module.tools;
    }),
  };
  return { lazy, imports };
}

const connect = (module: ServerModule, discovery?: KitOptions["discovery"]) =>
  inMemoryClient(
    { modules: [module], selection: { toolsets: ["all"] }, discovery },
    {
      REVOPS_PRINCIPAL_SCOPES: "demo:read,demo:write",
    },
  );

const CALLS = [
  { name: "echo_text", arguments: { text: "hi", times: 2 } },
  { name: "echo_text", arguments: { text: "", extra: 1 } },
  { name: "records_delete", arguments: { ids: ["a", "b"], dry_run: true } },
  { name: "records_delete", arguments: { ids: "a", approval_id: "" } },
  { name: "broken_output", arguments: {} },
  { name: "crash_now", arguments: {} },
];

describe("tools served from a generated index", () => {
  it("are listed exactly as their loaded definitions, without importing their module", async () => {
    const { lazy, imports } = lazyDemo();
    const listed = await (await connect(lazy)).listTools();
    expect(listed).toEqual(await (await connect(demoModule)).listTools());
    expect(imports.count).toBe(0);
  });

  it("answer every call (results, validation errors, guard arguments, failures) as the loaded ones, importing once", async () => {
    const { lazy, imports } = lazyDemo();
    const [lazyClient, eagerClient] = [await connect(lazy), await connect(demoModule)];
    for (const call of CALLS) {
      const [fromLazy, fromEager] = [await lazyClient.callTool(call), await eagerClient.callTool(call)];
      expect(fromLazy).toEqual(fromEager);
    }
    expect(imports.count).toBe(1);
  });

  it("are found by tools_search in search mode without importing their module", async () => {
    const { lazy, imports } = lazyDemo();
    const found = await (await connect(lazy, { mode: "search" })).callTool({
      name: "tools_search",
      arguments: { query: "echo text" },
    });
    expect(JSON.stringify(found.structuredContent)).toContain("echo_text");
    expect(imports.count).toBe(0);
  });

  it("load at start where a port they declare has named connections, so the listing carries `connection`", async () => {
    const connections = portVariables<{ crm: unknown }>({ crm: ["DEMO_TOKEN"] });
    const declared = {
      ...demoModule,
      connections,
      tools: demoModule.tools.map((t) => ({ ...t, ports: ["crm"] })),
    };
    const { lazy, imports } = lazyDemo(declared);
    expect(await eagerWhereConnected([lazy], { DEMO_TOKEN: "t" })).toEqual([lazy]);
    const [loaded] = await eagerWhereConnected([lazy], { DEMO_TOKEN: "t", DEMO_TOKEN__EU: "eu" });
    expect(imports.count).toBe(1);
    expect(loaded?.tools.some((t) => t.lazy)).toBe(false);
    expect(loaded?.tools.map((t) => t.name)).toEqual(demoModule.tools.map((t) => t.name));
  });

  it("tell a stale index from a missing tool when the module lacks one", async () => {
    const index = toolIndexOf(demoModule.tools, demoModule.toolsets);
    const [first] = lazyTools(index, async () => []);
    await expect(first?.lazy?.load()).rejects.toThrow(/regenerate the index/);
  });
});
