// Prints each tool's model-visible tokens (name + description + input schema, o200k) for one server, largest first.
// Usage: node bench/tokens-per-tool.mjs [sales|marketing|customer-success|suite] [--default: default toolsets only]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { encode } from "gpt-tokenizer/encoding/o200k_base";

const server = process.argv[2] ?? "suite";
const root = new URL("..", import.meta.url).pathname;
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [
    join(root, `apps/${server}/dist/bin.js`),
    ...(process.argv.includes("--default") ? [] : ["--toolsets", "all"]),
  ],
  env: {
    PATH: process.env.PATH,
    REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "revops-tokens-")),
    LOG_LEVEL: "warn",
  },
});
const client = new Client({ name: "tokens", version: "1" });
await client.connect(transport);
const { tools } = await client.listTools();
await client.close();
// app-only tools (MCP Apps visibility ["app"], the confirmation card's) are hidden from the model by hosts
const appOnly = (t) => t._meta?.ui?.visibility && !t._meta.ui.visibility.includes("model");
for (const t of tools.filter(appOnly)) console.log(`(app-only, not model-visible: ${t.name})`);
const rows = tools
  .filter((t) => !appOnly(t))
  .map((t) => ({
    name: t.name,
    tokens: encode(JSON.stringify({ name: t.name, description: t.description, inputSchema: t.inputSchema }))
      .length,
  }))
  .sort((a, b) => b.tokens - a.tokens);
for (const r of rows) console.log(`${String(r.tokens).padStart(5)}  ${r.name}`);
const total = rows.reduce((t, r) => t + r.tokens, 0);
console.log(
  `${rows.length} tools, ${total} tokens, avg ${(total / rows.length).toFixed(1)}, max ${rows[0]?.tokens}`,
);
