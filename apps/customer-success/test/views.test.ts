import { fileURLToPath } from "node:url";
import { connectInProcess } from "@revops/testing";
import {
  chromiumPresent,
  describeViewsE2E,
  openViewHost,
  readViewHtml,
  type ViewHost,
} from "@revops/testing/views";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomerSuccessServer } from "../src/server";

describeViewsE2E({
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  views: [
    { tool: "health_scores", uri: "ui://cs/health" },
    { tool: "api_usage", uri: "ui://ops/api-usage" },
  ],
});

describe.skipIf(!chromiumPresent)("the health view in Chromium, fed the sandbox's real results", () => {
  let s: Awaited<ReturnType<typeof connectInProcess>>;
  let host: ViewHost;
  beforeAll(async () => {
    s = await connectInProcess([createCustomerSuccessServer()]);
    host = await openViewHost();
  });
  afterAll(async () => {
    await host?.close();
    await s?.close();
  });

  it("draws customers per risk band, each account's score with its score 90 days ago, and the monthly trend", async () => {
    const args = { limit: 8 };
    const result = await s.client.callTool({ name: "health_scores", arguments: args });
    expect(result.isError ?? false).toBe(false);
    const h = result.structuredContent as {
      accounts: { score: number; score_90d_ago: number | null }[];
      totals: { accounts: number; average_score: number; by_band: Record<string, { accounts: number }> };
      trend: { month_end: string[]; average_score: number[]; by_band: Record<string, number[]> };
    };
    const html = await readViewHtml(s.client, "ui://cs/health");
    const { frame, errors } = await host.render(html, result, args);
    const charts = frame.locator("svg");
    await expect.poll(() => charts.count()).toBe(4);
    const bandCounts = await charts
      .nth(0)
      .locator("rect.bar")
      .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("data-value"))));
    expect(bandCounts).toEqual(["low", "medium", "high"].map((b) => h.totals.by_band[b]?.accounts ?? 0));
    expect(bandCounts.reduce((a, b) => a + b, 0)).toBe(h.totals.accounts);
    const scores = await charts
      .nth(1)
      .locator("rect.bar")
      .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("data-value"))));
    expect(scores).toEqual(h.accounts.map((a) => a.score));
    const ticks = await charts.nth(1).locator("line.marker").count();
    expect(ticks).toBe(h.accounts.filter((a) => a.score_90d_ago !== null).length);
    expect(await frame.locator("h2").textContent()).toBe(`Health of ${h.totals.accounts} customers`);
    // the trend: band counts stacked per month end and today, and the average score as a line
    const columns = [...h.trend.month_end.map((d) => d.slice(0, 7)), "now"];
    const stacked = await charts
      .nth(2)
      .locator("rect.bar")
      .evaluateAll((rs) =>
        rs.map((r) => [
          r.getAttribute("data-label"),
          r.getAttribute("data-series"),
          Number(r.getAttribute("data-value")),
        ]),
      );
    const bands = { low: "Low risk", medium: "Medium risk", high: "High risk" } as const;
    expect(stacked).toEqual(
      columns.flatMap((c, i) =>
        (["low", "medium", "high"] as const).map((b) => [
          c,
          bands[b],
          i < h.trend.month_end.length ? h.trend.by_band[b]?.[i] : h.totals.by_band[b]?.accounts,
        ]),
      ),
    );
    const points = await charts
      .nth(3)
      .locator("circle.point")
      .evaluateAll((cs) =>
        cs.map((c) => [c.getAttribute("data-label"), Number(c.getAttribute("data-value"))]),
      );
    expect(points).toEqual(columns.map((c, i) => [c, [...h.trend.average_score, h.totals.average_score][i]]));
    expect(errors).toEqual([]);
  });
});
