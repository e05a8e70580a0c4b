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
import { createMarketingServer } from "../src/server";

describeViewsE2E({
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  views: [
    { tool: "attribution", uri: "ui://marketing/attribution" },
    { tool: "api_usage", uri: "ui://ops/api-usage" },
  ],
});

describe.skipIf(!chromiumPresent)("the attribution view in Chromium, fed the sandbox's real results", () => {
  let s: Awaited<ReturnType<typeof connectInProcess>>;
  let host: ViewHost;
  beforeAll(async () => {
    s = await connectInProcess([createMarketingServer()]);
    host = await openViewHost();
  });
  afterAll(async () => {
    await host?.close();
    await s?.close();
  });

  it("draws each campaign's credited pipeline under each model", async () => {
    const html = await readViewHtml(s.client, "ui://marketing/attribution");
    const drawnByModel = new Map<string, number[]>();
    for (const model of ["first_touch", "w_shaped"]) {
      const args = { model, top: 6 };
      const result = await s.client.callTool({ name: "attribution", arguments: args });
      expect(result.isError ?? false).toBe(false);
      const campaigns = (result.structuredContent as { campaigns: { name: string; pipeline: number }[] })
        .campaigns;
      expect(campaigns.length).toBe(6);
      const { frame, errors } = await host.render(html, result, args);
      const bars = frame.locator("svg rect.bar");
      await expect.poll(() => bars.count()).toBe(campaigns.length);
      const drawn = await bars.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("data-value"))));
      expect(drawn).toEqual(campaigns.map((c) => c.pipeline));
      const labels = await frame.locator("svg text.label").allTextContents();
      campaigns.forEach((c, i) => {
        expect(c.name.startsWith((labels[i] ?? "").replace(/…$/, ""))).toBe(true);
      });
      expect(await frame.locator("h2").textContent()).toBe(`Attribution · ${model}`);
      expect(errors).toEqual([]);
      drawnByModel.set(model, drawn);
    }
    expect(drawnByModel.get("first_touch")).not.toEqual(drawnByModel.get("w_shaped"));
  });

  it("with all_models, draws one dot per campaign and model at the campaign's pipeline under that model", async () => {
    const html = await readViewHtml(s.client, "ui://marketing/attribution");
    const args = { model: "linear", top: 6, all_models: true };
    const result = await s.client.callTool({ name: "attribution", arguments: args });
    expect(result.isError ?? false).toBe(false);
    const a = result.structuredContent as {
      campaigns: { id: string; name: string }[];
      by_model: { models: string[]; pipeline: Record<string, number[]> };
    };
    const { frame, errors } = await host.render(html, result, args);
    const dots = frame.locator("svg").nth(1).locator("circle.point");
    await expect.poll(() => dots.count()).toBe(6 * 7);
    const drawn = await dots.evaluateAll((cs) =>
      cs.map((c) => [
        c.getAttribute("data-label"),
        c.getAttribute("data-series"),
        Number(c.getAttribute("data-value")),
      ]),
    );
    const short = ["first", "last", "linear", "decay", "U", "W", "data"];
    expect(a.by_model.models).toHaveLength(7);
    expect(drawn).toEqual(
      a.campaigns.flatMap((c) => short.map((label, i) => [c.name, label, a.by_model.pipeline[c.id]?.[i]])),
    );
    // the legend names every model
    expect(await frame.locator("svg").nth(1).locator("text.legend").allTextContents()).toEqual(short);
    expect(errors).toEqual([]);
  });
});
