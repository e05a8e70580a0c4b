import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sandboxIntro } from "../src/intro";
import { createSuiteModules, SUITE_INFO } from "../src/server";

let s: Awaited<ReturnType<typeof connectInProcess>>;
beforeAll(async () => {
  s = await connectInProcess(createSuiteModules(), { namespace: true });
});
afterAll(async () => s.close());

describe("suite", () => {
  it("serves the union of the three servers under namespaced names, sharing one sandbox", async () => {
    const names = (await s.client.listTools()).tools.map((t) => t.name);
    expect(names).toHaveLength(95);
    expect(names).toEqual(expect.arrayContaining(["marketing_attribution", "cs_churn_risk"]));
    // the suite's own tools keep plain names; every server's tool carries its area
    const own = [
      "customer_360",
      "handoff_churn_risk",
      "handoff_closed_won",
      "identity_links",
      "identity_review",
    ];
    expect(names.filter((n) => !/^(sales|marketing|cs)_/.test(n)).sort()).toEqual(own);
    const deals = await s.call("sales_deals_list", { limit: 1 });
    const risk = await s.call("cs_accounts_at_risk", { limit: 1 });
    const campaigns = await s.call("marketing_campaigns_list", { limit: 1 });
    expect([deals.isError, risk.isError, campaigns.isError]).toEqual([false, false, false]);
    const prompts = (await s.client.listPrompts()).prompts.map((p) => p.name);
    expect(prompts.sort()).toEqual([
      "cs_churn_review",
      "marketing_campaign_budget_plan",
      "sales_quarter_review",
    ]);
    expect(SUITE_INFO.instructions).toMatch(/sales_\*/);
  });

  it("prints the URL, a working API key and the client lines for a newcomer, reusing the key", async () => {
    const rt = s.app.runtime;
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await sandboxIntro("http://127.0.0.1:3100/mcp", rt.log, rt);
    await sandboxIntro("http://127.0.0.1:3100/mcp", rt.log, rt);
    const text = write.mock.calls.map((c) => String(c[0])).join("");
    write.mockRestore();
    const keys = [...text.matchAll(/--header "Authorization: Bearer (rmcp_\S+)"/g)].map((m) => m[1]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(text).toContain("claude mcp add --transport http revops http://127.0.0.1:3100/mcp --header");
    expect(text).toContain("@modelcontextprotocol/inspector");
    const db = await rt.sql();
    const { ApiKeyStore } = await import("@revops/auth");
    expect((await new ApiKeyStore(db).verify(keys[0] as string)).ok).toBe(true);
  });
});
