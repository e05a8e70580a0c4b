import { connectorSetup, createHubSpotConnector, type HubSpotConnector } from "@revops/connectors";
import { defineServer, defineTool } from "@revops/kit";
import { connectInProcess, type HubSpotState, type RunningFake, startHubSpotFake } from "@revops/testing";
import { chromiumPresent, openViewHost, readViewHtml } from "@revops/testing/views";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { safetyConfigSchema, safetyHooks } from "../src/index";
import { usageModule } from "../src/usage-module";

// A server whose one tool makes one HubSpot call per invocation, over the real SDK to the fake.
const dealsCount = defineTool<Record<string, never>, { deals: number }, { hs: HubSpotConnector }>({
  name: "deals_count",
  title: "Count deals",
  description: "Counts deals in HubSpot.",
  toolset: "crm",
  scopes: ["sales:read"],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  input: z.object({}).strict(),
  output: z.object({ deals: z.number() }),
  handler: async ({ ctx }) => {
    const page = await ctx.ports.hs.listDeals({ limit: 100 });
    return { deals: page.value.results.length };
  },
});

let fake: RunningFake<HubSpotState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  fake = await startHubSpotFake({ deals: [{ dealname: "A" }, { dealname: "B" }] });
  vi.stubEnv("REVOPS_VENDOR_PRICES", JSON.stringify({ hubspot: { "*": 0.01 } }));
  vi.stubEnv(
    "REVOPS_VENDOR_BUDGETS",
    JSON.stringify([{ tool: "deals_count", period: "day", softUsd: 0.015, hardUsd: 0.03 }]),
  );
  const crm = defineServer({
    name: "crm",
    title: "CRM",
    version: "1",
    instructions: "",
    toolsets: [{ name: "crm", description: "CRM", default: true }],
    tools: [dealsCount],
    resources: [],
    prompts: [],
    ports: async (rt) => ({
      hs: await createHubSpotConnector(
        {
          id: "hs-main",
          vendor: "hubspot",
          baseUrl: fake.url,
          allowInsecureTestBaseUrl: true,
          credentials: { accessToken: "pat-test" },
        },
        await connectorSetup(rt, { staleMaxAgeMs: 0 }),
      ),
    }),
  });
  s = await connectInProcess([crm, usageModule], {
    hooks: safetyHooks("crm"),
    schema: safetyConfigSchema,
    env: { REVOPS_PRINCIPAL: "dana" },
  });
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
  vi.unstubAllEnvs();
});

const meta = (r: { meta?: Record<string, unknown> }) =>
  (r.meta?.["revops/warnings"] as string[] | undefined) ?? [];

describe("the cost ledger behind every vendor call", () => {
  it("charges each call to its tool and principal, warns past the soft budget and refuses past the hard one", async () => {
    const first = await s.call("deals_count");
    expect(first.isError, first.text).toBe(false);
    expect(first.data).toEqual({ deals: 2 });
    expect(meta(first)).toEqual([]);
    expect(first.text).not.toContain("Warning");

    const second = await s.call("deals_count");
    expect(second.isError, second.text).toBe(false);
    expect(meta(second)).toEqual([
      "Vendor spend by deals_count today is $0.02, above the $0.0150 soft budget.",
    ]);
    expect(second.text).toContain("Warning: Vendor spend by deals_count today is $0.02");

    expect((await s.call("deals_count")).isError).toBe(false); // lands exactly on the hard budget
    const refused = await s.call("deals_count");
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain("would exceed it");
    expect(fake.requests.filter((r) => r.path.startsWith("/crm/v3/objects/deals"))).toHaveLength(3);

    const usage = await s.call("api_usage", { group_by: ["vendor", "tool", "principal"], leads: 4 });
    expect(usage.isError, usage.text).toBe(false);
    expect(usage.data.rows).toEqual([
      {
        vendor: "hubspot",
        tool: "deals_count",
        principal: "dana",
        calls: 4,
        attempts: 3,
        units: 4,
        cost_usd: 0.03,
      },
    ]);
    expect(usage.data.total_cost_usd).toBe(0.03);
    // the budget configured for this tool, as the chart's lines
    expect(usage.data.budgets).toEqual([
      { label: "deals_count", period: "day", soft_usd: 0.015, hard_usd: 0.03 },
    ]);
    const other = await s.call("api_usage", { vendor: "apollo" });
    expect(other.data.budgets).toEqual([
      { label: "deals_count", period: "day", soft_usd: 0.015, hard_usd: 0.03 },
    ]);
    expect(usage.data.cost_per_lead_usd).toBe(0.0075);
    expect(usage.data.remaining_quota).toEqual([
      expect.objectContaining({
        vendor: "hubspot",
        connection: "hs-main",
        window_limit: 100,
        window_remaining: 97,
      }),
    ]);
  });

  it("rejects an inverted period and reports an empty one plainly", async () => {
    const bad = await s.call("api_usage", { from: "2026-02-01", to: "2026-01-01" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("from is after to");
    const empty = await s.call("api_usage", { from: "2020-01-01", to: "2020-01-31", vendor: "apollo" });
    expect(empty.data).toMatchObject({ rows: [], total_cost_usd: 0, cost_per_lead_usd: null });
    expect(empty.data.note).toContain(
      "No vendor calls recorded between 2020-01-01 and 2020-01-31 for apollo",
    );
  });

  it("serves today's usage as a resource", async () => {
    const res = await s.client.readResource({ uri: "usage://today" });
    const body = JSON.parse((res.contents[0] as { text: string }).text);
    expect(body.rows).toEqual([
      expect.objectContaining({ vendor: "hubspot", tool: "deals_count", calls: 4, costUsd: 0.03 }),
    ]);
  });
});

describe.skipIf(!chromiumPresent)("the API cost view in Chromium", () => {
  // the calls charged above (the hard budget refuses more) are the data
  it("draws the cost of each day, and of each tool, from api_usage's own result", async () => {
    const html = await readViewHtml(s.client, "ui://ops/api-usage");
    const host = await openViewHost();
    try {
      for (const [group_by, key] of [
        [["vendor", "day"], "day"],
        [["tool"], "tool"],
      ] as const) {
        const result = await s.client.callTool({ name: "api_usage", arguments: { group_by } });
        const rows = (result.structuredContent as { rows: Record<string, string | number>[] }).rows;
        expect(rows.length).toBeGreaterThan(0);
        const data = result.structuredContent as { from: string; to: string };
        const expected = new Map<string, number>();
        // a time series: every day of the period, the quiet ones at zero
        if (key === "day")
          for (let t = Date.parse(data.from); t <= Date.parse(data.to); t += 86_400_000)
            expected.set(new Date(t).toISOString().slice(0, 10), 0);
        for (const r of rows)
          expected.set(String(r[key]), (expected.get(String(r[key])) ?? 0) + Number(r.cost_usd));
        const { frame, errors } = await host.render(html, result, { group_by });
        const bars = frame.locator("svg rect.bar");
        await expect.poll(() => bars.count()).toBe(expected.size);
        const drawn = await bars.evaluateAll((rs) =>
          rs.map((r) => [r.getAttribute("data-label"), Number(r.getAttribute("data-value"))] as const),
        );
        expect(new Map(drawn)).toEqual(expected);
        const lines = await frame
          .locator("svg line.ref")
          .evaluateAll((ls) =>
            ls.map((l) => [l.getAttribute("data-label"), Number(l.getAttribute("data-value"))]),
          );
        expect(lines).toEqual(
          key === "day"
            ? [
                ["deals_count soft", 0.015],
                ["deals_count hard", 0.03],
              ]
            : [],
        );
        const total = (result.structuredContent as { total_cost_usd: number }).total_cost_usd;
        expect(await frame.locator("h2").textContent()).toContain(`$${total.toFixed(2)}`);
        expect(errors).toEqual([]);
      }
    } finally {
      await host.close();
    }
  });
});
