// The baseline server: the official SDK v2 (`@modelcontextprotocol/server`) with one echo tool, nothing of ours.
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

export function bareServer() {
  const server = new McpServer({ name: "bare", version: "1.0.0" });
  server.registerTool(
    "echo",
    {
      description: "Echoes text",
      inputSchema: z.object({ text: z.string() }),
      outputSchema: z.object({ text: z.string() }),
    },
    async ({ text }) => ({ content: [{ type: "text", text }], structuredContent: { text } }),
  );
  return server;
}
