import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSalesServer } from "../src/server";

let s: Awaited<ReturnType<typeof connectInProcess>>;
beforeAll(async () => {
  s = await connectInProcess([createSalesServer()]);
});
afterAll(async () => s.close());

describe("deals_list", () => {
  it("pages through open deals without repeats and states the total", async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    let total = 0;
    do {
      const r = await s.call("deals_list", { status: "open", limit: 100, ...(cursor && { cursor }) });
      expect(r.isError, r.text).toBe(false);
      for (const d of r.data.deals) {
        expect(seen.has(d.id)).toBe(false);
        seen.add(d.id);
        expect(["prospecting", "qualification", "proposal", "negotiation"]).toContain(d.stage);
      }
      total = r.data.total;
      cursor = r.data.next_cursor ?? undefined;
    } while (cursor);
    expect(seen.size).toBe(total);
  });

  it("filters by stage, owner, amount and close dates", async () => {
    const first = await s.call("deals_list", { limit: 1 });
    const owner = first.data.deals[0].owner;
    const r = await s.call("deals_list", {
      stage: "closed_won",
      owner,
      min_amount: 10000,
      close_from: "2025-01-01",
      close_to: "2026-12-31",
    });
    expect(r.data.deals.length).toBeGreaterThan(0);
    for (const d of r.data.deals) {
      expect(d.stage).toBe("closed_won");
      expect(d.owner).toBe(owner);
      expect(d.amount).toBeGreaterThanOrEqual(10000);
    }
    expect(r.text).toMatch(/Showing \d+ of \d+/);
  });

  it("explains empty results, bad date ranges and bad cursors", async () => {
    expect((await s.call("deals_list", { owner: "Nobody Here" })).data.note).toMatch(/No deals match/);
    const bad = await s.call("deals_list", { close_from: "2026-12-01", close_to: "2026-01-01" });
    expect(bad.text).toMatch(/close_from is after close_to[\s\S]*Next: Swap/);
    expect((await s.call("deals_list", { cursor: "garbage" })).isError).toBe(true);
  });
});

describe("pipeline_summary and forecast_get", () => {
  it("summarises the current quarter consistently", async () => {
    const r = await s.call("pipeline_summary", {});
    expect(r.data.quarter).toBe("2026-Q4");
    const open = r.data.by_stage.filter((l: { stage: string }) => !l.stage.startsWith("closed"));
    expect(r.data.open.amount).toBe(open.reduce((t: number, l: { amount: number }) => t + l.amount, 0));
    expect(r.data.open.weighted).toBeLessThanOrEqual(r.data.open.amount);
    expect(r.data.win_rate).toBeGreaterThan(0);
    expect(r.data.meta.source).toBe("sandbox");
  });

  it("summarises a past quarter for one rep", async () => {
    const owner = (await s.call("deals_list", { limit: 1 })).data.deals[0].owner;
    const r = await s.call("pipeline_summary", { quarter: "2025-Q2", owner });
    expect(r.data.owner).toBe(owner);
    expect(r.data.from).toBe("2025-04-01");
    expect(r.data.to).toBe("2025-06-30");
  });

  it("rejects a malformed quarter with the expected form", async () => {
    const r = await s.call("pipeline_summary", { quarter: "Q4-2026" });
    expect(r.text).toMatch(/quarter.*YYYY-Qn/);
  });

  it("forecasts a P10–P90 range from historical conversion (more in forecast.test.ts)", async () => {
    const r = await s.call("forecast_get", { quarter: "2026-Q4" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.forecast.p10).toBeLessThanOrEqual(r.data.forecast.p50);
    expect(r.data.forecast.p50).toBeLessThanOrEqual(r.data.forecast.p90);
    expect(r.data.categories.closed_won).toBeLessThanOrEqual(r.data.forecast.p10);
    expect(r.data.meta.method).toMatch(/^forecast-v2/);
    expect(Object.keys(r.data.conversion)).toEqual(["new_business", "expansion", "renewal"]);
  });
});

describe("account_get, resources and prompts", () => {
  it("returns an account; full detail adds activity bodies", async () => {
    const summary = await s.call("account_get", { account_id: "acc_0001" });
    expect(summary.data.id).toBe("acc_0001");
    expect(summary.data.recent_activities.every((a: object) => !("body" in a))).toBe(true);
    const full = await s.call("account_get", { account_id: "acc_0001", detail: "full" });
    expect(full.data.recent_activities.length === 0 || "body" in full.data.recent_activities[0]).toBe(true);
  });

  it("says how to find a valid account id", async () => {
    const r = await s.call("account_get", { account_id: "acc_9999" });
    expect(r.text).toMatch(
      /Error \(not_found\): No account with id acc_9999[\s\S]*Next: Find the id with accounts_search/,
    );
  });

  it("serves the account and team resources with completion", async () => {
    const acc = await s.client.readResource({ uri: "sales://accounts/acc_0002" });
    expect(JSON.parse((acc.contents[0] as { text: string }).text).id).toBe("acc_0002");
    await expect(s.client.readResource({ uri: "sales://accounts/acc_9999" })).rejects.toThrow(/No account/);
    const team = await s.client.readResource({ uri: "sales://team" });
    expect(JSON.parse((team.contents[0] as { text: string }).text).length).toBe(12);
    const listed = await s.client.listResources();
    expect(listed.resources.some((r) => r.uri.startsWith("sales://accounts/"))).toBe(true);
    const c = await s.client.complete({
      ref: { type: "ref/resource", uri: "sales://accounts/{account_id}" },
      argument: { name: "account_id", value: "" },
    });
    expect(c.completion.values.length).toBeGreaterThan(0);
  });

  it("renders the quarter review prompt and completes owners", async () => {
    const p = await s.client.getPrompt({
      name: "quarter_review",
      arguments: { quarter: "2026-Q3", owner: "Someone" },
    });
    expect(JSON.stringify(p.messages[0]?.content)).toContain("Someone");
    const d = await s.client.getPrompt({ name: "quarter_review", arguments: {} });
    expect(JSON.stringify(d.messages[0]?.content)).toContain("2026-Q4");
    const owners = await s.client.complete({
      ref: { type: "ref/prompt", name: "quarter_review" },
      argument: { name: "owner", value: "" },
    });
    expect(owners.completion.values.length).toBe(12);
    const q = await s.client.complete({
      ref: { type: "ref/prompt", name: "quarter_review" },
      argument: { name: "quarter", value: "2026" },
    });
    expect(q.completion.values).toEqual(["2026-Q4"]);
  });
});
