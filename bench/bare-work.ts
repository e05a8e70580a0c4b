// The fair stdio baseline: the bare SDK v2 server doing our read tool's work (the sandbox's deal query, rows and total
// returned as JSON) without any of our pipeline. Our server's ratio against it is what the pipeline itself costs.
import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";
import { SandboxCrm } from "../packages/sandbox/src/index";
import { openSql } from "../packages/store/src/index";

const crm = new SandboxCrm(await openSql({ dataDir: process.env.REVOPS_DATA_DIR ?? "." }));
const server = new McpServer({ name: "bare-work", version: "1.0.0" });
server.registerTool(
  "deals_list",
  {
    description: "Lists deals",
    inputSchema: z.object({
      status: z.enum(["open", "won", "lost"]).optional(),
      limit: z.number().optional(),
    }),
  },
  async (args) => {
    const page = await crm.listDeals(args);
    const out = { deals: page.rows, total: page.total, next_cursor: page.nextCursor ?? null };
    return { content: [{ type: "text", text: JSON.stringify(out) }], structuredContent: out };
  },
);
await server.connect(new StdioServerTransport());
