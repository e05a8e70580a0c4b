import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
const [dist, ...calls] = process.argv.slice(2);
const client = new Client({ name: "t", version: "1" });
await client.connect(new StdioClientTransport({ command: process.execPath, args: [dist + "/bin.js", "--toolsets", "all"], env: { ...process.env, LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "0" }, stderr: "inherit" }));
for (const c of calls) {
  const [name, args] = c.split("=");
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await client.callTool({ name, arguments: JSON.parse(args ?? "{}") });
    console.log(name, (performance.now() - t).toFixed(0), "ms", r.isError ? r.content[0].text.slice(0, 200) : "");
  }
}
await client.close();
