import { fileURLToPath } from "node:url";
import { approvalIdIn } from "@revops/guards/testing";
import { type Connected, connectStdio, modelVisibleTokens, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// the budget's own measure (not re-exported by the package index)

/** Progressive discovery end to end: the built suite over stdio, the official SDK client, no refreshed list. */
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const START_BUDGET = 1200;

interface Found {
  name: string;
  annotations: Record<string, boolean>;
  scopes: string[];
  guard?: string;
  input_schema: { properties: Record<string, unknown> };
}
const text = (r: unknown) => (r as { content: { text: string }[] }).content.map((c) => c.text).join("\n");
const startTokens = async (c: Connected) =>
  (await c.client.listTools()).tools.reduce((sum, t) => sum + modelVisibleTokens(t), 0);
const search = async (c: Connected, query: string) => {
  const r = await c.client.callTool({ name: "tools_search", arguments: { query } });
  expect(r.isError, text(r)).toBeFalsy();
  return (r.structuredContent as { tools: Found[] }).tools;
};

describe("suite in search mode (--discovery search)", () => {
  let s: Connected;
  let viewer: Connected;
  beforeAll(async () => {
    s = await connectStdio(bin, ["--discovery", "search"], { REVOPS_DATA_DIR: tempDataDir("discovery") });
    viewer = await connectStdio(bin, [], {
      REVOPS_DATA_DIR: tempDataDir("discovery-viewer"),
      REVOPS_TOOL_DISCOVERY: "search",
      REVOPS_PRINCIPAL_SCOPES: "sales:read,marketing:read,cs:read",
    });
  });
  afterAll(async () => {
    await s?.close();
    await viewer?.close();
  });

  it(`starts with a few core tools and tools_search, within ${START_BUDGET} model-visible tokens`, async () => {
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      "sales_deals_list",
      "marketing_campaigns_list",
      "cs_accounts_at_risk",
      "customer_360",
      // the confirmation card's approve tool: listed for MCP Apps hosts, which hide it from the model
      "plan_approve",
      "tools_search",
    ]);
    const tokens = await startTokens(s);
    console.info(`suite start-up in search mode: ${tools.length} tools, ${tokens} model-visible tokens`);
    expect(tokens).toBeLessThanOrEqual(START_BUDGET);
  });

  it("finds the deal update for a plain request, with annotations, scopes and guard", async () => {
    const found = await search(s, "move a deal to negotiation");
    expect(found[0]).toMatchObject({
      name: "sales_deal_update",
      annotations: { readOnlyHint: false, destructiveHint: true },
      scopes: ["sales:write"],
      guard: "destructive",
    });
    expect(Object.keys(found[0]?.input_schema.properties ?? {})).toEqual(
      expect.arrayContaining(["deal_id", "stage"]),
    );
  });

  it("searches every toolset, not only the default ones", async () => {
    expect((await search(s, "audit log of calls")).map((t) => t.name)).toContain("audit_query");
    expect((await search(s, "sales forecast")).map((t) => t.name)).toContain("sales_forecast_get");
  });

  it("calls a found read tool without a refreshed tool list", async () => {
    const r = await s.client.callTool({ name: "sales_pipeline_summary", arguments: {} });
    expect(r.isError, text(r)).toBeFalsy();
    expect(r.structuredContent).toBeDefined();
  });

  it("keeps the guard: a found write still needs a human and returns an approval id, not an execution", async () => {
    const deals = await s.client.callTool({ name: "sales_deals_list", arguments: { limit: 25 } });
    const rows = (deals.structuredContent as { deals: { id: string; stage: string }[] }).deals;
    const deal = rows.find((d) => !["negotiation", "closed_won", "closed_lost"].includes(d.stage));
    expect(deal, "an open deal before negotiation").toBeDefined();
    const r = await s.client.callTool({
      name: "sales_deal_update",
      arguments: { deal_id: deal?.id, stage: "negotiation" },
    });
    expect(approvalIdIn(text(r)), text(r)).toBeDefined();
    const after = await s.client.callTool({ name: "sales_deals_list", arguments: { limit: 25 } });
    const same = (after.structuredContent as { deals: { id: string; stage: string }[] }).deals.find(
      (d) => d.id === deal?.id,
    );
    expect(same?.stage).toBe(deal?.stage);
  });

  it("neither finds nor calls a tool the principal lacks the scope for", async () => {
    const names = (await search(viewer, "move a deal to negotiation")).map((t) => t.name);
    expect(names).not.toContain("sales_deal_update");
    expect(names).toContain("sales_deals_list");
    await expect(
      viewer.client.callTool({
        name: "sales_deal_update",
        arguments: { deal_id: "d", stage: "negotiation" },
      }),
    ).rejects.toThrow(/Unknown tool: sales_deal_update\. Call tools_search/);
  });

  it("costs far less at start than listing every tool", async () => {
    const all = await connectStdio(bin, ["--toolsets", "all"], {
      REVOPS_DATA_DIR: tempDataDir("discovery-all"),
    });
    try {
      const [search, every] = [await startTokens(s), await startTokens(all)];
      console.info(`suite start-up: search mode ${search} tokens, every toolset listed ${every} tokens`);
      expect(search).toBeLessThan(every / 2);
    } finally {
      await all.close();
    }
  });
});
