import { AsyncLocalStorage } from "node:async_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineServer, defineTool } from "./define";
import type { Middleware } from "./pipeline";
import { AnalyticsMetaSchema } from "./presets";
import { closeInMemoryClients, inMemoryClient } from "./testing/in-memory";

// stands in for resilience's call scope: an adapter deep inside the handler records, the meter hook collects
const scope = new AsyncLocalStorage<string[]>();
const STALE = "HubSpot is unavailable (HTTP 503); showing cached data from 2026-11-23T09:00:00.000Z.";
const adapterRead = () => {
  const notes = scope.getStore();
  if (notes && !notes.includes(STALE)) notes.push(STALE);
  return 3;
};
const meter: Middleware = async (_call, next) => {
  const notes: string[] = [];
  const outcome = await scope.run(notes, next);
  return outcome.ok && notes.length ? { ...outcome, caveats: notes } : outcome;
};

const ro = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
const tool = <O extends z.ZodType>(name: string, output: O, answer: (n: number) => z.input<O>) =>
  defineTool({
    name,
    title: name,
    description: "Reads twice.",
    toolset: "t",
    scopes: [],
    annotations: ro,
    input: z.object({}).strict(),
    output,
    handler: () => answer(adapterRead() + adapterRead()),
  });
const module = defineServer({
  name: "notes",
  title: "Notes",
  version: "1.0.0",
  instructions: "Caveats test.",
  toolsets: [{ name: "t", description: "T", default: true }],
  tools: [
    tool("figures_get", z.object({ total: z.number(), meta: AnalyticsMetaSchema }), (n) => ({
      total: n,
      meta: { method: "sum", as_of: "2026-11-23", source: "hubspot", inputs: {}, caveats: ["Sums only."] },
    })),
    tool("rows_list", z.object({ rows: z.number(), note: z.string() }), (n) => ({
      rows: n,
      note: `Showing ${n}.`,
    })),
    tool("count_get", z.object({ count: z.number(), note: z.string().optional() }), (n) => ({ count: n })),
    tool("plain_get", z.object({ count: z.number() }), (n) => ({ count: n })),
  ],
  resources: [],
  prompts: [],
  ports: async () => ({}),
});

afterEach(closeInMemoryClients);

async function call(name: string) {
  const client = await inMemoryClient({
    modules: [module],
    hooks: { meter },
    selection: { toolsets: ["all"] },
  });
  const r = await client.callTool({ name, arguments: {} });
  const text = (r.content as { text: string }[])[0]?.text ?? "";
  return { r, text, times: text.split(STALE).length - 1 };
}

describe("caveats recorded during a call", () => {
  it("join the analytics meta's caveats and the text once", async () => {
    const { r, text, times } = await call("figures_get");
    expect(r.structuredContent).toMatchObject({ total: 6, meta: { caveats: ["Sums only.", STALE] } });
    expect(times).toBe(1);
    expect(text).toContain("Sums only.");
    expect(r._meta?.["revops/warnings"]).toBeUndefined();
  });

  it("end the note sentence, or become it when the tool left it out", async () => {
    const listed = await call("rows_list");
    expect(listed.r.structuredContent).toEqual({ rows: 6, note: `Showing 6. ${STALE}` });
    expect(listed.times).toBe(1);
    const counted = await call("count_get");
    expect(counted.r.structuredContent).toEqual({ count: 6, note: STALE });
    expect(counted.times).toBe(1);
  });

  it("become a warning when the output has no place for them", async () => {
    const { r, text, times } = await call("plain_get");
    expect(r.structuredContent).toEqual({ count: 6 });
    expect(r._meta?.["revops/warnings"]).toEqual([STALE]);
    expect(text).toContain(`Warning: ${STALE}`);
    expect(times).toBe(1);
  });
});
