// Times a few calls of each given tool against a built server over stdio (its own data dir and scale from the
// environment), e.g. `SANDBOX_SCALE=100 REVOPS_DATA_DIR=/tmp/sb100 node bench/tool-timings.mjs apps/suite/dist
// 'cs_churn_risk={}'`: the first call pays for warming what later calls reuse.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [dist, ...calls] = process.argv.slice(2);
const client = new Client({ name: "tool-timings", version: "1" });
await client.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [`${dist}/bin.js`, "--toolsets", "all"],
    env: { ...process.env, LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "0" },
    stderr: "inherit",
  }),
);
for (const call of calls) {
  const [name, args] = call.split(/=(.*)/s);
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await client.callTool({ name, arguments: JSON.parse(args || "{}") });
    const ms = (performance.now() - t).toFixed(0);
    console.log(`${name} ${ms} ms${r.isError ? ` ${r.content?.[0]?.text?.slice(0, 200)}` : ""}`);
  }
}
await client.close();
