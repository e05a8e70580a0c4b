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

  it("draws customers per risk band and the score of each account shown, with its score 90 days ago", async () => {
    const args = { limit: 8 };
    const result = await s.client.callTool({ name: "health_scores", arguments: args });
    expect(result.isError ?? false).toBe(false);
    const h = result.structuredContent as {
      accounts: { score: number; score_90d_ago: number | null }[];
      totals: { accounts: number; by_band: Record<string, { accounts: number }> };
    };
    const html = await readViewHtml(s.client, "ui://cs/health");
    const { frame, errors } = await host.render(html, result, args);
    const charts = frame.locator("svg");
    await expect.poll(() => charts.count()).toBe(2);
    const bands = await charts
      .nth(0)
      .locator("rect.bar")
      .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("data-value"))));
    expect(bands).toEqual(["low", "medium", "high"].map((b) => h.totals.by_band[b]?.accounts ?? 0));
    expect(bands.reduce((a, b) => a + b, 0)).toBe(h.totals.accounts);
    const scores = await charts
      .nth(1)
      .locator("rect.bar")
      .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("data-value"))));
    expect(scores).toEqual(h.accounts.map((a) => a.score));
    const ticks = await charts.nth(1).locator("line.marker").count();
    expect(ticks).toBe(h.accounts.filter((a) => a.score_90d_ago !== null).length);
    expect(await frame.locator("h2").textContent()).toBe(`Health of ${h.totals.accounts} customers`);
    expect(errors).toEqual([]);
  });
});
