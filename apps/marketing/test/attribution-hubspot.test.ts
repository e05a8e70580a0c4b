import {
  connectInProcess,
  type HubSpotSeed,
  type HubSpotState,
  type RunningFake,
  startHubSpotFake,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMarketingServer } from "../src/server";

// deals 1001-1004, then contacts 1005-1007 (the fake numbers records in seed order)
const SEED: HubSpotSeed = {
  deals: [
    {
      dealname: "Acme",
      amount: "40000",
      dealstage: "closedwon",
      createdate: "2026-03-01T10:00:00Z",
      closedate: "2026-04-15T10:00:00Z",
    },
    {
      dealname: "Globex",
      amount: "25000",
      dealstage: "closedwon",
      createdate: "2026-03-20T10:00:00Z",
      closedate: "2026-05-01T10:00:00Z",
    },
    { dealname: "Initech", amount: "10000", dealstage: "qualifiedtobuy", createdate: "2026-03-10T10:00:00Z" },
    { dealname: "Hooli", amount: "8000", dealstage: "closedlost", createdate: "2026-03-25T10:00:00Z" },
  ],
  contacts: [
    { email: "a@acme.example", lifecyclestage: "customer", createdate: "2026-02-03T15:00:00Z" }, // 1005 → Acme
    { email: "i@initech.example", lifecyclestage: "opportunity", createdate: "2026-02-20T15:00:00Z" }, // 1006 → Initech
    { email: "g@globex.example", lifecyclestage: "customer", createdate: "2026-03-15T15:00:00Z" }, // 1007 → Globex, Hooli
  ],
  associations: [
    ["contacts", "1005", "deals", "1001"],
    ["contacts", "1006", "deals", "1003"],
    ["contacts", "1007", "deals", "1002"],
    ["contacts", "1007", "deals", "1004"],
  ],
  campaigns: [
    {
      properties: { hs_name: "Spring PPC", hs_start_date: "2026-02-01", hs_end_date: "2026-04-30" },
      spendItems: [{ name: "Search ads", amount: 10_000 }],
      contacts: { contactFirstTouch: ["1005"], influencedContacts: ["1007"] },
    },
    {
      properties: { hs_name: "Q1 Product Webinar", hs_start_date: "2026-01-15", hs_end_date: "2026-03-31" },
      spendItems: [{ name: "Platform", amount: 4_000 }],
      contacts: { contactFirstTouch: ["1006", "1007"], influencedContacts: ["1005"] },
    },
    {
      properties: { hs_name: "Future Summit", hs_start_date: "2099-09-01", hs_end_date: "2099-09-03" },
      spendItems: [{ name: "Deposit", amount: 1_000 }],
    },
  ],
};
const PPC = "c0000000-0000-4000-8000-000000000001";
const WEBINAR = "c0000000-0000-4000-8000-000000000002";
const SUMMIT = "c0000000-0000-4000-8000-000000000003";

let fake: RunningFake<HubSpotState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  fake = await startHubSpotFake(SEED);
  vi.stubEnv("MARKETING_SOURCE", "hubspot");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  s = await connectInProcess([createMarketingServer()]);
});
afterAll(async () => {
  await s?.close();
  await fake?.close();
  vi.unstubAllEnvs();
});

const rows = (r: { data: Record<string, unknown> }) =>
  Object.fromEntries(
    (r.data.campaigns as { id: string; pipeline: number; revenue: number; sourced_pipeline: number }[]).map(
      (c) => [c.id, [c.pipeline, c.revenue, c.sourced_pipeline]],
    ),
  );

describe("attribution on HubSpot", () => {
  it("rebuilds paths from campaign contacts and their deals; lost deals get no credit", async () => {
    const r = await s.call("attribution", {});
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toBe("hubspot");
    // Acme: PPC (first touch) + Webinar; Globex: Webinar (first touch) + PPC; Initech: Webinar
    expect(rows(r)).toEqual({
      [PPC]: [32_500, 32_500, 40_000],
      [WEBINAR]: [42_500, 32_500, 35_000],
      [SUMMIT]: [0, 0, 0],
    });
    expect(r.data.totals).toMatchObject({
      deals: 3,
      pipeline: 75_000,
      revenue: 65_000,
      sourced_pipeline: 75_000,
      sourced_revenue: 65_000,
    });
    expect(r.data.meta.caveats.join(" ")).toMatch(
      /HubSpot reports which campaigns influenced a contact, not when/,
    );
    // median lead → won: 71 and 47 days; the summit has not started
    expect(r.data.meta.inputs.sales_cycle_days).toBe(59);
    const summit = r.data.campaigns.find((c: { id: string }) => c.id === SUMMIT);
    expect(summit).toMatchObject({ mature: false, roi: null });
  });

  it("credits the first-touch campaign in full under first_touch, and degrades every model without failing", async () => {
    const first = await s.call("attribution", { model: "first_touch" });
    expect(rows(first)[PPC]).toEqual([40_000, 40_000, 40_000]);
    expect(rows(first)[WEBINAR]).toEqual([35_000, 25_000, 35_000]);
    for (const model of ["last_touch", "time_decay", "u_shaped", "w_shaped", "data_driven"]) {
      const r = await s.call("attribution", { model });
      expect(r.isError, r.text).toBe(false);
      expect(r.data.totals).toMatchObject({ pipeline: 75_000, revenue: 65_000 });
    }
  });
});

describe("planning and budgets on HubSpot", () => {
  it("learns from finished campaigns' first-touch leads and HubSpot's revenue report, and says so", async () => {
    const perf = await s.call("campaign_performance", {});
    expect(perf.isError, perf.text).toBe(false);
    const r = await s.call("campaign_plan", {
      goal: "leads",
      target: 2,
      budget: 7000,
      start: "2099-01-04",
      end: "2099-02-28",
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toBe("hubspot");
    // the summit has not run: two finished campaigns, one per channel
    expect(r.data.meta.inputs.campaigns_used).toBe(2);
    const rows = perf.data.campaigns as { id: string; leads: number; spend: number }[];
    const ppc = rows.find((c) => c.id === PPC) as { leads: number; spend: number };
    const webinar = rows.find((c) => c.id === WEBINAR) as { leads: number; spend: number };
    expect(r.data.history.map((h: { spend: number; leads: number }) => [h.spend, h.leads]).sort()).toEqual(
      [
        [ppc.spend, ppc.leads],
        [webinar.spend, webinar.leads],
      ].sort(),
    );
    expect(r.data.plan.reduce((a: number, p: { budget: number }) => a + p.budget, 0)).toBe(7000);
    expect(r.data.meta.caveats.join(" ")).toContain("first-interaction campaign revenue report");
  });

  it("ad_budgets beside HubSpot: running campaigns from HubSpot, planned spend from our own database", async () => {
    const r = await s.call("ad_budgets", {});
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toBe("hubspot");
    // the spring campaigns have ended; the summit is planned, with a $1,000 deposit spent and no budget items
    expect(r.data.campaigns).toEqual([
      expect.objectContaining({
        id: SUMMIT,
        budget: 0,
        allocated: 0,
        spend: 1000,
        forecast: 1000,
        over_by: 1000,
      }),
    ]);
    expect(r.data.alerts).toHaveLength(1);
  });
});
