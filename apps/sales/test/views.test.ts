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
import { createSalesServer } from "../src/server";

describeViewsE2E({
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  views: [
    { tool: "forecast_get", uri: "ui://sales/forecast" },
    { tool: "pipeline_summary", uri: "ui://sales/pipeline" },
    { tool: "api_usage", uri: "ui://ops/api-usage" },
  ],
});

describe.skipIf(!chromiumPresent)("sales views in Chromium, fed the sandbox's real results", () => {
  let s: Awaited<ReturnType<typeof connectInProcess>>;
  let host: ViewHost;
  beforeAll(async () => {
    s = await connectInProcess([createSalesServer()]);
    host = await openViewHost();
  });
  afterAll(async () => {
    await host?.close();
    await s?.close();
  });

  /** The tool's whole result (as a host receives it) and the view's HTML read from the server. */
  async function resultAndView(tool: string, args: Record<string, unknown>, uri: string) {
    const result = await s.client.callTool({ name: tool, arguments: args });
    expect(result.isError ?? false).toBe(false);
    const html = await readViewHtml(s.client, uri);
    return { result, data: result.structuredContent as Record<string, never>, html };
  }

  it("pipeline_summary: one bar per stage whose value is the stage's amount, with its deal count", async () => {
    const { result, data, html } = await resultAndView(
      "pipeline_summary",
      { quarter: "2026-Q4" },
      "ui://sales/pipeline",
    );
    const stages = data.by_stage as unknown as { stage: string; deals: number; amount: number }[];
    expect(stages.length).toBeGreaterThan(3);
    const { frame, errors } = await host.render(html, result, { quarter: "2026-Q4" });
    await expect.poll(() => frame.locator("svg").count()).toBe(2);
    const bars = frame.locator("svg").nth(0).locator("rect.bar");
    await expect.poll(() => bars.count()).toBe(stages.length);
    for (const [i, st] of stages.entries()) {
      expect(await bars.nth(i).getAttribute("data-value")).toBe(String(st.amount));
      expect(await bars.nth(i).getAttribute("data-label")).toBe(st.stage.replace(/_/g, " "));
    }
    const labels = await frame.locator("svg").nth(0).locator("text.value").allTextContents();
    expect(labels.map((l) => /(\d+) deals?$/.exec(l)?.[1])).toEqual(stages.map((st) => String(st.deals)));
    expect(await frame.locator("h2").textContent()).toBe("Pipeline 2026-Q4");
    // stacked weekly columns: one part per open stage and week, valued as by_week says
    const weekly = data.by_week as unknown as { week_ending: string[]; open: Record<string, number[]> };
    const parts = await frame
      .locator("svg")
      .nth(1)
      .locator("rect.bar")
      .evaluateAll((rs) =>
        rs.map((r) => [
          r.getAttribute("data-series"),
          r.getAttribute("data-label"),
          r.getAttribute("data-value"),
        ]),
      );
    const want = weekly.week_ending.flatMap((day, i) =>
      Object.keys(weekly.open).map((stage) => [stage, day.slice(5), String(weekly.open[stage]?.[i])]),
    );
    expect(parts).toEqual(want);
    expect(weekly.week_ending.length).toBe(8);
    expect(errors).toEqual([]);
  });

  it("forecast_get: commit, best case and pipeline bars and the P10–P90 band with its P50", async () => {
    const { result, data, html } = await resultAndView("forecast_get", {}, "ui://sales/forecast");
    const f = data as unknown as {
      forecast: { p10: number; p50: number; p90: number };
      categories: { closed_won: number; commit: number; best_case: number; pipeline: number };
    };
    const { frame, errors } = await host.render(html, result);
    const bars = frame.locator("svg rect.bar");
    await expect.poll(() => bars.count()).toBe(4);
    const values = await bars.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("data-value"))));
    expect(values).toEqual([
      f.categories.closed_won,
      f.categories.commit,
      f.categories.best_case,
      f.categories.pipeline,
    ]);
    const band = frame.locator("svg rect.range");
    expect(Number(await band.getAttribute("data-low"))).toBe(f.forecast.p10);
    expect(Number(await band.getAttribute("data-high"))).toBe(f.forecast.p90);
    // the band spans P10 to P90 on the bars' own scale
    const geometry = await frame.locator("svg").evaluate((svg) => {
      const w = (sel: string) => Number(svg.querySelector(sel)?.getAttribute("width"));
      return { band: w("rect.range"), pipeline: w("rect.bar:nth-of-type(4)") };
    });
    const scale = geometry.pipeline / f.categories.pipeline;
    expect(geometry.band).toBeCloseTo((f.forecast.p90 - f.forecast.p10) * scale, 0);
    expect(await frame.locator("svg").textContent()).toContain("P50");
    expect(errors).toEqual([]);
  });

  it("shows an error result's text instead of a chart", async () => {
    const { html } = await resultAndView("forecast_get", {}, "ui://sales/forecast");
    const failed = await s.client.callTool({ name: "forecast_get", arguments: { quarter: "someday" } });
    expect(failed.isError).toBe(true);
    const { frame } = await host.render(html, failed);
    await expect.poll(() => frame.locator("p.error").count()).toBe(1);
    expect(await frame.locator("svg").count()).toBe(0);
  });
});
