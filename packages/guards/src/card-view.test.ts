import { chromiumPresent, openViewHost, readViewHtml, type ViewHost } from "@revops/testing/views";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Setup, setup } from "../test/setup";
import { CARD_URI } from "./card";

/**
 * The card in Chromium: the server's real result (its `_meta` included) posted by the extension's AppBridge, the
 * view's Approve forwarded by the host to the server as tools/call, and the write landing once.
 */
describe.skipIf(!chromiumPresent)("confirmation card in Chromium", () => {
  let s: Setup;
  let host: ViewHost;
  beforeAll(async () => {
    host = await openViewHost();
  });
  afterAll(async () => {
    await host?.close();
  });
  afterEach(async () => {
    await s?.close();
  });

  /** Renders the card of deal_update's result, with the view's calls sent to the server (and recorded). */
  async function renderCard(args: Record<string, unknown>) {
    const result = await s.h.client.callTool({ name: "deal_update", arguments: args });
    const html = await readViewHtml(s.h.client, CARD_URI);
    const calls: { name: string; arguments?: Record<string, unknown> }[] = [];
    const rendered = await host.render(html, result, args, async (params) => {
      calls.push(params);
      return s.h.client.callTool(params);
    });
    return { ...rendered, calls, result };
  }

  it("shows the exact plan; Approve runs it once, the buttons then stay disabled", async () => {
    s = await setup({ views: true });
    const { frame, calls, errors } = await renderCard({ deal_id: "d1", stage: "won" });
    await expect.poll(() => frame.locator("h2").textContent()).toContain("Confirm");
    const plan = JSON.parse((await frame.locator("pre").textContent()) ?? "{}");
    expect(plan.records).toEqual([
      { id: "d1", name: "Acme renewal", changes: { stage: { from: "proposal", to: "won" } } },
    ]);
    const approve = frame.locator("button[data-action=approve]");
    await approve.click();
    await expect.poll(() => frame.locator("[role=status]").textContent()).toContain("won");
    expect(await approve.isDisabled()).toBe(true);
    expect(s.ports.deals.get("d1")?.stage).toBe("won");
    expect(s.ports.writes).toHaveLength(1);
    expect(calls.map((c) => [c.name, c.arguments?.decision])).toEqual([["plan_approve", "approve"]]);
    expect(errors).toEqual([]);
  });

  it("Cancel runs nothing; a result without a pending plan shows its text and no buttons", async () => {
    s = await setup({ views: true });
    const { frame } = await renderCard({ deal_id: "d2", stage: "lost" });
    await frame.locator("button[data-action=cancel]").click();
    await expect.poll(() => frame.locator("[role=status]").textContent()).toContain("cancelled");
    expect(s.ports.writes).toHaveLength(0);
    const missing = await renderCard({ deal_id: "d9", stage: "won" });
    await expect.poll(() => missing.frame.locator("p.error").textContent()).toContain("No deal d9");
    expect(await missing.frame.locator("button").count()).toBe(0);
  });
});
