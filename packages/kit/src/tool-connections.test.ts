import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineServer, defineTool, type ServerModule, type ToolContext } from "./define";
import { ToolError } from "./errors";
import type { ToolCall } from "./pipeline";
import { buildRegistry } from "./registry";
import {
  portDeclarationProblems,
  portVariables,
  resolveConnection,
  toolConnectionNames,
  withConnectionArgument,
  withToolConnections,
} from "./tool-connections";

interface Ports {
  crm: string;
  calendar: string;
  using: (name?: string) => Promise<Ports>;
}
const connections = portVariables<Ports>({
  crm: ["SALES_CRM", "HUBSPOT_ACCESS_TOKEN"],
  calendar: ["GOOGLE_ACCESS_TOKEN"],
});
const ro = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
const tool = (name: string, ports?: (keyof Ports & string)[]) =>
  defineTool<{ n: number }, { seen: unknown }, Ports>({
    name,
    title: name,
    description: "Reads.",
    toolset: "basic",
    scopes: ["demo:read"],
    annotations: ro,
    ...(ports && { ports }),
    input: z.object({ n: z.number() }).strict(),
    output: z.object({ seen: z.unknown() }),
    handler: ({ input, ctx }) => ({ seen: { input, ports: ctx.ports.crm } }),
  });
const server = (tools: ReturnType<typeof tool>[], declared = true): ServerModule =>
  defineServer<Ports>({
    name: "demo",
    title: "Demo",
    version: "1",
    instructions: "",
    toolsets: [{ name: "basic", description: "Basic", default: true }],
    tools,
    resources: [],
    prompts: [],
    ports: async () => ports("default"),
    ...(declared && { connections }),
  });
const ports = (crm: string): Ports => ({ crm, calendar: "cal", using: async (n) => ports(n ?? "default") });

describe("a tool's connection argument", () => {
  it("is absent while only the default connection is configured", () => {
    expect(toolConnectionNames(["crm"], connections, { HUBSPOT_ACCESS_TOKEN: "pat" })).toEqual([]);
  });

  it("appears only on tools whose declared ports the named connection configures", () => {
    const env = { HUBSPOT_ACCESS_TOKEN: "pat", HUBSPOT_ACCESS_TOKEN__EU: "pat-eu" };
    expect(toolConnectionNames(["crm"], connections, env)).toEqual(["eu"]);
    expect(toolConnectionNames(["calendar"], connections, env)).toEqual([]);
    expect(toolConnectionNames([], connections, env)).toEqual([]);
    expect(toolConnectionNames(undefined, connections, env)).toEqual([]);
  });

  it("names every connection of every declared port, sorted", () => {
    const env = { SALES_CRM__SF: "salesforce", GOOGLE_ACCESS_TOKEN__APAC: "g" };
    expect(toolConnectionNames(["crm", "calendar"], connections, env)).toEqual(["apac", "sf"]);
  });

  it("accepts only a configured name, and the handler never sees it", async () => {
    const served = withConnectionArgument(tool("deals", ["crm"]), ["eu"]);
    expect(served.input.safeParse({ n: 1, connection: "eu" }).success).toBe(true);
    expect(served.input.safeParse({ n: 1 }).success).toBe(true);
    const wrong = served.input.safeParse({ n: 1, connection: "apac" });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(["connection"]);
    const ctx = { ports: ports("eu") } as ToolContext<Ports>;
    expect(await served.handler({ input: { n: 1, connection: "eu" }, ctx })).toEqual({
      seen: { input: { n: 1 }, ports: "eu" },
    });
  });

  it("leaves a tool with no named connection as it was", () => {
    const def = tool("deals", ["crm"]);
    expect(withConnectionArgument(def, [])).toBe(def);
  });

  it("is added per tool when the registry is served", () => {
    const registry = buildRegistry([server([tool("deals", ["crm"]), tool("meetings", ["calendar"])])], false);
    const served = withToolConnections(registry, { HUBSPOT_ACCESS_TOKEN__EU: "pat-eu" });
    const shape = (name: string) => {
      const input = served.tools.find((t) => t.name === name)?.def.input as z.ZodObject | undefined;
      return Object.keys(input?.shape ?? {});
    };
    expect(shape("deals")).toEqual(["n", "connection"]);
    expect(shape("meetings")).toEqual(["n"]);
  });
});

describe("resolving a call's connection", () => {
  const registry = buildRegistry([server([tool("deals", ["crm"]), tool("notes", [])])], false);
  const entry = (name: string) => registry.tools.find((t) => t.name === name);
  const call = (input: unknown, tool = "deals") =>
    ({ input, entry: entry(tool), ctx: { ports: ports("default") } }) as unknown as ToolCall & {
      ctx: { ports: Ports };
    };
  const next = async () => ({ ok: true as const, output: {} });

  it("hands the rest of the pipeline the named connection's ports", async () => {
    const named = call({ n: 1, connection: "eu" });
    await resolveConnection(named, next);
    expect(named.ctx.ports.crm).toBe("eu");
    const plain = call({ n: 1 });
    await resolveConnection(plain, next);
    expect(plain.ctx.ports.crm).toBe("default");
  });

  it("stops the call when the connection cannot be built", async () => {
    const broken = call({ n: 1, connection: "bad" });
    broken.ctx.ports.using = async () => {
      throw new ToolError("user", 'Connection "bad" is misconfigured.');
    };
    await expect(resolveConnection(broken, next)).rejects.toThrow("misconfigured");
  });

  it("hands a tool only the vendor ports it declares: another one is a programmer error", async () => {
    const deals = call({ n: 1 });
    await resolveConnection(deals, next);
    expect(deals.ctx.ports.crm).toBe("default");
    expect(() => deals.ctx.ports.calendar).toThrow(
      'deals reads port "calendar" but does not declare it: add "calendar" to the tool\'s ports',
    );
    const notes = call({ n: 1 }, "notes");
    await resolveConnection(notes, next);
    expect(() => notes.ctx.ports.crm).toThrow('notes reads port "crm"');
    // what is not a vendor port (the module's own records, `using`) stays reachable
    expect(typeof notes.ctx.ports.using).toBe("function");
  });
});

describe("port declarations", () => {
  it("names tools without ports, with unknown ports, or with ports in a module without connections", () => {
    expect(portDeclarationProblems([server([tool("deals", ["crm"]), tool("notes", [])])])).toEqual([]);
    expect(
      portDeclarationProblems([
        server([tool("deals"), tool("odd", ["crm", "mail" as keyof Ports & string])]),
      ]),
    ).toEqual([
      "deals: declare the ports it reads or writes (ports: [] for none)",
      'odd: port "mail" is not in demo\'s connections',
    ]);
    expect(portDeclarationProblems([server([tool("deals", ["crm"])], false)])).toEqual([
      "deals: demo declares no connections",
    ]);
  });
});
