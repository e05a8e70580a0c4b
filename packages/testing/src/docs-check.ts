import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { ToolDefinition } from "@revops/kit";
import { expect, it } from "vitest";
import { connectStdio, tempDataDir } from "./mcp-client";
import { renderToolDocs } from "./tool-docs";

/** Fails when docs/tools/<server>.md no longer matches the registry; UPDATE_DOCS=1 rewrites it. */
export function describeToolDocs(o: {
  bin: string;
  title: string;
  file: string;
  tools: { publicName: string; def: ToolDefinition }[];
}) {
  it(`docs/tools for ${o.title} are current`, async () => {
    const c = await connectStdio(o.bin, ["--toolsets", "all"], { REVOPS_DATA_DIR: tempDataDir("docs") });
    const doc = await renderToolDocs(c.client, o.title, o.tools);
    await c.close();
    if (process.env.UPDATE_DOCS === "1") writeFileSync(o.file, doc);
    expect(existsSync(o.file), `${o.file} missing: run pnpm docs:tools`).toBe(true);
    expect(readFileSync(o.file, "utf8"), `${o.file} is stale: run pnpm docs:tools`).toBe(doc);
  });
}
