import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { baseConfigSchema } from "./config";
import type { Principal } from "./define";
import { createLogger } from "./logger";
import { KitApp } from "./mcp-server";
import type { PipelineHooks } from "./pipeline";
import { KitRuntime } from "./runtime";
import { counters, demoModule } from "./testing/demo";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function connect(
  opts: {
    env?: Record<string, unknown>;
    principal?: Principal;
    hooks?: PipelineHooks;
    toolsets?: string[];
    pageSize?: number;
  } = {},
) {
  const config = baseConfigSchema.parse({ REVOPS_PRINCIPAL_SCOPES: "demo:read,demo:write", ...opts.env });
  const runtime = new KitRuntime(config, createLogger("silent", "test"));
  const app = new KitApp({
    modules: [demoModule],
    runtime,
    hooks: opts.hooks,
    selection: { toolsets: opts.toolsets ?? ["all"] },
    pageSize: opts.pageSize,
  });
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
  return { client, app, runtime };
}

const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? "";

describe("tool calls through the pipeline", () => {
  it("returns structured content and compact text", async () => {
    const { client } = await connect();
    const r = await client.callTool({ name: "echo_text", arguments: { text: "ab", times: 2 } });
    expect(r.structuredContent).toEqual({ echoed: "abab" });
    expect(text(r)).toBe("echoed: abab");
  });

  it("reports every invalid field with its path and how to fix it", async () => {
    const { client } = await connect();
    const r = await client.callTool({ name: "echo_text", arguments: { text: "", times: 9, extra: 1 } });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/Error \(user\): Invalid arguments for echo_text/);
    expect(text(r)).toMatch(/Fields: text, times, \(arguments\)/);
    expect(text(r)).toMatch(/Next: Correct the listed fields/);
  });

  it("hides internal failures: no stack, no secrets", async () => {
    const { client } = await connect();
    const r = await client.callTool({ name: "crash_now", arguments: {} });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain("Error (internal)");
    expect(text(r)).not.toContain("hunter2");
    expect(text(r)).not.toContain("app.js");
  });

  it("treats output that breaks its schema as an internal error", async () => {
    const { client } = await connect();
    const r = await client.callTool({ name: "broken_output", arguments: {} });
    expect(text(r)).toMatch(/does not match its schema/);
  });

  it("never runs a guarded tool without a guard, whatever the model sets", async () => {
    const { client } = await connect();
    const r = await client.callTool({ name: "records_delete", arguments: { ids: ["1"], confirm: true } });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/needs human confirmation/);
  });

  it("hands guarded tools to the guard hook", async () => {
    const seen: string[] = [];
    const { client } = await connect({
      hooks: {
        guard: async (call, next) => {
          seen.push(call.entry.name);
          return next();
        },
      },
    });
    const r = await client.callTool({ name: "records_delete", arguments: { ids: ["1", "2"] } });
    expect(r.structuredContent).toEqual({ deleted: 2 });
    expect(seen).toEqual(["records_delete"]);
  });

  it("records every outcome through the audit hook, including bad input", async () => {
    const outcomes: string[] = [];
    const { client } = await connect({
      hooks: {
        audit: async (call, next) => {
          const out = await next();
          outcomes.push(`${call.entry.name}:${out.ok ? "ok" : out.error.kind}`);
          return out;
        },
      },
    });
    await client.callTool({ name: "echo_text", arguments: { text: "x" } });
    await client.callTool({ name: "echo_text", arguments: {} });
    expect(outcomes).toEqual(["echo_text:ok", "echo_text:user"]);
  });

  it("limits calls per principal and tool", async () => {
    const { client } = await connect({ env: { RATE_LIMIT_PER_MINUTE: "2" } });
    await client.callTool({ name: "echo_text", arguments: { text: "x" } });
    await client.callTool({ name: "echo_text", arguments: { text: "x" } });
    const r = await client.callTool({ name: "echo_text", arguments: { text: "x" } });
    expect(text(r)).toMatch(/Error \(rate_limited\).*\n.*Retry after: \d+s/s);
  });

  it("limits before the audit and validation, so invalid calls past the limit leave no record", async () => {
    const audited: string[] = [];
    const { client } = await connect({
      env: { RATE_LIMIT_PER_MINUTE: "2" },
      hooks: {
        audit: async (call, next) => {
          audited.push(call.entry.name);
          return next();
        },
      },
    });
    const huge = "x".repeat(100_000);
    for (let i = 0; i < 5; i++) await client.callTool({ name: "echo_text", arguments: { text: 1, huge } });
    expect(audited).toHaveLength(2);
  });

  it("audits and rate-limits resource reads and prompt renders like tool calls", async () => {
    const audited: { name: string; args: unknown; output?: unknown }[] = [];
    const { client } = await connect({
      env: { RATE_LIMIT_PER_MINUTE: "2" },
      hooks: {
        audit: async (call, next) => {
          const outcome = await next();
          audited.push({
            name: call.entry.name,
            args: call.args,
            ...(outcome.ok && { output: outcome.output }),
          });
          return outcome;
        },
      },
    });
    await client.readResource({ uri: "demo://items/x1" });
    await client.getPrompt({ name: "greet", arguments: { who: "ann" } });
    expect(audited).toEqual([
      { name: "resource:item", args: { uri: "demo://items/x1" }, output: { returned: 1 } },
      { name: "prompt:greet", args: { who: "ann" }, output: { returned: 1 } },
    ]);
    await client.readResource({ uri: "demo://items/x2" });
    await expect(client.readResource({ uri: "demo://items/x3" })).rejects.toThrow(/Rate limit of 2 calls/);
    expect(audited).toHaveLength(3);
  });

  it("builds each tool's listing once per process and shares it, frozen, across servers", async () => {
    const { app } = await connect();
    const tool = app.tools.find((t) => t.name === "echo_text");
    if (!tool) throw new Error("echo_text missing");
    const first = app.listing(tool);
    app.createServer();
    expect(app.listing(tool)).toBe(first);
    expect(first).toEqual(app.listedTool(tool));
    expect(Object.isFrozen(first.inputSchema)).toBe(true);
    // visibility is still decided per principal, from the same listings
    const viewer = { id: "v", scopes: ["demo:read"], via: "test" } as const;
    const admin = { id: "a", scopes: ["demo:read", "demo:write"], via: "test" } as const;
    const names = (p: Principal) => app.listedTools(p).map((t) => t.name);
    expect(names(viewer)).not.toContain("records_delete");
    expect(names(admin)).toContain("records_delete");
  });

  it("hides and refuses tools the principal lacks scopes for", async () => {
    const { client } = await connect({ principal: { id: "viewer", scopes: ["demo:read"], via: "test" } });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).not.toContain("records_delete");
    await expect(client.callTool({ name: "records_delete", arguments: { ids: [] } })).rejects.toThrow(
      /Unknown tool/,
    );
  });

  it("sends progress notifications and a log message to the client", async () => {
    const { client } = await connect();
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    await client.setLoggingLevel("info");
    const progress: number[] = [];
    const r = await client.callTool({ name: "slow_count", arguments: { steps: 3 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(r.structuredContent).toEqual({ counted: 3 });
    expect(progress).toEqual([1, 2, 3]);
    await new Promise((res) => setTimeout(res, 10));
    expect(logs).toEqual([{ counted: 3 }]);
  });

  it("drops log messages below the level the client set", async () => {
    const { client } = await connect();
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    await client.setLoggingLevel("warning");
    await client.callTool({ name: "slow_count", arguments: { steps: 1 } });
    await new Promise((res) => setTimeout(res, 10));
    expect(logs).toEqual([]);
  });

  it("passes cancellation to the handler", async () => {
    const { client, runtime } = await connect();
    const controller = new AbortController();
    const before = counters.started;
    const call = client.callTool({ name: "slow_count", arguments: { steps: 10 } }, undefined, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort("user cancelled"), 30);
    await expect(call).rejects.toThrow();
    expect(counters.started).toBe(before + 1);
    await new Promise((res) => setTimeout(res, 60));
    expect(runtime.inflightCount).toBe(0);
  });
});

describe("malformed protocol parameters", () => {
  it("are -32602 with one line naming the field, not an internal error with a validation dump", async () => {
    const { client } = await connect();
    for (const [method, params, field] of [
      ["tools/call", { name: "echo", arguments: [1, 2] }, "arguments"],
      ["tools/call", { name: 5 }, "name"],
      ["logging/setLevel", { level: "loud" }, "level"],
    ] as const) {
      const err = await client
        .request({ method, params } as never, (await import("zod")).z.any())
        .catch((e: { code: number; message: string }) => e);
      expect(err, method).toMatchObject({ code: -32602 });
      expect((err as Error).message).toContain(field);
      expect((err as Error).message.split("\n")).toHaveLength(1);
    }
  });
});

describe("lists, resources, prompts, completions", () => {
  it("paginates tools/list with opaque cursors", async () => {
    const { client } = await connect({ pageSize: 2 });
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools({ cursor });
      names.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual(["echo_text", "slow_count", "broken_output", "crash_now", "records_delete"]);
    await expect(client.listTools({ cursor: "bogus" })).rejects.toThrow(/Invalid cursor/);
  });

  it("lists resources and templates, reads both kinds, reports missing ones", async () => {
    const { client } = await connect();
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual([
      "demo://items/a",
      "demo://about",
    ]);
    expect((await client.listResourceTemplates()).resourceTemplates[0]?.uriTemplate).toBe(
      "demo://items/{id}",
    );
    expect((await client.readResource({ uri: "demo://items/x1" })).contents[0]).toMatchObject({
      text: '{"id":"x1"}',
    });
    expect((await client.readResource({ uri: "demo://about" })).contents[0]).toMatchObject({ text: "demo" });
    await expect(client.readResource({ uri: "demo://items/missing" })).rejects.toThrow(/No such item/);
    await expect(client.readResource({ uri: "demo://nope" })).rejects.toThrow(/Resource not found/);
  });

  it("renders prompts, requires their arguments, completes arguments", async () => {
    const { client } = await connect();
    const p = await client.getPrompt({ name: "greet", arguments: { who: "ann" } });
    expect(p.messages[0]?.content).toEqual({ type: "text", text: "Hello ann" });
    await expect(client.getPrompt({ name: "greet", arguments: {} })).rejects.toThrow(/needs the argument/);
    const c = await client.complete({
      ref: { type: "ref/prompt", name: "greet" },
      argument: { name: "who", value: "b" },
    });
    expect(c.completion.values).toEqual(["bob"]);
    const r = await client.complete({
      ref: { type: "ref/resource", uri: "demo://items/{id}" },
      argument: { name: "id", value: "a" },
    });
    expect(r.completion.values).toEqual(["alpha", "apple"]);
  });
});
