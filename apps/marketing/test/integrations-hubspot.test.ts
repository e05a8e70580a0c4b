import { freshnessOf } from "@revops/connectors/freshness";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { attributeVendorCalls } from "@revops/safety";
import {
  connectInProcess,
  type HubSpotSeed,
  type HubSpotState,
  type RunningFake,
  startHubSpotFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { MarketingPort } from "../src/ports";
import { createMarketingServer } from "../src/server";

/** Lifecycle stage dates HubSpot stamped when the contact entered MQL, SQL and opportunity. */
const entered = (mql?: string, sql?: string, opportunity?: string) => ({
  ...(mql && { hs_lifecyclestage_marketingqualifiedlead_date: `${mql}T09:00:00Z` }),
  ...(sql && { hs_lifecyclestage_salesqualifiedlead_date: `${sql}T09:00:00Z` }),
  ...(opportunity && { hs_lifecyclestage_opportunity_date: `${opportunity}T09:00:00Z` }),
});
const contact = (
  hs_analytics_source: string,
  lifecyclestage: string,
  createdate: string,
  dates: Record<string, string> = {},
) => ({
  email: `${lifecyclestage}.${createdate}@example.com`,
  hs_analytics_source,
  lifecyclestage,
  createdate: `${createdate}T15:00:00Z`,
  ...dates,
});

const dated = (created: string, closed: string) => ({
  createdate: `${created}T10:00:00Z`,
  closedate: `${closed}T17:00:00Z`,
});

// the fake numbers records from 1001 in seed order: deals 1001-1004, then contacts 1005-1012
const SEED: HubSpotSeed = {
  deals: [
    { dealname: "Acme won", amount: "40000", dealstage: "closedwon", ...dated("2026-02-20", "2026-04-01") },
    { dealname: "Globex won", amount: "25000", dealstage: "closedwon", ...dated("2026-03-25", "2026-05-04") },
    {
      dealname: "Initech open",
      amount: "10000",
      dealstage: "qualifiedtobuy",
      ...dated("2026-03-10", "2026-07-01"),
    },
    { dealname: "Hooli lost", amount: "8000", dealstage: "closedlost", ...dated("2026-03-20", "2026-04-10") },
  ],
  contacts: [
    contact("PAID_SEARCH", "customer", "2026-02-03", entered("2026-02-05", "2026-02-12", "2026-02-20")), // 1005 → Acme won
    contact("PAID_SEARCH", "marketingqualifiedlead", "2026-02-10", entered("2026-02-15")), // 1006
    contact("PAID_SEARCH", "lead", "2026-03-05"), // 1007
    contact("ORGANIC_SEARCH", "opportunity", "2026-02-20", entered("2026-02-22", "2026-03-01", "2026-03-10")), // 1008 → Initech open
    contact("ORGANIC_SEARCH", "salesqualifiedlead", "2026-04-02", entered("2026-04-05", "2026-04-09")), // 1009
    // skipped SQL: HubSpot stamps no SQL date
    contact("REFERRALS", "customer", "2026-03-15", entered("2026-03-18", undefined, "2026-03-25")), // 1010 → Globex won, Hooli lost
    contact("REFERRALS", "subscriber", "2026-03-16"), // 1011: not a lead
    contact("PAID_SEARCH", "customer", "2026-05-20"), // 1012 → Acme won as well
  ],
  associations: [
    ["contacts", "1005", "deals", "1001"],
    ["contacts", "1008", "deals", "1003"],
    ["contacts", "1010", "deals", "1002"],
    ["contacts", "1010", "deals", "1004"],
    ["contacts", "1012", "deals", "1001"],
  ],
  campaigns: [
    {
      properties: {
        hs_name: "Spring PPC",
        hs_campaign_status: "active",
        hs_start_date: "2026-02-01",
        hs_end_date: "2026-04-30",
        hs_currency_code: "USD",
      },
      budgetItems: [
        { name: "Search ads", amount: 10_000 },
        { name: "Agency", amount: 2_000 },
      ],
      spendItems: [
        { name: "Search ads", amount: 9_000 },
        { name: "Agency", amount: 1_000 },
      ],
      contacts: { contactFirstTouch: ["1005", "1006", "1007"] },
    },
    {
      properties: {
        hs_name: "Q1 Product Webinar",
        hs_campaign_status: "completed",
        hs_start_date: "2026-01-15",
        hs_end_date: "2026-03-31",
      },
      budgetItems: [{ name: "Platform", amount: 5_000 }],
      spendItems: [{ name: "Platform", amount: 4_000 }],
      contacts: { contactFirstTouch: ["1008", "1010", "1011"] },
    },
    {
      properties: {
        hs_name: "Future Summit",
        hs_campaign_status: "planned",
        hs_start_date: "2099-09-01",
        hs_end_date: "2099-09-03",
      },
      budgetItems: [{ name: "Booth", amount: 20_000 }],
    },
  ],
};
const PPC = "c0000000-0000-4000-8000-000000000001";
const WEBINAR = "c0000000-0000-4000-8000-000000000002";
const SUMMIT = "c0000000-0000-4000-8000-000000000003";

let fake: RunningFake<HubSpotState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;
let direct: { marketing: MarketingPort; rt: KitRuntime };
const hits = (path: string | RegExp) =>
  fake.requests.filter((r) => (typeof path === "string" ? r.path === path : path.test(r.path))).length;

beforeAll(async () => {
  fake = await startHubSpotFake(SEED);
  vi.stubEnv("MARKETING_SOURCE", "hubspot");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  s = await connectInProcess([createMarketingServer()], { hooks: () => ({ meter: attributeVendorCalls }) });
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("hs-marketing") }),
    createLogger("silent", "test"),
  );
  direct = { rt, marketing: (await createMarketingServer().ports(rt)).marketing };
});

afterAll(async () => {
  await s?.close();
  await direct?.rt.close(1000);
  await fake?.close();
  vi.unstubAllEnvs();
});

describe("marketing server on HubSpot", () => {
  it("lists and pages campaigns with HubSpot's budget and spend, newest start first", async () => {
    const first = await s.call("campaigns_list", { limit: 2 });
    expect(first.isError, first.text).toBe(false);
    expect(first.data.total).toBe(3);
    expect(first.data.campaigns).toEqual([
      {
        id: SUMMIT,
        name: "Future Summit",
        channel: "event",
        status: "planned",
        start_date: "2099-09-01",
        end_date: "2099-09-03",
        budget: 20_000,
        spend: 0,
      },
      {
        id: PPC,
        name: "Spring PPC",
        channel: "paid_search",
        status: "active",
        start_date: "2026-02-01",
        end_date: "2026-04-30",
        budget: 12_000,
        spend: 10_000,
      },
    ]);
    const rest = await s.call("campaigns_list", { limit: 2, cursor: first.data.next_cursor });
    expect(rest.data.campaigns.map((c: { id: string }) => c.id)).toEqual([WEBINAR]);
    expect(rest.data.next_cursor).toBeNull();
    // status and channel filters are proven on every provider by campaign-read-port.test.ts
  });

  it("ranks campaign performance from HubSpot's first-touch contacts and revenue report", async () => {
    const r = await s.call("campaign_performance", { rank_by: "roi" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toBe("hubspot");
    expect(r.data.campaigns).toEqual([
      {
        id: WEBINAR,
        name: "Q1 Product Webinar",
        channel: "webinar",
        spend: 4_000,
        leads: 3,
        mqls: 2,
        deals_influenced: 3,
        pipeline: 43_000,
        revenue: 25_000,
        cost_per_lead: 1333.33,
        cost_per_mql: 2000,
        pipeline_per_dollar: 10.75,
        roi: 5.25,
        budget_used: 0.8,
      },
      {
        id: PPC,
        name: "Spring PPC",
        channel: "paid_search",
        spend: 10_000,
        leads: 3,
        mqls: 2,
        deals_influenced: 1,
        pipeline: 40_000,
        revenue: 40_000,
        cost_per_lead: 3333.33,
        cost_per_mql: 5000,
        pipeline_per_dollar: 4,
        roi: 3,
        budget_used: 0.833,
      },
      {
        id: SUMMIT,
        name: "Future Summit",
        channel: "event",
        spend: 0,
        leads: 0,
        mqls: 0,
        deals_influenced: 0,
        pipeline: 0,
        revenue: 0,
        cost_per_lead: null,
        cost_per_mql: null,
        pipeline_per_dollar: null,
        roi: null,
        budget_used: 0,
      },
    ]);
    expect(r.data.totals).toEqual({ spend: 14_000, leads: 6, pipeline: 83_000, revenue: 65_000, roi: 3.643 });
    // a campaign that has not started yet is not asked for reports (HubSpot refuses an inverted range)
    expect(hits(new RegExp(`${SUMMIT}/reports`))).toBe(0);
    const revenue = fake.requests.find((q) => q.path === `/marketing/v3/campaigns/${PPC}/reports/revenue`);
    expect(revenue?.query.get("attributionModel")).toBe("FIRST_INTERACTION");
    expect(revenue?.query.get("startDate")).toBe("2026-02-01");
    const one = await s.call("campaign_performance", { campaign_ids: [PPC, "nope"] });
    expect(one.text).toMatch(/Unknown campaign id\(s\): nope/);
  });

  it("counts leads per original source with both conversion rates and days to convert", async () => {
    const all = await s.call("leads_by_source", {});
    expect(all.isError, all.text).toBe(false);
    expect(all.data.totals).toMatchObject({ leads: 7, opportunities: 4, won: 3, won_revenue: 65_000 });
    expect(all.data.rows).toEqual([
      // Acme won is associated with two paid-search leads: both leads won, its revenue counts once (for 1005);
      // lead 1012 was created after Acme's deal, so its out-of-order days are left out
      {
        source: "paid_search",
        leads: 4,
        opportunities: 2,
        won: 2,
        won_revenue: 40_000,
        lead_to_opportunity_rate: 0.5,
        lead_to_won_rate: 0.5,
        median_days_to_opportunity: 17,
        median_days_to_won: 57,
      },
      {
        source: "organic",
        leads: 2,
        opportunities: 1,
        won: 0,
        won_revenue: 0,
        lead_to_opportunity_rate: 0.5,
        lead_to_won_rate: 0,
        median_days_to_opportunity: 18,
        median_days_to_won: null,
      },
      // Hooli lost is associated too, but only closed-won deals count
      {
        source: "referral",
        leads: 1,
        opportunities: 1,
        won: 1,
        won_revenue: 25_000,
        lead_to_opportunity_rate: 1,
        lead_to_won_rate: 1,
        median_days_to_opportunity: 10,
        median_days_to_won: 50,
      },
    ]);
    // the end date includes its whole day: the lead created 2026-03-05T15:00Z is in
    const part = await s.call("leads_by_source", { from: "2026-02-01", to: "2026-03-05" });
    expect(part.data.totals.leads).toBe(4);
    expect(part.data.rows.map((r: { source: string; leads: number }) => [r.source, r.leads])).toEqual([
      ["paid_search", 3],
      ["organic", 1],
    ]);
    expect(part.data.meta.inputs).toEqual({
      from: "2026-02-01",
      to: "2026-03-05",
      group_by: "source",
      leads: 4,
    });
    const months = await s.call("leads_by_source", { group_by: "month" });
    expect(months.data.rows.map((r: { month: string; leads: number }) => [r.month, r.leads])).toEqual([
      ["2026-05", 1],
      ["2026-04", 1],
      ["2026-03", 2],
      ["2026-02", 3],
    ]);
  });

  it("reports the funnel stage by stage from lifecycle stage dates", async () => {
    const r = await s.call("funnel_report", {});
    expect(r.isError, r.text).toBe(false);
    expect(r.data.rows).toEqual([
      {
        source: "paid_search",
        leads: 4,
        mqls: 3,
        sqls: 2,
        opportunities: 2,
        won: 2,
        lead_to_mql_rate: 0.75,
        mql_to_sql_rate: 0.667,
        sql_to_opportunity_rate: 1,
        opportunity_to_won_rate: 1,
        // the opportunity of 1012 (no stage date) falls back to its deal's creation
        days_lead_to_mql: 3.5,
        days_mql_to_sql: 7,
        days_sql_to_opportunity: 8,
        days_lead_to_opportunity: 17,
        days_opportunity_to_won: 40,
      },
      {
        source: "organic",
        leads: 2,
        mqls: 2,
        sqls: 2,
        opportunities: 1,
        won: 0,
        lead_to_mql_rate: 1,
        mql_to_sql_rate: 1,
        sql_to_opportunity_rate: 0.5,
        opportunity_to_won_rate: 0,
        days_lead_to_mql: 2.5,
        days_mql_to_sql: 5.5,
        days_sql_to_opportunity: 9,
        days_lead_to_opportunity: 18,
        days_opportunity_to_won: null,
      },
      {
        source: "referral",
        leads: 1,
        mqls: 1,
        sqls: 1,
        opportunities: 1,
        won: 1,
        lead_to_mql_rate: 1,
        mql_to_sql_rate: 1,
        sql_to_opportunity_rate: 1,
        opportunity_to_won_rate: 1,
        days_lead_to_mql: 3,
        days_mql_to_sql: null,
        days_sql_to_opportunity: null,
        days_lead_to_opportunity: 10,
        days_opportunity_to_won: 40,
      },
    ]);
    expect(r.data.meta.source).toBe("hubspot");
    expect(r.data.meta.inputs.dated_stages).toBe("mql,sql,opportunity,won");
    expect(r.data.meta.caveats.join(" ")).toMatch(/skipped a stage are left out/);
    expect(r.data.meta.caveats.join(" ")).not.toMatch(/No dates recorded/);
    // the stage dates are asked for by name
    const search = fake.requests.filter((q) => q.path === "/crm/v3/objects/contacts/search").at(-1);
    expect(JSON.stringify(search?.body)).toMatch(/hs_lifecyclestage_marketingqualifiedlead_date/);
  });

  it("tests an experiment without calling HubSpot", async () => {
    const before = fake.requests.length;
    const r = await s.call("experiment_significance", {
      control: { visitors: 1000, conversions: 200 },
      variant: { visitors: 1000, conversions: 250 },
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.p_value).toBeCloseTo(0.0074, 4);
    expect(fake.requests.length).toBe(before);
  });

  it("completes and reads campaigns by name through the resource", async () => {
    const done = await s.client.complete({
      ref: { type: "ref/resource", uri: "marketing://campaigns/{campaign_id}" },
      argument: { name: "campaign_id", value: "" },
    });
    expect(done.completion.values).toEqual([SUMMIT, WEBINAR, PPC]);
    expect(await direct.marketing.searchCampaigns("q1 p", 5)).toEqual([
      { id: WEBINAR, name: "Q1 Product Webinar" },
    ]);
    const read = await s.client.readResource({ uri: `marketing://campaigns/${PPC}` });
    const content = read.contents[0];
    expect(JSON.parse(content && "text" in content ? content.text : "")).toMatchObject({
      name: "Spring PPC",
      leads: 3,
      roi: 3,
    });
  });

  it("waits out a 429's Retry-After and still answers exactly", async () => {
    const before = hits("/marketing/v3/campaigns");
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" }, { path: "/marketing/v3/campaigns" });
    const started = Date.now();
    const r = await s.call("campaigns_list", { status: "active" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.campaigns.map((c: { id: string }) => c.id)).toEqual([PPC]);
    expect(hits("/marketing/v3/campaigns") - before).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("tells the user to fix HUBSPOT_ACCESS_TOKEN when HubSpot answers 401, without retrying", async () => {
    const before = fake.requests.length;
    fake.faults.expireTokens();
    try {
      const r = await s.call("leads_by_source", {});
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/HubSpot rejected HUBSPOT_ACCESS_TOKEN \(HTTP 401\)/);
      expect(r.text).toMatch(
        /Next: Set HUBSPOT_ACCESS_TOKEN to a valid private-app token with marketing\.campaigns\.read/,
      );
      expect(fake.requests.length - before).toBe(1);
    } finally {
      fake.faults.clear();
    }
  });

  it("serves the last good answer, marked stale, while HubSpot is down", async () => {
    const warm = await direct.marketing.campaignStats();
    expect(freshnessOf(warm)).toBeUndefined();
    await s.call("campaign_performance", {});
    await s.call("leads_by_source", {});
    await s.call("campaigns_list", {});
    fake.faults.always({ kind: "status", status: 503 });
    try {
      const stale = await direct.marketing.campaignStats();
      expect([...stale]).toEqual([...warm]);
      expect(freshnessOf(stale)?.note).toMatch(/HubSpot is unavailable.*cached data from/);
      const perf = await s.call("campaign_performance", {});
      expect(perf.isError, perf.text).toBe(false);
      expect(perf.data.totals.revenue).toBe(65_000);
      expect(perf.data.meta.caveats.join(" ")).toMatch(/HubSpot is unavailable.*cached data from/);
      const leads = await s.call("leads_by_source", {});
      expect(leads.data.totals.leads).toBe(7);
      expect(leads.data.meta.caveats.join(" ")).toMatch(/HubSpot is unavailable/);
      const listed = await s.call("campaigns_list", {});
      expect(listed.data.total).toBe(3);
      expect(listed.data.note).toMatch(/^Showing 3 of 3\. HubSpot is unavailable.*cached data from/);
      expect(listed.text.split("cached data from")).toHaveLength(2);
    } finally {
      fake.faults.clear();
    }
  });
});
