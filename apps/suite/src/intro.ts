import type { KitRuntime, Logger } from "@revops/kit";
import { ensureIntroKey } from "@revops/safety";

/** What a newcomer needs after `pnpm start:sandbox`: the URL, an API key, and the exact lines for their client. */
export async function sandboxIntro(url: string, _log: Logger, rt: KitRuntime): Promise<void> {
  const key = await ensureIntroKey(rt);
  const lines = [
    "",
    `RevOps suite is running on the sandbox company at ${url}`,
    `API key (admin; also in ${rt.config.REVOPS_DATA_DIR}/sandbox-intro.key): ${key}`,
    "",
    "Claude Code:",
    `  claude mcp add --transport http revops ${url} --header "Authorization: Bearer ${key}"`,
    "Claude Desktop (claude_desktop_config.json → mcpServers; Desktop speaks stdio, so run the server itself):",
    `  "revops": { "command": "node", "args": ["${process.argv[1] ?? "apps/suite/dist/bin.js"}"] }`,
    "MCP Inspector (Transport: Streamable HTTP; add the header Authorization: Bearer <key> under Authentication):",
    `  npx @modelcontextprotocol/inspector --transport http --server-url ${url}`,
    "",
    'Try: "What does our 2026-Q4 pipeline look like?" or "Which customers are about to churn?"',
    "Stop with Ctrl+C.",
    "",
  ];
  process.stderr.write(lines.join("\n"));
}
