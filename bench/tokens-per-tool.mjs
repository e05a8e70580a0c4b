// Prints each tool's model-visible tokens (name + description + input schema, o200k) for one server, largest first,
// and beside them its whole listing (output schema, annotations and _meta too: what tools/list serialises).
// Usage: node bench/tokens-per-tool.mjs [sales|marketing|customer-success|suite] [--default: default toolsets only]
//   [--env VARIABLE=value …: settings for the server, e.g. HUBSPOT_ACCESS_TOKEN__EU=x to see the `connection`
//   argument on the tools whose ports that named connection configures]
//   [--results: also each read-only tool's documented example (docs/tools), called on the sandbox without its
//   limit, i.e. the default page a model gets: tokens of structuredContent and of the text rendering]
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { encode } from "gpt-tokenizer/encoding/o200k_base";

const server = process.argv[2] ?? "suite";
const settings = Object.fromEntries(
  process.argv.flatMap((a, i) => (process.argv[i - 1] === "--env" ? [a.split(/=(.*)/s, 2)] : [])),
);
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
    ...settings,
  },
});
const client = new Client({ name: "tokens", version: "1" });
await client.connect(transport);
const { tools } = await client.listTools();
const results = process.argv.includes("--results") ? await exampleResults(tools) : [];
await client.close();
// app-only tools (MCP Apps visibility ["app"], the confirmation card's) are hidden from the model by hosts
const appOnly = (t) => t._meta?.ui?.visibility && !t._meta.ui.visibility.includes("model");
for (const t of tools.filter(appOnly)) console.log(`(app-only, not model-visible: ${t.name})`);

/** The documented example calls of a server (docs/tools/<server>.md), called without `limit`. */
async function exampleResults(listed) {
  const doc = readFileSync(join(root, `docs/tools/${server}.md`), "utf8");
  const examples = [...doc.matchAll(/### Example\n```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]));
  const out = [];
  for (const { name, arguments: args } of examples) {
    const tool = listed.find((t) => t.name === name);
    if (!tool?.annotations?.readOnlyHint) continue;
    const { limit: _limit, ...page } = args ?? {};
    const r = await client.callTool({ name, arguments: page });
    const text = (r.content ?? []).map((c) => c.text ?? "").join("\n");
    out.push({
      name,
      structured: encode(JSON.stringify(r.structuredContent ?? {})).length,
      text: encode(text).length,
    });
  }
  return out.sort((a, b) => b.structured - a.structured);
}
const rows = tools
  .filter((t) => !appOnly(t))
  .map((t) => ({
    name: t.name,
    tokens: encode(JSON.stringify({ name: t.name, description: t.description, inputSchema: t.inputSchema }))
      .length,
    listed: encode(JSON.stringify(t)).length,
  }))
  .sort((a, b) => b.tokens - a.tokens);
console.log("model-visible / whole listing");
for (const r of rows)
  console.log(`${String(r.tokens).padStart(5)} / ${String(r.listed).padStart(5)}  ${r.name}`);
const total = rows.reduce((t, r) => t + r.tokens, 0);
const named = tools.filter((t) => !appOnly(t) && t.inputSchema.properties?.connection).length;
console.log(
  `${rows.length} tools, ${total} tokens, avg ${(total / rows.length).toFixed(1)}, max ${rows[0]?.tokens}; ${named} take connection`,
);
console.log(
  `whole tools/list: ${encode(JSON.stringify(tools)).length} tokens, ${JSON.stringify(tools).length} bytes`,
);
if (results.length) {
  console.log(
    "\nresult tokens of each documented example, default page (structured / text; budget 1,500 each):",
  );
  for (const r of results)
    console.log(`${String(r.structured).padStart(5)} / ${String(r.text).padStart(5)}  ${r.name}`);
  const over = results.filter((r) => r.structured > 1500 || r.text > 1500).map((r) => r.name);
  console.log(
    `${results.length} read tools, max ${results[0]?.structured} structured; over budget: ${over.join(", ") || "none"}`,
  );
}
