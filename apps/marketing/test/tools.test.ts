import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

let s: Awaited<ReturnType<typeof connectInProcess>>;
beforeAll(async () => {
  s = await connectInProcess([createMarketingServer()]);
});
afterAll(async () => s.close());

describe("campaigns", () => {
  it("lists campaigns by status and pages to the end", async () => {
    const all = await s.call("campaigns_list", { limit: 100 });
    expect(all.data.total).toBe(30);
    const active = await s.call("campaigns_list", { status: "completed", channel: "email" });
    for (const c of active.data.campaigns) expect([c.status, c.channel]).toEqual(["completed", "email"]);
    const first = await s.call("campaigns_list", { limit: 20 });
    const second = await s.call("campaigns_list", { limit: 20, cursor: first.data.next_cursor });
    expect(first.data.campaigns.length + second.data.campaigns.length).toBe(30);
    expect(second.data.next_cursor).toBeNull();
  });

  it("ranks performance by ROI and by cost per lead, with totals", async () => {
    const roi = await s.call("campaign_performance", { rank_by: "roi", top: 30 });
    expect(roi.isError, roi.text).toBe(false);
    const values = roi.data.campaigns
      .map((c: { roi: number | null }) => c.roi)
      .filter((v: number | null) => v !== null);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    expect(roi.data.totals.spend).toBe(
      roi.data.campaigns.reduce((t: number, c: { spend: number }) => t + c.spend, 0),
    );
    // attributed, not full credit per campaign: rows add up to the totals, each deal counted once
    expect(roi.data.totals.pipeline).toBe(
      roi.data.campaigns.reduce((t: number, c: { pipeline: number }) => t + c.pipeline, 0),
    );
    expect(roi.data.meta.inputs).toMatchObject({ model: "linear", lookback_days: 90 });
    expect(roi.data.meta.caveats.join(" ")).not.toMatch(/not credited/);
    const cpl = await s.call("campaign_performance", { rank_by: "cost_per_lead", top: 5 });
    const cpls = cpl.data.campaigns
      .map((c: { cost_per_lead: number | null }) => c.cost_per_lead)
      .filter((v: number | null) => v !== null);
    expect(cpls).toEqual([...cpls].sort((a: number, b: number) => a - b));
    for (const by of ["pipeline", "revenue"])
      expect((await s.call("campaign_performance", { rank_by: by })).isError).toBe(false);
  });

  it("reports unknown campaign ids", async () => {
    const id = (await s.call("campaigns_list", { limit: 1 })).data.campaigns[0].id;
    const ok = await s.call("campaign_performance", { campaign_ids: [id] });
    expect(ok.data.campaigns.map((c: { id: string }) => c.id)).toEqual([id]);
    const bad = await s.call("campaign_performance", { campaign_ids: [id, "cmp_nope"] });
    expect(bad.text).toMatch(/Unknown campaign id\(s\): cmp_nope/);
  });
});

describe("leads_by_source", () => {
  it("counts leads per source over a range, with both conversion rates", async () => {
    const all = await s.call("leads_by_source", {});
    expect(all.data.totals.leads).toBe(1000);
    for (const r of all.data.rows) {
      expect(r.won).toBeLessThanOrEqual(r.opportunities);
      expect(r.opportunities).toBeLessThanOrEqual(r.leads);
    }
    const part = await s.call("leads_by_source", { from: "2026-01-01", to: "2026-06-30" });
    expect(part.data.totals.leads).toBeLessThan(1000);
    expect((await s.call("leads_by_source", { from: "2026-06-30", to: "2026-01-01" })).text).toMatch(
      /from is after to/,
    );
  });
});

describe("resource and prompt", () => {
  it("reads a campaign report and completes campaign ids", async () => {
    const id = (await s.call("campaigns_list", { limit: 1 })).data.campaigns[0].id;
    const r = await s.client.readResource({ uri: `marketing://campaigns/${id}` });
    expect(JSON.parse((r.contents[0] as { text: string }).text)).toHaveProperty("roi");
    await expect(s.client.readResource({ uri: "marketing://campaigns/none" })).rejects.toThrow(/No campaign/);
    // 30 campaigns, the brand guide, personas, approved claims and the attribution chart (ui://marketing/attribution)
    const listed = (await s.client.listResources()).resources.map((x) => x.uri);
    expect(listed.length).toBe(34);
    expect(listed).toEqual(expect.arrayContaining(["brand://guide", "brand://personas", "brand://claims"]));
    const c = await s.client.complete({
      ref: { type: "ref/resource", uri: "marketing://campaigns/{campaign_id}" },
      argument: { name: "campaign_id", value: "" },
    });
    expect(c.completion.values.length).toBe(20);
  });

  it("renders the budget plan and refuses a bad budget", async () => {
    const p = await s.client.getPrompt({
      name: "campaign_budget_plan",
      arguments: { budget: "50000", goal: "leads" },
    });
    expect(JSON.stringify(p.messages[0]?.content)).toContain("$50,000");
    await expect(
      s.client.getPrompt({ name: "campaign_budget_plan", arguments: { budget: "lots" } }),
    ).rejects.toThrow(/positive number/);
    const g = await s.client.complete({
      ref: { type: "ref/prompt", name: "campaign_budget_plan" },
      argument: { name: "goal", value: "p" },
    });
    expect(g.completion.values).toEqual(["pipeline"]);
  });
});
