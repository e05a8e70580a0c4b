import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "./api-key";
import { type HttpServerProcess, startHttpServer } from "./mcp-client";
import {
  type ConnectedModern,
  connectHttpModern,
  MODERN_PROTOCOL_VERSION,
  typeThePhrase,
} from "./mcp-client-modern";
import type { ServerE2EOptions } from "./server-e2e";

type Tool = ServerE2EOptions["tools"][number];
const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? "";
const isPlanned = (t: Tool) =>
  Boolean(t.def.example) && typeof t.def.guard === "object" && t.def.guard !== null && "kind" in t.def.guard;

/**
 * Consent in the 2026-07-28 revision, end to end: a client that declares form elicitation and answers every form
 * with the phrase it asks for (as a human would, and as a client answering its own elicitation would). Low-risk
 * plans run once after the input-required round; high-risk plans go to the approval queue and never run.
 */
export function describeInBandConsentModern(o: ServerE2EOptions, env: Record<string, string>): void {
  describe(`${o.serverName}: in-band confirmation over HTTP, MCP ${MODERN_PROTOCOL_VERSION}`, () => {
    let server: HttpServerProcess;
    let c: ConnectedModern;
    const forms: string[] = [];
    const audit = o.tools.find((t) => t.def.name === "audit_query")?.publicName ?? "audit_query";
    /** How many executions (audit outcome ok) a tool has on record. */
    const executions = async (tool: string) => {
      const r = await c.client.callTool({ name: audit, arguments: { tool, outcome: "ok", limit: 100 } });
      return (r.structuredContent as { records: unknown[] }).records.length;
    };
    /** Each guarded example's tier, as its dry run states it (a plan only the queue may confirm is high risk). */
    const tiers = async () => {
      const low: Tool[] = [];
      const high: Tool[] = [];
      for (const t of o.tools.filter(isPlanned)) {
        const args = { ...(t.def.example as Record<string, unknown>), dry_run: true };
        const r = await c.client.callTool({ name: t.publicName, arguments: args });
        if (r.isError) continue; // a rule refuses the example outright (quiet hours, caps): nothing to confirm
        const needs = (r.structuredContent as { approval_required: string[] }).approval_required;
        (needs.length ? high : low).push(t);
      }
      return { low, high };
    };

    beforeAll(async () => {
      server = await startHttpServer(o.bin, ["--toolsets", "all"], env);
      const auth = { authorization: `Bearer ${await createApiKey(env.REVOPS_DATA_DIR as string, "admin")}` };
      c = await connectHttpModern(server.url, auth, {
        elicit: (params) => {
          forms.push(params.message);
          return typeThePhrase(params);
        },
      });
    });
    afterAll(async () => {
      await c?.close();
      await server?.stop();
    });

    it("runs a low-risk plan once after the input-required round, and never a high-risk one", async () => {
      const { low, high } = await tiers();
      expect(low.length + high.length, "no guarded example to confirm").toBeGreaterThan(0);
      const lowTool = low[0];
      if (lowTool) {
        const r = await c.client.callTool({
          name: lowTool.publicName,
          arguments: lowTool.def.example as Record<string, unknown>,
        });
        expect(r.isError, text(r)).toBeFalsy();
        expect(forms).toHaveLength(1);
        expect(await executions(lowTool.publicName)).toBe(1);
      }
      for (const t of high) {
        const asked = forms.length;
        const r = await c.client.callTool({
          name: t.publicName,
          arguments: t.def.example as Record<string, unknown>,
        });
        expect(r.isError, t.publicName).toBe(true);
        expect(text(r)).toMatch(/apr_[\w-]+/);
        expect(forms.length, `${t.publicName} asked in-band`).toBe(asked);
        expect(await executions(t.publicName)).toBe(0);
      }
    });
  });
}
