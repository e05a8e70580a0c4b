import { z } from "zod";
import { definePrompt, defineResource, defineServer, defineTool } from "../define";
import { notFound } from "../errors";

/** A small server exercising every kit feature, shared by the kit's tests. */
const ro = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
export const counters = { started: 0 };

const echo = defineTool({
  name: "echo_text",
  title: "Echo",
  description: "Echoes text.",
  toolset: "basic",
  scopes: ["demo:read"],
  annotations: ro,
  input: z.object({ text: z.string().min(1), times: z.number().int().min(1).max(3).default(1) }).strict(),
  output: z.object({ echoed: z.string() }),
  handler: ({ input }) => ({ echoed: input.text.repeat(input.times) }),
});
const slow = defineTool({
  name: "slow_count",
  title: "Count slowly",
  description: "Counts with progress.",
  toolset: "basic",
  scopes: ["demo:read"],
  annotations: ro,
  input: z.object({ steps: z.number().int().min(1).max(10) }),
  output: z.object({ counted: z.number() }),
  handler: async ({ input, ctx }) => {
    counters.started++;
    for (let i = 1; i <= input.steps; i++) {
      await new Promise((r) => setTimeout(r, 20));
      ctx.signal.throwIfAborted();
      await ctx.progress(i, input.steps, `step ${i}`);
    }
    await ctx.notify("info", { counted: input.steps });
    return { counted: input.steps };
  },
});
const liar = defineTool({
  name: "broken_output",
  title: "Broken",
  description: "Returns the wrong shape.",
  toolset: "extra",
  scopes: ["demo:read"],
  annotations: ro,
  input: z.object({}),
  output: z.object({ n: z.number() }),
  handler: () => ({ n: "not a number" }) as unknown as { n: number },
});
const crash = defineTool({
  name: "crash_now",
  title: "Crash",
  description: "Throws.",
  toolset: "extra",
  scopes: ["demo:read"],
  annotations: ro,
  input: z.object({}),
  output: z.object({}),
  handler: () => {
    throw new Error("secret=hunter2 at /srv/app.js:12");
  },
});
const wipe = defineTool({
  name: "records_delete",
  title: "Delete records",
  description: "Deletes.",
  toolset: "admin",
  scopes: ["demo:write"],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  input: z.object({ ids: z.array(z.string()), confirm: z.boolean().optional() }),
  output: z.object({ deleted: z.number() }),
  guard: { kind: "destructive", preview: (input) => ({ ids: input.ids }) },
  handler: ({ input }) => ({ deleted: input.ids.length }),
});

export const demoModule = defineServer({
  name: "demo",
  title: "Demo",
  version: "1.0.0",
  instructions: "A demo server for kit tests.",
  toolsets: [
    { name: "basic", description: "Basics", default: true },
    { name: "extra", description: "Extras", default: false },
    { name: "admin", description: "Admin", default: false },
  ],
  tools: [echo, slow, liar, crash, wipe],
  resources: [
    defineResource({
      name: "item",
      title: "Item",
      description: "An item.",
      mimeType: "application/json",
      scopes: ["demo:read"],
      uriTemplate: "demo://items/{id}",
      read: async ({ uri, params }) => {
        if (params.id === "missing") throw notFound("No such item.");
        return [{ uri, mimeType: "application/json", text: JSON.stringify({ id: params.id }) }];
      },
      list: async () => [{ uri: "demo://items/a", name: "A" }],
      complete: { id: async (v) => ["alpha", "beta", "apple"].filter((x) => x.startsWith(v)) },
    }),
    defineResource({
      name: "about",
      title: "About",
      description: "About.",
      mimeType: "text/plain",
      scopes: ["demo:read"],
      uri: "demo://about",
      read: async ({ uri }) => [{ uri, text: "demo" }],
    }),
  ],
  prompts: [
    definePrompt({
      name: "greet",
      title: "Greet",
      description: "Greets.",
      scopes: ["demo:read"],
      args: { who: { description: "Name", required: true } },
      complete: { who: async (v) => ["ann", "bob"].filter((x) => x.startsWith(v)) },
      render: (args) => [{ role: "user", content: { type: "text", text: `Hello ${args.who}` } }],
    }),
  ],
  ports: async () => ({}),
});
