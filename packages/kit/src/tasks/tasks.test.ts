import { createMcpHandler, type McpHttpHandler } from "@modelcontextprotocol/server";
import { openKv } from "@revops/store";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { baseConfigSchema } from "../config";
import { defineServer, defineTool, type Principal, type ServerModule } from "../define";
import { createLogger } from "../logger";
import { KitApp } from "../mcp-server";
import { KitRuntime } from "../runtime";
import { TASKS_EXTENSION_ID } from "./runner";
import { type LiveTask, TaskStore } from "./store";

/**
 * The tasks extension (io.modelcontextprotocol/tasks) end to end through the SDK's 2026-07-28 HTTP handler: a call
 * that outlasts the window becomes a task, which is read, answered and cancelled by its owner only, on any replica.
 */

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

const stopped = new Set<string>();
const text = (t: string) => ({ said: t });
const Said = z.object({ said: z.string() });

const module: ServerModule = defineServer({
  name: "tasks-test",
  title: "Tasks test",
  version: "1.0.0",
  instructions: "Tools that take their time.",
  toolsets: [{ name: "work", description: "Work", default: true }],
  tools: [
    defineTool({
      name: "work",
      title: "Work",
      description: "Works for ms milliseconds.",
      toolset: "work",
      scopes: [],
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      input: z.object({ ms: z.number(), id: z.string().default("w") }),
      output: Said,
      task: "optional",
      handler: async ({ input, ctx }) => {
        try {
          await sleep(input.ms, ctx.signal);
        } catch (err) {
          stopped.add(input.id);
          throw err;
        }
        return text(`worked ${input.ms} ms`);
      },
    }),
    defineTool({
      name: "ask",
      title: "Ask",
      description: "Asks the user a name.",
      toolset: "work",
      scopes: [],
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      input: z.object({}),
      output: Said,
      task: "required",
      handler: async ({ ctx }) => {
        const r = await ctx.elicit({
          message: "Name?",
          requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        });
        return text(`hello ${String(r.content?.name)}`);
      },
    }),
    defineTool({
      name: "crash",
      title: "Crash",
      description: "Crashes after a moment.",
      toolset: "work",
      scopes: [],
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      input: z.object({}),
      output: Said,
      task: "required",
      handler: async () => {
        await sleep(60);
        throw new Error("boom");
      },
    }),
  ],
  resources: [],
  prompts: [],
  ports: async () => ({}),
});

const kv = await openKv({});
const runtimes: KitRuntime[] = [];

/** One replica: its own runtime and server, sharing the key-value store with the others. */
function replica(modules: ServerModule[] = [module], ttlMs = 60_000): McpHttpHandler {
  const runtime = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_PRINCIPAL_SCOPES: "*" }),
    createLogger("silent", "test"),
  );
  runtime.kv = async () => kv;
  runtimes.push(runtime);
  const app = new KitApp({
    modules,
    runtime,
    tasks: { syncWindowMs: 30, watchMs: 20, pollIntervalMs: 100, ttlMs },
  });
  return createMcpHandler(() => app.createServer(), { legacy: "reject" });
}
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.close(100)));
  await kv.close();
});

const ann: Principal = { id: "ann", scopes: ["*"], via: "test" };
const bob: Principal = { id: "bob", scopes: ["*"], via: "test" };
const WITH_TASKS = { elicitation: {}, extensions: { [TASKS_EXTENSION_ID]: {} } };
type Answer = { result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } };

async function rpc(
  handler: McpHttpHandler,
  method: string,
  params: Record<string, unknown>,
  opts: { as?: Principal; caps?: object } = {},
): Promise<Answer> {
  const name = method === "tools/call" ? params.name : params.taskId;
  const body = {
    jsonrpc: "2.0",
    id: 1,
    method,
    params: {
      ...params,
      _meta: {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": opts.caps ?? WITH_TASKS,
        "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
      },
    },
  };
  const request = new Request("http://localhost/mcp", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      ...(typeof name === "string" && { "mcp-name": name }),
    },
    body: JSON.stringify(body),
  });
  const principal = opts.as ?? ann;
  const authInfo = { token: "", clientId: principal.id, scopes: [...principal.scopes], extra: { principal } };
  const response = await handler.fetch(request, { authInfo, parsedBody: body });
  return (await response.json()) as Answer;
}

const call = (h: McpHttpHandler, name: string, args: object = {}, opts?: Parameters<typeof rpc>[3]) =>
  rpc(h, "tools/call", { name, arguments: args }, opts);
const get = (h: McpHttpHandler, taskId: unknown, as?: Principal) =>
  rpc(h, "tasks/get", { taskId }, as ? { as } : {});

/** Polls tasks/get until the task leaves `working` (or input_required, when asked to wait past it too). */
async function settled(
  h: McpHttpHandler,
  taskId: unknown,
  past = ["working"],
): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const r = (await get(h, taskId)).result as Record<string, unknown>;
    if (!past.includes(r.status as string)) return r;
    await sleep(10);
  }
  throw new Error(`task ${String(taskId)} did not settle`);
}

describe("the tasks extension", () => {
  const a = replica();
  const b = replica();

  it("answers a quick call directly, and makes a slow one a task whose result tasks/get inlines", async () => {
    const quick = await call(a, "work", { ms: 0 });
    expect(quick.result).toMatchObject({
      resultType: "complete",
      structuredContent: { said: "worked 0 ms" },
    });
    const created = (await call(a, "work", { ms: 150 })).result as Record<string, unknown>;
    expect(created).toMatchObject({
      resultType: "task",
      status: "working",
      ttlMs: 60_000,
      pollIntervalMs: 100,
    });
    expect(created).not.toHaveProperty("content");
    expect((await get(a, created.taskId)).result).toMatchObject({
      status: "working",
      resultType: "complete",
    });
    const done = await settled(a, created.taskId);
    expect(done).toMatchObject({
      status: "completed",
      result: { structuredContent: { said: "worked 150 ms" } },
    });
    expect(done.result).not.toHaveProperty("resultType");
  });

  it("takes the task's questions through tasks/update, and reports a crash as failed", async () => {
    const { taskId } = (await call(a, "ask")).result as { taskId: string };
    const waiting = await settled(a, taskId);
    expect(waiting.status).toBe("input_required");
    const [key] = Object.keys(waiting.inputRequests as object);
    expect((waiting.inputRequests as Record<string, { method: string }>)[key as string]?.method).toBe(
      "elicitation/create",
    );
    // answered on the other replica: the one running the task hears it through the store
    const ack = await rpc(b, "tasks/update", {
      taskId,
      inputResponses: { [key as string]: { action: "accept", content: { name: "Ann" } } },
    });
    expect(ack.result).toEqual({ resultType: "complete", _meta: expect.any(Object) });
    const done = await settled(a, taskId, ["working", "input_required"]);
    expect(done).toMatchObject({ status: "completed", result: { structuredContent: { said: "hello Ann" } } });

    const crashed = (await call(a, "crash")).result as { taskId: string };
    expect(await settled(b, crashed.taskId)).toMatchObject({ status: "failed", error: { code: -32603 } });
  });

  it("cancels from another replica: the handler stops, the task stays cancelled, a second cancel is acked", async () => {
    const { taskId } = (await call(a, "work", { ms: 30_000, id: "cancel" })).result as { taskId: string };
    const ack = await rpc(b, "tasks/cancel", { taskId });
    expect(Object.keys(ack.result as object).sort()).toEqual(["_meta", "resultType"]);
    expect((await get(b, taskId)).result).toMatchObject({ status: "cancelled" });
    await sleep(100);
    expect(stopped.has("cancel")).toBe(true);
    expect((await rpc(a, "tasks/cancel", { taskId })).result?.resultType).toBe("complete");
    expect((await get(a, taskId)).result?.status).toBe("cancelled");
  });

  it("shows a task to its owner only", async () => {
    const { taskId } = (await call(a, "work", { ms: 30_000, id: "bob" })).result as { taskId: string };
    const peek = await get(b, taskId, bob);
    expect(peek.error).toMatchObject({ code: -32602 });
    expect(peek.error?.message).toMatch(/^Unknown task/);
    expect((await rpc(b, "tasks/cancel", { taskId }, { as: bob })).error?.code).toBe(-32602);
    expect((await get(a, taskId)).result?.status).toBe("working");
    await rpc(a, "tasks/cancel", { taskId });
    expect((await get(a, "no-such-task")).error?.code).toBe(-32602);
  });

  it("expires a task after its TTL", async () => {
    const short = replica([module], 200);
    const { taskId } = (await call(short, "work", { ms: 30_000, id: "ttl" })).result as { taskId: string };
    expect((await get(short, taskId)).result?.status).toBe("working");
    await sleep(260);
    const late = await get(short, taskId);
    expect(late.error).toMatchObject({ code: -32602 });
    expect(late.error?.message).toMatch(/expired/);
    expect(stopped.has("ttl")).toBe(true);
  });

  it("never makes a task for a client without the extension, and refuses it the tasks methods", async () => {
    const plain = { caps: {} };
    expect((await call(a, "work", { ms: 60 }, plain)).result).toMatchObject({ resultType: "complete" });
    const required = await call(a, "ask", {}, plain);
    expect(required.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } },
    });
    expect((await rpc(a, "tasks/get", { taskId: "x" }, plain)).error?.code).toBe(-32021);
  });

  it("is off for servers whose tools do not opt in: nothing advertised, no tasks methods", async () => {
    const { tools: _t, ...rest } = module;
    const { task: _task, ...untasked } = module.tools[0] as NonNullable<(typeof module.tools)[0]>;
    const other = replica([{ ...rest, name: "plain", tools: [untasked] }]);
    const discover = await rpc(other, "server/discover", {});
    expect(JSON.stringify(discover.result)).not.toContain(TASKS_EXTENSION_ID);
    expect((await rpc(other, "tasks/get", { taskId: "x" })).error?.code).toBe(-32601);
    expect((await call(other, "work", { ms: 60 })).result?.resultType).toBe("complete");
  });
});

describe("task state in the store", () => {
  it("fails a task whose runner stopped beating, for good, and expires it by its TTL on the store's clock", async () => {
    let now = Date.parse("2026-12-01T09:00:00Z");
    const store = new TaskStore(async () => kv, { now: () => now, heartbeatMs: 40 });
    const task: LiveTask = {
      taskId: "store-test",
      owner: "ann",
      tool: "work",
      createdAt: store.nowIso(),
      lastUpdatedAt: store.nowIso(),
      ttlMs: 10_000,
      pollIntervalMs: 100,
      status: "working",
    };
    await store.create(task);
    expect(await store.read(task.taskId, "bob")).toBe("unknown");
    expect((await store.detail(task)).status).toBe("working");
    await sleep(80);
    expect(await store.detail(task)).toMatchObject({ status: "failed", error: { code: -32603 } });
    await store.beat(task);
    expect((await store.detail(task)).status).toBe("failed");
    now += 10_000;
    expect(await store.read(task.taskId, "ann")).toBe("expired");
  });
});
