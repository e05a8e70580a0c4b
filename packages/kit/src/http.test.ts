import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import type { Principal } from "./define";
import { type RunningServer, runServer } from "./run";
import { demoModule } from "./testing/demo";

const running: RunningServer[] = [];
afterEach(async () => {
  while (running.length) await running.pop()?.stop("test");
});

async function start(args: string[] = [], extra: Partial<Parameters<typeof runServer>[0]> = {}) {
  const env = { REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "kit-http-")), LOG_LEVEL: "silent" };
  const server = await runServer({
    modules: [demoModule],
    defaultPort: 0,
    argv: ["--http", "--port", "0", ...args],
    env,
    ...extra,
  });
  running.push(server);
  return { server, url: server.url as string, base: (server.url as string).replace(/\/mcp$/, "") };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
/** fetch cannot set Host; node:http can. */
const statusWithHost = (url: string, host: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { host, "content-type": "application/json" } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(init));
  });
const init = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
};

describe("Streamable HTTP", () => {
  it("serves a session end to end and records metrics", async () => {
    const { url, base } = await start();
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const r = await client.callTool({ name: "echo_text", arguments: { text: "hi" } });
    expect(r.structuredContent).toEqual({ echoed: "hi" });
    await client.callTool({ name: "echo_text", arguments: {} });
    await client.close();
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/mcp_tool_calls_total\{tool="echo_text",outcome="ok"\} 1/);
    expect(metrics).toMatch(/mcp_tool_errors_total\{tool="echo_text",kind="user"\} 1/);
    expect(metrics).toContain('mcp_tool_duration_seconds_bucket{le="0.005",tool="echo_text"}');
  });

  it("answers health and readiness with the store checks", async () => {
    const { base } = await start();
    expect(await (await fetch(`${base}/healthz`)).text()).toBe("ok\n");
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { sqlite: "ok", "memory-kv": "ok" } });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("refuses foreign Host and Origin headers, oversized and malformed bodies, unknown sessions", async () => {
    const { url } = await start(["--toolsets", "all"], {
      env: {
        MAX_BODY_BYTES: "2048",
        LOG_LEVEL: "silent",
        REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "kit-")),
      },
    });
    expect((await post(url, init, { origin: "http://evil.example" })).status).toBe(403);
    const port = new URL(url).port;
    expect(await statusWithHost(url, `evil.example:${port}`)).toBe(403);
    expect((await post(url, { ...init, pad: "x".repeat(5000) })).status).toBe(413);
    expect((await post(url, "{not json")).status).toBe(400);
    expect((await post(url, { jsonrpc: "2.0", id: 2, method: "tools/list" })).status).toBe(400);
    expect(
      (await post(url, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { "mcp-session-id": "gone" })).status,
    ).toBe(404);
    expect((await post(url, init, { origin: `http://localhost:${port}` })).status).toBe(200);
  });

  it("stateless mode answers without sessions and refuses GET streams", async () => {
    const { url } = await start(["--stateless"]);
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["echo_text", "slow_count"]);
    expect(
      (await client.callTool({ name: "echo_text", arguments: { text: "a" } })).structuredContent,
    ).toEqual({ echoed: "a" });
    await client.close();
    expect((await fetch(url, { headers: { accept: "text/event-stream" } })).status).toBe(405);
  });

  it("takes the principal from the authenticate hook and filters tools by its scopes", async () => {
    const viewer: Principal = { id: "viewer", scopes: ["demo:read"], via: "test" };
    const { url } = await start(["--toolsets", "all"], {
      httpAuth: () => ({ authenticate: async () => viewer }),
    });
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain("records_delete");
    expect(names).toContain("echo_text");
    await client.close();
  });

  it("takes the principal of a 2026-07-28 request (no session) from the authenticate hook too", async () => {
    const viewer: Principal = { id: "viewer", scopes: ["demo:read"], via: "test" };
    const { url } = await start(["--toolsets", "all"], {
      httpAuth: () => ({ authenticate: async () => viewer }),
    });
    const modern = (method: string, params: Record<string, unknown>) =>
      post(
        url,
        {
          jsonrpc: "2.0",
          id: 1,
          method,
          params: {
            ...params,
            _meta: {
              "io.modelcontextprotocol/protocolVersion": "2026-07-28",
              "io.modelcontextprotocol/clientCapabilities": {},
              "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
            },
          },
        },
        {
          "mcp-protocol-version": "2026-07-28",
          "mcp-method": method,
          ...(typeof params.name === "string" && { "mcp-name": params.name }),
        },
      );
    const listed = await modern("tools/list", {});
    expect(listed.status).toBe(200);
    expect(listed.headers.get("mcp-session-id")).toBeNull();
    const names = ((await listed.json()) as { result: { tools: { name: string }[] } }).result.tools.map(
      (t) => t.name,
    );
    expect(names).not.toContain("records_delete");
    expect(names).toContain("echo_text");
    const denied = await modern("tools/call", { name: "records_delete", arguments: {} });
    expect(((await denied.json()) as { error?: { code: number } }).error?.code).toBe(-32602);
  });

  it("lists each principal its own tools when stateless requests interleave (listings are built once)", async () => {
    const { url } = await start(["--stateless", "--toolsets", "all"], {
      httpAuth: () => ({
        authenticate: async (req) => ({
          id: String(req.headers["x-user"]),
          scopes: String(req.headers["x-scopes"]).split(","),
          via: "test",
        }),
      }),
    });
    const viewer = { "x-user": "viewer", "x-scopes": "demo:read" };
    const admin = { "x-user": "admin", "x-scopes": "demo:read,demo:write" };
    const modernMeta = {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientCapabilities": {},
      "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
    };
    const list = async (who: Record<string, string>, modern: boolean) => {
      const r = await post(
        url,
        { jsonrpc: "2.0", id: 1, method: "tools/list", params: modern ? { _meta: modernMeta } : {} },
        modern
          ? { ...who, "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" }
          : { ...who, "mcp-protocol-version": "2025-11-25" },
      );
      expect(r.status).toBe(200);
      const tools = ((await r.json()) as { result: { tools: { name: string; inputSchema: unknown }[] } })
        .result.tools;
      return tools;
    };
    const rounds = await Promise.all(
      Array.from({ length: 12 }, (_, i) => list(i % 2 ? admin : viewer, i % 4 < 2)),
    );
    for (const [i, tools] of rounds.entries()) {
      const names = tools.map((t) => t.name);
      if (i % 2) expect(names).toContain("records_delete");
      else expect(names).not.toContain("records_delete");
      expect(names).toContain("echo_text");
    }
    // the cached listing is the same JSON every time, for every principal that sees the tool
    const echo = rounds.map((tools) => JSON.stringify(tools.find((t) => t.name === "echo_text")));
    expect(new Set(echo).size).toBe(1);
  });

  it("answers stateless tools/list from pages encoded once, as a session lists them, with each request's id", async () => {
    const stateless = await start(["--stateless", "--toolsets", "all"]);
    const session = await start(["--toolsets", "all"]);
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(session.url)));
    const { tools } = await client.listTools();
    await client.close();
    const modernMeta = {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientCapabilities": {},
      "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
    };
    for (const modern of [true, false]) {
      for (const id of [11, "twelve"]) {
        const r = await post(
          stateless.url,
          { jsonrpc: "2.0", id, method: "tools/list", params: modern ? { _meta: modernMeta } : {} },
          modern
            ? { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" }
            : { "mcp-protocol-version": "2025-11-25" },
        );
        const text = await r.text();
        expect(Number(r.headers.get("content-length"))).toBe(Buffer.byteLength(text));
        const answer = JSON.parse(text) as { id: unknown; result: { tools: unknown[]; ttlMs?: number } };
        expect(answer.id).toBe(id);
        expect(answer.result.tools).toEqual(tools);
        if (modern) expect(answer.result.ttlMs).toEqual(expect.any(Number));
      }
    }
    const badCursor = await post(
      stateless.url,
      { jsonrpc: "2.0", id: 3, method: "tools/list", params: { cursor: "bm90IGEgY3Vyc29y" } },
      { "mcp-protocol-version": "2025-11-25" },
    );
    expect(((await badCursor.json()) as { error?: { code: number } }).error?.code).toBe(-32602);
  });

  it("serves extra public routes and keeps a session to the principal that opened it", async () => {
    const { url, base } = await start([], {
      httpAuth: () => ({
        authenticate: async (req) => ({ id: String(req.headers["x-user"]), scopes: ["*"], via: "test" }),
        routes: (req, res) => {
          if (req.url !== "/.well-known/test") return false;
          res.end("meta");
          return true;
        },
      }),
    });
    expect(await (await fetch(`${base}/.well-known/test`)).text()).toBe("meta");
    const opened = await post(url, init, { "x-user": "ann" });
    const sid = opened.headers.get("mcp-session-id") as string;
    expect(sid).toBeTruthy();
    const ping = { jsonrpc: "2.0", id: 2, method: "ping" };
    const hijack = await post(url, ping, { "x-user": "bob", "mcp-session-id": sid });
    expect(hijack.status).toBe(403);
    expect(await hijack.text()).toMatch(/another principal/);
    const own = await post(url, ping, {
      "x-user": "ann",
      "mcp-session-id": sid,
      "mcp-protocol-version": "2025-06-18",
    });
    expect(own.status).toBe(200);
  });

  it("serves /metrics only with the bearer token when METRICS_TOKEN is set", async () => {
    const token = "metrics-token-0123456789";
    const { base } = await start([], {
      env: {
        REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "kit-http-")),
        LOG_LEVEL: "silent",
        METRICS_TOKEN: token,
      },
    });
    const open = await fetch(`${base}/metrics`);
    expect([open.status, open.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="metrics"']);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("mcp_");
  });

  it("caps the sessions of one principal without touching another's", async () => {
    const { url } = await start([], {
      env: {
        REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "kit-http-")),
        LOG_LEVEL: "silent",
        MAX_SESSIONS_PER_PRINCIPAL: "2",
      },
      httpAuth: () => ({
        authenticate: async (req) => ({ id: String(req.headers["x-user"]), scopes: ["*"], via: "test" }),
      }),
    });
    const open = async (user: string) =>
      (await post(url, init, { "x-user": user })).headers.get("mcp-session-id") as string;
    const alive = async (user: string, sid: string) =>
      (
        await post(
          url,
          { jsonrpc: "2.0", id: 2, method: "ping" },
          { "x-user": user, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" },
        )
      ).status;
    const bob = await open("bob");
    const ann = [await open("ann"), await open("ann"), await open("ann")];
    expect(await alive("ann", ann[0] as string)).toBe(404); // her least recently used one made room
    expect(await alive("ann", ann[2] as string)).toBe(200);
    expect(await alive("bob", bob)).toBe(200);
  });

  it("lets an in-flight call finish on shutdown, then refuses new work", async () => {
    const { server, url } = await start();
    running.pop();
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    // stop once the call is surely running (its first progress arrived), however loaded the machine is
    let call: ReturnType<typeof client.callTool> | undefined;
    await new Promise<void>((onProgress) => {
      call = client.callTool({ name: "slow_count", arguments: { steps: 5 } }, undefined, {
        onprogress: () => onProgress(),
      });
    });
    const stopping = server.stop("test");
    expect((await call)?.structuredContent).toEqual({ counted: 5 });
    await stopping;
    await expect(fetch(url)).rejects.toThrow();
  });

  it("answers requests that arrive while it stops with 503 and Retry-After, never a reset connection", async () => {
    const { server, url } = await start(["--stateless"]);
    running.pop();
    const ping = { jsonrpc: "2.0", id: 1, method: "tools/list" };
    const statuses: (number | string)[] = [];
    const fire = async () => {
      try {
        const r = await post(url, ping);
        statuses.push(r.status === 503 ? `503 retry-after ${r.headers.get("retry-after")}` : r.status);
        await r.body?.cancel();
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code ?? "error";
        statuses.push(code);
      }
    };
    const before = Array.from({ length: 50 }, fire);
    const stopping = server.stop("test");
    const during = Array.from({ length: 150 }, fire);
    await Promise.all([...before, ...during, stopping]);
    expect(statuses.filter((s) => s !== 200 && s !== "503 retry-after 1")).toEqual([]);
    expect(statuses).toContain("503 retry-after 1");
  });

  it("stops on a bad setting with a clear message", async () => {
    await expect(
      runServer({ modules: [demoModule], defaultPort: 0, argv: ["--port", "abc"], env: {} }),
    ).rejects.toThrow(/PORT \(got "abc"\)/);
    await expect(
      runServer({ modules: [demoModule], defaultPort: 0, argv: ["--toolsets", "zzz"], env: {} }),
    ).rejects.toThrow(/Unknown toolset/);
  });
});
