import { execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { appOnly } from "@revops/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "./api-key";
import {
  type Connected,
  connectHttp,
  connectStdio,
  type HttpServerProcess,
  startHttpServer,
  tempDataDir,
} from "./mcp-client";
import { RESULT_TOKEN_BUDGET, resultTokens } from "./registry-contract";
import { listedAppOnly } from "./tools-of";

interface ToolLike {
  name: string;
  example?: unknown;
  annotations: { readOnlyHint: boolean };
  guard?: unknown;
  visibility?: readonly string[];
  view?: { uri: string };
}

export interface ServerE2EOptions {
  /** Path to the built bin (dist/bin.js). */
  bin: string;
  serverName: string;
  /** Every tool the server defines, with its public name (namespaced in the suite). */
  tools: { publicName: string; def: ToolLike; defaultOn: boolean; toolset: string }[];
  /** A toolset to switch on alone with --toolsets. */
  toolset: string;
  /** A resource URI that exists in the sandbox. */
  resourceUri: string;
  prompt: { name: string; args: Record<string, string> };
  /** A call with bad input, and the field path the error must name. */
  badCall: { tool: string; args: Record<string, unknown>; field: string };
}

/** The tools a predicate picks, and the app-only tools served with their views (the kit's selectTools). */
function withTheirViewTools<T extends { def: ToolLike }>(tools: readonly T[], pick: (t: T) => boolean): T[] {
  const chosen = tools.filter((t) => !appOnly(t.def) && pick(t));
  const shown = new Set(chosen.flatMap((t) => (t.def.view ? [t.def.view.uri] : [])));
  return [...chosen, ...tools.filter((t) => appOnly(t.def) && t.def.view && shown.has(t.def.view.uri))];
}

const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? "";

/** The end-to-end contract every server honours, driven by the official SDK client over stdio and HTTP. */
export function describeServerE2E(o: ServerE2EOptions): void {
  const dataDir = tempDataDir(o.serverName);
  const env = { REVOPS_DATA_DIR: dataDir };
  const defaults = o.tools
    .filter((t) => t.defaultOn)
    .map((t) => t.publicName)
    .sort();

  describe(`${o.serverName} over stdio`, () => {
    let c: Connected;
    beforeAll(async () => {
      c = await connectStdio(o.bin, ["--toolsets", "all"], env);
    });
    afterAll(async () => c?.close());

    it("initializes with name, instructions and capabilities", () => {
      expect(c.client.getServerVersion()?.name).toBe(o.serverName);
      expect(c.client.getInstructions()?.length).toBeGreaterThan(50);
      const caps = c.client.getServerCapabilities();
      expect(caps?.tools && caps.resources && caps.prompts && caps.logging && caps.completions).toBeTruthy();
    });

    it("lists every tool with schemas and explicit annotations", async () => {
      const { tools } = await c.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(o.tools.map((t) => t.publicName).sort());
      for (const t of tools) {
        // an app-only tool (the confirmation card's) answers with the result of the tool it runs
        if (!listedAppOnly(t)) expect(t.outputSchema?.type).toBe("object");
        for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
          expect(typeof t.annotations?.[hint], `${t.name}.${hint}`).toBe("boolean");
        }
      }
    });

    for (const t of o.tools.filter((t) => !appOnly(t.def))) {
      it(`calls ${t.publicName} with its example and gets structured output`, async () => {
        const args = (t.def.example ?? {}) as Record<string, unknown>;
        let r = await c.client.callTool({ name: t.publicName, arguments: args });
        if (t.def.guard) {
          // Guarded: nothing runs until a human approves with the `revops` command shipped beside the server.
          expect(r.isError).toBe(true);
          const id = text(r).match(/apr_[\w-]+/)?.[0];
          expect(id, text(r)).toBeDefined();
          const cli = join(dirname(o.bin), "revops.js");
          const approved = execFileSync(
            process.execPath,
            [cli, "approvals", "approve", id as string, "--as", "e2e"],
            {
              env: { PATH: process.env.PATH ?? "", ...env },
              encoding: "utf8",
            },
          );
          expect(approved).toContain(`Approved ${id}`);
          r = await c.client.callTool({ name: t.publicName, arguments: { ...args, approval_id: id } });
        }
        expect(r.isError, text(r)).toBeFalsy();
        expect(r.structuredContent).toBeTypeOf("object");
        expect(text(r).length).toBeGreaterThan(0);
      });
      if (t.def.annotations.readOnlyHint) {
        it(`${t.publicName}'s default page stays within ${RESULT_TOKEN_BUDGET} tokens, structured and text`, async () => {
          // the example without its limit: what a model gets when it asks without narrowing
          const { limit: _default, ...args } = (t.def.example ?? {}) as Record<string, unknown>;
          const r = await c.client.callTool({ name: t.publicName, arguments: args });
          expect(r.isError, text(r)).toBeFalsy();
          const tokens = resultTokens(r as Parameters<typeof resultTokens>[0]);
          expect(tokens.structured, "structured").toBeLessThanOrEqual(RESULT_TOKEN_BUDGET);
          expect(tokens.text, "text").toBeLessThanOrEqual(RESULT_TOKEN_BUDGET);
        });
      }
    }

    it("reads a resource", async () => {
      const r = await c.client.readResource({ uri: o.resourceUri });
      expect(r.contents[0]?.uri).toBe(o.resourceUri);
      expect(JSON.parse(String((r.contents[0] as { text?: string })?.text))).toBeTypeOf("object");
    });

    it("gets a prompt", async () => {
      const r = await c.client.getPrompt({ name: o.prompt.name, arguments: o.prompt.args });
      expect(r.messages.length).toBeGreaterThan(0);
    });

    it("rejects bad input with the field path and what to do", async () => {
      const r = await c.client.callTool({ name: o.badCall.tool, arguments: o.badCall.args });
      expect(r.isError).toBe(true);
      expect(text(r)).toContain(o.badCall.field);
      expect(text(r)).toMatch(/Next: /);
      expect(text(r)).not.toMatch(/\n\s+at .*\.(js|ts):\d+/);
    });

    it("rejects an unknown tool", async () => {
      await expect(c.client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toThrow(
        /Unknown tool/,
      );
    });
  });

  describe(`${o.serverName} selection flags`, () => {
    it("serves the default toolsets when none are named", async () => {
      const c = await connectStdio(o.bin, [], env);
      const { tools } = await c.client.listTools();
      await c.close();
      expect(tools.map((t) => t.name).sort()).toEqual(defaults);
    });

    it("--toolsets switches on only the named toolset", async () => {
      const c = await connectStdio(o.bin, ["--toolsets", o.toolset], env);
      const { tools } = await c.client.listTools();
      await c.close();
      const expected = withTheirViewTools(o.tools, (t) => t.toolset === o.toolset)
        .map((t) => t.publicName)
        .sort();
      expect(tools.map((t) => t.name).sort()).toEqual(expected);
    });

    it("--read-only leaves only read-only tools", async () => {
      const c = await connectStdio(o.bin, ["--read-only", "--toolsets", "all"], {
        ...env,
        REVOPS_READ_ONLY: "true",
      });
      const { tools } = await c.client.listTools();
      await c.close();
      const expected = o.tools
        .filter((t) => t.def.annotations.readOnlyHint)
        .map((t) => t.publicName)
        .sort();
      expect(tools.map((t) => t.name).sort()).toEqual(expected);
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    });

    it("stops at start-up on a bad setting, naming the variable", async () => {
      const child = spawn(process.execPath, [o.bin, "--toolsets", "nope"], {
        env: { ...process.env, ...env },
      });
      let err = "";
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      const code = await new Promise((r) => child.on("exit", r));
      expect(code).toBe(2);
      expect(err).toMatch(/Unknown toolset "nope".*Valid:/);
    });
  });

  describe(`${o.serverName} stdout purity`, () => {
    it("writes nothing but JSON-RPC to stdout, logs go to stderr", async () => {
      const child = spawn(process.execPath, [o.bin, "--toolsets", "all"], {
        env: { PATH: process.env.PATH ?? "", ...env, LOG_LEVEL: "debug" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
      send({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      });
      send({ jsonrpc: "2.0", method: "notifications/initialized" });
      send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
      for (const [i, t] of o.tools.entries()) {
        send({
          jsonrpc: "2.0",
          id: 3 + i,
          method: "tools/call",
          params: { name: t.publicName, arguments: t.def.example ?? {} },
        });
      }
      send({
        jsonrpc: "2.0",
        id: 999,
        method: "tools/call",
        params: { name: o.badCall.tool, arguments: o.badCall.args },
      });
      const deadline = Date.now() + 30_000;
      while (!out.includes('"id":999') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      child.stdin.end();
      const code = await new Promise((r) => child.on("exit", r));
      expect(code).toBe(0);
      const lines = out.split("\n").filter(Boolean);
      expect(lines.length).toBeGreaterThanOrEqual(3 + o.tools.length);
      for (const line of lines) expect(JSON.parse(line).jsonrpc).toBe("2.0");
      expect(err).toContain('"level"');
    });
  });

  it(`${o.serverName} answers every in-flight call, whole, when stdin closes`, async () => {
    const child = spawn(process.execPath, [o.bin], {
      env: { PATH: process.env.PATH ?? "", ...env, LOG_LEVEL: "error", RATE_LIMIT_PER_MINUTE: "0" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const read = o.tools.find((t) => t.defaultOn && t.def.annotations.readOnlyHint) ?? o.tools[0];
    const lines = [
      {
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      // calls interleaved with large tools/list answers, so the stdout pipe is full when stdin closes
      ...Array.from({ length: 200 }, (_, i) =>
        i % 2
          ? { jsonrpc: "2.0", id: i + 1, method: "tools/list" }
          : {
              jsonrpc: "2.0",
              id: i + 1,
              method: "tools/call",
              params: { name: read?.publicName, arguments: read?.def.example ?? {} },
            },
      ),
    ];
    // all at once, then stdin closes while the calls are in flight
    child.stdin.end(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(0);
    const answers = out
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: number });
    expect(
      answers
        .filter((a) => a.id > 0)
        .map((a) => a.id)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  describe(`${o.serverName} over Streamable HTTP`, () => {
    let server: HttpServerProcess;
    let c: Connected;
    let auth: Record<string, string>;
    beforeAll(async () => {
      auth = { authorization: `Bearer ${await createApiKey(dataDir, "admin")}` };
      server = await startHttpServer(o.bin, ["--toolsets", "all"], env);
      c = await connectHttp(server.url, auth);
    });
    afterAll(async () => {
      await c?.close();
      await server?.stop();
    });

    it("lists and calls tools in a session", async () => {
      const { tools } = await c.client.listTools();
      expect(tools.length).toBe(o.tools.length);
      const first = o.tools[0];
      if (!first) throw new Error("no tools");
      const r = await c.client.callTool({
        name: first.publicName,
        arguments: (first.def.example ?? {}) as Record<string, unknown>,
      });
      expect(r.isError, text(r)).toBeFalsy();
      const bad = await c.client.callTool({ name: o.badCall.tool, arguments: o.badCall.args });
      expect(text(bad)).toContain(o.badCall.field);
    });

    it("reads a resource and gets a prompt", async () => {
      expect((await c.client.readResource({ uri: o.resourceUri })).contents.length).toBe(1);
      expect(
        (await c.client.getPrompt({ name: o.prompt.name, arguments: o.prompt.args })).messages.length,
      ).toBeGreaterThan(0);
    });

    it("serves health, readiness and Prometheus metrics", async () => {
      const base = server.url.replace(/\/mcp$/, "");
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready" });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain("mcp_tool_calls_total");
      expect(metrics).toContain("mcp_tool_duration_seconds_bucket");
    });

    it("refuses a caller without credentials, pointing at the OAuth metadata", async () => {
      const r = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(r.status).toBe(401);
      expect(r.headers.get("www-authenticate")).toContain("resource_metadata=");
      const meta = server.url.replace(/\/mcp$/, "/.well-known/oauth-protected-resource");
      expect(((await (await fetch(meta)).json()) as { resource: string }).resource).toBe(server.url);
    });

    it("refuses a foreign Host or Origin (DNS rebinding)", async () => {
      const init = {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      };
      const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
      const evil = await fetch(server.url, {
        method: "POST",
        headers: { ...headers, origin: "http://evil.example" },
        body: JSON.stringify(init),
      });
      expect(evil.status).toBe(403);
    });

    it("rejects an oversized body with 413", async () => {
      const r = await fetch(server.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...auth,
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "ping",
          params: { pad: "x".repeat(1_100_000) },
        }),
      });
      expect(r.status).toBe(413);
    });

    it("answers unknown sessions with 404", async () => {
      const r = await fetch(server.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-session-id": "nope",
          ...auth,
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(r.status).toBe(404);
    });
  });

  describe(`${o.serverName} stateless HTTP`, () => {
    it("answers each request with a fresh server and exits cleanly on SIGTERM", async () => {
      const server = await startHttpServer(o.bin, ["--stateless"], env);
      const c = await connectHttp(server.url, {
        authorization: `Bearer ${await createApiKey(dataDir, "admin")}`,
      });
      const { tools } = await c.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(defaults);
      await c.close();
      expect(await server.stop()).toBe(0);
      expect(server.stderr()).toContain("stopped");
    });
  });
}
