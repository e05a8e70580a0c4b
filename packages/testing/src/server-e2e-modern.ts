import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "./api-key";
import {
  type Connected,
  connectHttp,
  type HttpServerProcess,
  startHttpServer,
  tempDataDir,
} from "./mcp-client";
import {
  type ConnectedModern,
  connectHttpModern,
  connectStdioModern,
  MODERN_PROTOCOL_VERSION,
  modernPost,
} from "./mcp-client-modern";
import type { ServerE2EOptions } from "./server-e2e";
import { describeInBandConsentModern } from "./server-e2e-consent-modern";
import { listedAppOnly } from "./tools-of";

const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? "";

/**
 * The same contract as describeServerE2E, driven by the SDK v2 client in the 2026-07-28 revision (server/discover,
 * no initialize, no session) over stdio and Streamable HTTP; 2025 clients keep being served by the same server.
 */
export function describeServerModernE2E(o: ServerE2EOptions): void {
  const dataDir = tempDataDir(`${o.serverName}-modern`);
  const env = { REVOPS_DATA_DIR: dataDir };
  const read = o.tools.find((t) => t.def.annotations.readOnlyHint && t.def.example) ?? o.tools[0];
  const guarded = o.tools.find(
    (t) => t.def.example && typeof t.def.guard === "object" && t.def.guard !== null && "kind" in t.def.guard,
  );

  describe(`${o.serverName} over stdio, MCP ${MODERN_PROTOCOL_VERSION}`, () => {
    let c: ConnectedModern;
    beforeAll(async () => {
      c = await connectStdioModern(o.bin, ["--toolsets", "all"], env);
    });
    afterAll(async () => c?.close());

    it("discovers the server without initialize", () => {
      expect(c.client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL_VERSION);
      expect(c.client.getServerVersion()?.name).toBe(o.serverName);
      expect(c.client.getInstructions()?.length).toBeGreaterThan(50);
      const caps = c.client.getServerCapabilities();
      expect(caps?.tools && caps.resources && caps.prompts).toBeTruthy();
    });

    it("lists every tool with schemas and annotations", async () => {
      const { tools } = await c.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(o.tools.map((t) => t.publicName).sort());
      for (const t of tools) {
        if (!listedAppOnly(t)) expect(t.outputSchema?.type).toBe("object");
        expect(typeof t.annotations?.readOnlyHint).toBe("boolean");
      }
    });

    it("calls a read tool and gets structured output", async () => {
      if (!read) throw new Error("no tools");
      const r = await c.client.callTool({
        name: read.publicName,
        arguments: (read.def.example ?? {}) as Record<string, unknown>,
      });
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent).toBeTypeOf("object");
      expect(text(r).length).toBeGreaterThan(0);
    });

    it.runIf(guarded)(
      "answers a guarded dry run with its plan, and queues the write for approval",
      async () => {
        if (!guarded) return;
        const args = (guarded.def.example ?? {}) as Record<string, unknown>;
        const plan = await c.client.callTool({
          name: guarded.publicName,
          arguments: { ...args, dry_run: true },
        });
        expect(plan.isError, text(plan)).toBeFalsy();
        expect(plan.structuredContent).toMatchObject({ dry_run: true });
        // no server-to-client requests in this revision: the plan waits for a human in the approval queue
        const queued = await c.client.callTool({ name: guarded.publicName, arguments: args });
        expect(queued.isError).toBe(true);
        expect(text(queued)).toMatch(/apr_[\w-]+/);
      },
    );

    it("reads a resource and gets a prompt", async () => {
      const r = await c.client.readResource({ uri: o.resourceUri });
      expect(r.contents[0]?.uri).toBe(o.resourceUri);
      const p = await c.client.getPrompt({ name: o.prompt.name, arguments: o.prompt.args });
      expect(p.messages.length).toBeGreaterThan(0);
    });

    it("reports bad input, an unknown tool and a missing resource", async () => {
      const bad = await c.client.callTool({ name: o.badCall.tool, arguments: o.badCall.args });
      expect(bad.isError).toBe(true);
      expect(text(bad)).toContain(o.badCall.field);
      await expect(c.client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toMatchObject({
        code: -32602,
      });
      const missing = `${o.resourceUri.split("://")[0]}://no/such/thing`;
      await expect(c.client.readResource({ uri: missing })).rejects.toMatchObject({ code: -32602 });
    });
  });

  describe(`${o.serverName} over Streamable HTTP, MCP ${MODERN_PROTOCOL_VERSION} beside 2025-11-25`, () => {
    let server: HttpServerProcess;
    let modern: ConnectedModern;
    let legacy: Connected;
    let auth: Record<string, string>;
    beforeAll(async () => {
      auth = { authorization: `Bearer ${await createApiKey(dataDir, "admin")}` };
      // sessions on (the default) for 2025 clients; 2026-07-28 requests are stateless on the same endpoint
      server = await startHttpServer(o.bin, ["--toolsets", "all"], env);
      modern = await connectHttpModern(server.url, auth);
      legacy = await connectHttp(server.url, auth);
    });
    afterAll(async () => {
      await modern?.close();
      await legacy?.close();
      await server?.stop();
    });

    it("serves both revisions from one server", async () => {
      expect(modern.client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL_VERSION);
      expect(legacy.client.getServerVersion()?.name).toBe(o.serverName);
      const [a, b] = await Promise.all([modern.client.listTools(), legacy.client.listTools()]);
      expect(a.tools.map((t) => t.name).sort()).toEqual(b.tools.map((t) => t.name).sort());
    });

    it("calls a read tool, reads a resource and gets a prompt without a session", async () => {
      if (!read) throw new Error("no tools");
      const r = await modern.client.callTool({
        name: read.publicName,
        arguments: (read.def.example ?? {}) as Record<string, unknown>,
      });
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent).toBeTypeOf("object");
      expect((await modern.client.readResource({ uri: o.resourceUri })).contents.length).toBe(1);
      const p = await modern.client.getPrompt({ name: o.prompt.name, arguments: o.prompt.args });
      expect(p.messages.length).toBeGreaterThan(0);
    });

    it("answers any self-describing request with no session, and never opens one", async () => {
      const r = await modernPost(server.url, "tools/list", {}, auth);
      expect(r.status).toBe(200);
      expect(r.headers.get("mcp-session-id")).toBeNull();
      const body = (await r.json()) as { result: { tools: unknown[] } };
      expect(body.result.tools.length).toBe(o.tools.length);
      const discover = await modernPost(server.url, "server/discover", {}, auth);
      expect(
        ((await discover.json()) as { result: { supportedVersions: string[] } }).result.supportedVersions,
      ).toContain(MODERN_PROTOCOL_VERSION);
    });

    it("answers GET and DELETE with 405 for the new revision", async () => {
      for (const method of ["GET", "DELETE"]) {
        const r = await fetch(server.url, {
          method,
          headers: { accept: "text/event-stream", "mcp-protocol-version": MODERN_PROTOCOL_VERSION, ...auth },
        });
        expect(r.status, method).toBe(405);
      }
    });

    // `supported` lists the revisions server/discover announces (the 2025 ones are reached through initialize)
    it("refuses a revision it does not speak with HTTP 400 and -32022, naming the ones it does", async () => {
      const r = await modernPost(server.url, "tools/list", {}, auth, "2099-01-01");
      expect(r.status).toBe(400);
      const body = (await r.json()) as { error: { code: number; data: { supported: string[] } } };
      expect(body.error.code).toBe(-32022);
      expect(body.error.data.supported).toContain(MODERN_PROTOCOL_VERSION);
    });

    it("still refuses a caller without credentials", async () => {
      const r = await modernPost(server.url, "tools/list", {}, {});
      expect(r.status).toBe(401);
    });
  });

  describeInBandConsentModern(o, env);

  describe(`${o.serverName} stateless HTTP, MCP ${MODERN_PROTOCOL_VERSION}`, () => {
    it("serves the new revision and 2025 clients with --stateless", async () => {
      const server = await startHttpServer(o.bin, ["--stateless"], env);
      const auth = { authorization: `Bearer ${await createApiKey(dataDir, "admin")}` };
      const modern = await connectHttpModern(server.url, auth);
      const legacy = await connectHttp(server.url, auth);
      const [a, b] = await Promise.all([modern.client.listTools(), legacy.client.listTools()]);
      expect(a.tools.length).toBeGreaterThan(0);
      expect(a.tools.map((t) => t.name).sort()).toEqual(b.tools.map((t) => t.name).sort());
      await modern.close();
      await legacy.close();
      expect(await server.stop()).toBe(0);
    });
  });
}
