import { defineServer, defineTool } from "@revops/kit";
import { z } from "zod";

/** A small server whose tools need different scopes, so roles visibly change what a caller sees. */
export const fixtureModule = defineServer({
  name: "fixture",
  title: "Fixture",
  version: "1.0.0",
  instructions: "Test server.",
  toolsets: [{ name: "main", description: "Everything", default: true }],
  tools: [
    defineTool({
      name: "deals_count",
      title: "Count deals",
      description: "Counts deals.",
      toolset: "main",
      scopes: ["sales:read"],
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      input: z.object({}),
      output: z.object({ count: z.number(), caller: z.string() }),
      handler: ({ ctx }) => ({ count: 3, caller: ctx.principal.id }),
    }),
    defineTool({
      name: "deal_touch",
      title: "Touch a deal",
      description: "Marks a deal as touched.",
      toolset: "main",
      scopes: ["sales:write"],
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
      input: z.object({ deal_id: z.string() }),
      output: z.object({ touched: z.string() }),
      guard: { none: "a test marker on our own side, nothing a human answers for" },
      handler: ({ input }) => ({ touched: input.deal_id }),
    }),
  ],
  resources: [],
  prompts: [],
  ports: async () => ({}),
});
