import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { documentedOutputSchema, type ToolDefinition } from "@revops/kit";
import { listedAppOnly } from "./tools-of";

interface ExampleTool {
  publicName: string;
  def: ToolDefinition;
}

/** Tools with an MCP Apps view say so (hosts that render views show the chart beside the result). */
const viewLine = (meta: unknown): string[] => {
  const uri = ((meta ?? {}) as { ui?: { resourceUri?: string } }).ui?.resourceUri;
  return uri
    ? [`Chart: \`${uri}\` (an MCP Apps view; other clients get the same text and structured content).`, ""]
    : [];
};

const json = (v: unknown) => `\`\`\`json\n${JSON.stringify(v, null, 2)}\n\`\`\``;

/** docs/tools/<server>.md from the live registry: every field comes from tools/list and a real call on the sandbox. */
export async function renderToolDocs(client: Client, title: string, tools: ExampleTool[]): Promise<string> {
  const listed = (await client.listTools()).tools;
  const out = [
    `# ${title} — tool reference`,
    "",
    "Generated from the server's registry and real calls against the sandbox company; do not edit by hand.",
    "Regenerate with `pnpm docs:tools` (a test fails when this file is stale).",
    "",
    "| tool | title | toolset | scopes | read-only | destructive | idempotent | open-world |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const t of listed) {
    const a = t.annotations ?? {};
    const meta = (t._meta ?? {}) as Record<string, unknown>;
    out.push(
      `| [\`${t.name}\`](#${t.name}) | ${t.title ?? ""} | ${meta["revops/toolset"]} | ${(meta["revops/scopes"] as string[]).join(", ")} | ${a.readOnlyHint} | ${a.destructiveHint} | ${a.idempotentHint} | ${a.openWorldHint} |`,
    );
  }
  // an app-only tool (the confirmation card's) has no example of its own: only a card calls it
  for (const t of listed.filter((t) => !listedAppOnly(t))) {
    const def = tools.find((x) => x.publicName === t.name)?.def;
    const given = def?.example ?? {};
    // A guarded tool's example is its dry run: the exact plan a human would confirm, the same on every run.
    const guarded = Boolean((t._meta as Record<string, unknown> | undefined)?.["revops/guard"]);
    const example = guarded ? { ...(given as object), dry_run: true } : given;
    const result = await client.callTool({ name: t.name, arguments: example as Record<string, unknown> });
    // ids and clocks differ on every run (the audit log's, for one); the docs must not
    const text = ((result.content as { text: string }[])[0]?.text ?? "")
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<uuid>")
      .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\b/g, "<time>");
    out.push(
      "",
      `## ${t.name}`,
      "",
      `**${t.title}** — ${t.description}`,
      "",
      ...viewLine(t._meta),
      "### Input schema",
      json(t.inputSchema),
      "",
      "### Output schema",
      // the listing names a result's fields; the reference spells out their records and rows too (ADR 0058)
      json(def && t.outputSchema ? documentedOutputSchema(def) : t.outputSchema),
      "",
      "### Example",
      json({ name: t.name, arguments: example }),
      "",
      guarded
        ? "Result (dry run: the plan a human confirms before anything runs; from the sandbox):"
        : "Result (text rendering, from the sandbox):",
      "```text",
      text.split("\n").slice(0, 40).join("\n"),
      "```",
    );
  }
  return `${out.join("\n")}\n`;
}
