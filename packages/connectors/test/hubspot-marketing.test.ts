import { isVendorError } from "@revops/resilience";
import { type HubSpotSeed, type HubSpotState, type RunningFake, startHubSpotFake } from "@revops/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHubSpotMarketingConnector, type HubSpotMarketingConnector } from "../src/index";
import { FAST_POLICY, memoryKv } from "./helpers";

// records are numbered from 1001 in seed order: deals 1001-1002, then contacts 1003-1005
const SEED: HubSpotSeed = {
  deals: [
    { dealname: "Won", amount: "5000", dealstage: "closedwon" },
    { dealname: "Open", amount: "700", dealstage: "qualifiedtobuy" },
  ],
  contacts: [
    {
      email: "a@x.test",
      hs_analytics_source: "PAID_SEARCH",
      lifecyclestage: "customer",
      createdate: "2026-01-10T09:00:00Z",
    },
    {
      email: "b@x.test",
      hs_analytics_source: "ORGANIC_SEARCH",
      lifecyclestage: "lead",
      createdate: "2026-02-10T09:00:00Z",
    },
    {
      email: "c@x.test",
      hs_analytics_source: "PAID_SEARCH",
      lifecyclestage: "subscriber",
      createdate: "2026-02-11T09:00:00Z",
    },
  ],
  associations: [
    ["contacts", "1003", "deals", "1001"],
    ["contacts", "1003", "deals", "1002"],
  ],
  campaigns: [
    {
      properties: { hs_name: "Spring webinar", hs_campaign_status: "active", hs_currency_code: "USD" },
      budgetItems: [
        { name: "Speakers", amount: 1500 },
        { name: "Ads", amount: 500 },
      ],
      spendItems: [{ name: "Speakers", amount: 1200 }],
      contacts: { contactFirstTouch: ["1003", "1004"] },
    },
    { properties: { hs_name: "Autumn summit", hs_campaign_status: "planned" } },
    { properties: { hs_name: "Newsletter", hs_campaign_status: "completed" } },
  ],
};
const SPRING = "c0000000-0000-4000-8000-000000000001";

let fake: RunningFake<HubSpotState>;

async function connector(staleCache = false): Promise<HubSpotMarketingConnector> {
  return createHubSpotMarketingConnector(
    {
      id: "acme-hubspot",
      vendor: "hubspot",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { accessToken: "pat-na1-test" },
    },
    {
      policy: FAST_POLICY,
      ...(staleCache ? { staleCache: { cache: await memoryKv(), maxAgeMs: 60_000 } } : {}),
    },
  );
}

beforeEach(async () => {
  fake = await startHubSpotFake(SEED);
});
afterEach(async () => {
  await fake.close();
});

describe("HubSpot marketing reads", () => {
  it("pages campaigns with HubSpot's budget and spend totals", async () => {
    const hs = await connector();
    const first = await hs.listCampaigns({ limit: 2 });
    expect(first.value.total).toBe(3);
    expect(first.value.results.map((c) => c.properties.hs_name)).toEqual(["Autumn summit", "Newsletter"]);
    const rest = await hs.listCampaigns({ limit: 2, after: first.value.nextCursor as string });
    expect(rest.value.nextCursor).toBeUndefined();
    expect(rest.value.results[0]).toMatchObject({
      id: SPRING,
      properties: { hs_budget_items_sum_amount: "2000", hs_spend_items_sum_amount: "1200" },
    });
    expect((await hs.campaignBudget(SPRING)).value).toEqual({
      budgetTotal: 2000,
      spendTotal: 1200,
      remainingBudget: 800,
      currencyCode: "USD",
    });
    const sent = fake.requests.find((r) => r.path === "/marketing/v3/campaigns");
    expect(sent?.headers.authorization).toBe("Bearer pat-na1-test");
    expect(sent?.query.get("properties")).toContain("hs_spend_items_sum_amount");
  });

  it("reads attributed contacts and first-touch revenue", async () => {
    const hs = await connector();
    const contacts = await hs.campaignContacts(SPRING, "contactFirstTouch", { endDate: "2026-01-31" });
    expect(contacts.value).toEqual({ results: ["1003"] });
    const revenue = await hs.campaignRevenue(SPRING, "FIRST_INTERACTION");
    expect(revenue.value).toEqual({
      contactsNumber: 2,
      dealsNumber: 2,
      dealAmount: 5700,
      revenueAmount: 5000,
      currencyCode: "USD",
    });
    expect(fake.requests.at(-1)?.query.get("attributionModel")).toBe("FIRST_INTERACTION");
  });

  it("searches contacts by source, stage and creation date, then follows them to deals", async () => {
    const hs = await connector();
    const found = await hs.searchContacts({
      filters: [
        { property: "lifecyclestage", operator: "IN", values: ["lead", "customer"] },
        { property: "createdate", operator: "GTE", value: "2026-01-01" },
        { property: "createdate", operator: "LTE", value: "2026-01-31T23:59:59.999Z" },
      ],
      properties: ["hs_analytics_source", "lifecyclestage"],
    });
    expect(found.value.total).toBe(1);
    expect(found.value.results[0]?.properties).toMatchObject({
      hs_analytics_source: "PAID_SEARCH",
      lifecyclestage: "customer",
    });
    // 1004 has no deals: HubSpot answers 207 with an error for it, which is not a failure
    const deals = await hs.associatedIds("contacts", "deals", ["1003", "1004"]);
    expect(deals.value).toEqual({ "1003": ["1001", "1002"] });
    const read = await hs.batchRead("deals", ["1001", "1002"], ["amount", "hs_is_closed_won"]);
    expect(read.value.map((d) => [d.id, d.properties.amount, d.properties.hs_is_closed_won])).toEqual([
      ["1001", "5000", "true"],
      ["1002", "700", "false"],
    ]);
    await expect(
      hs.batchRead(
        "deals",
        Array.from({ length: 101 }, (_, i) => String(i)),
        [],
      ),
    ).rejects.toThrow(RangeError);
  });

  it("retries a 429 after its Retry-After, then answers", async () => {
    const hs = await connector();
    fake.faults.next({ kind: "status", status: 429, retryAfter: "0" }, { path: "/marketing/v3/campaigns" });
    const r = await hs.listCampaigns({});
    expect(r.value.total).toBe(3);
    expect(fake.requests.filter((q) => q.path === "/marketing/v3/campaigns")).toHaveLength(2);
  });

  it("serves a cached campaign report while HubSpot is down, and never masks a 401", async () => {
    const hs = await connector(true);
    const warm = await hs.campaignRevenue(SPRING, "FIRST_INTERACTION");
    fake.faults.always({ kind: "status", status: 503 });
    const stale = await hs.campaignRevenue(SPRING, "FIRST_INTERACTION");
    expect(stale.stale).toBe(true);
    expect(stale.value).toEqual(warm.value);
    fake.faults.clear();
    fake.faults.always({ kind: "status", status: 401 });
    const err = await hs.campaignRevenue(SPRING, "FIRST_INTERACTION").catch((e: unknown) => e);
    expect(isVendorError(err) && err.status).toBe(401);
    expect(fake.requests.filter((q) => q.fault === "status" && q.path.endsWith("revenue")).length).toBe(
      FAST_POLICY.maxAttempts + 1,
    );
  });

  it("refuses a raw request made outside a resilient attempt", async () => {
    const hs = await connector();
    await expect(hs.sdk.get("/marketing/v3/campaigns")).rejects.toThrow(/outside the resilience policy/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("HubSpot static lists", () => {
  it("creates a list once, finds it by name in any case, changes members and reads them back", async () => {
    const { lists } = await connector();
    expect(await lists.listByName("Q3 Webinar")).toBeUndefined();
    const created = await lists.createList("Q3 Webinar");
    expect(created.processingType).toBe("MANUAL");
    expect((await lists.listByName("q3 webinar"))?.listId).toBe(created.listId);
    expect((await lists.getList(created.listId))?.name).toBe("Q3 Webinar");
    expect(await lists.getList("999999")).toBeUndefined();

    const change = await lists.changeMembers(created.listId, ["1003", "1004", "424242"], []);
    expect(change.added.sort()).toEqual(["1003", "1004"]);
    expect(change.missing).toEqual(["424242"]);
    await lists.changeMembers(created.listId, [], ["1004"]);
    expect((await lists.membersPage(created.listId)).results).toEqual(["1003"]);
    expect(await lists.listsOfRecord("1003")).toContain(created.listId);

    const byId = await lists.contactsById(["1003", "9999"], ["email"]);
    expect(byId.map((c) => c.properties.email)).toEqual(["a@x.test"]);
    const byEmail = await lists.contactsByEmail(["b@x.test", "nobody@x.test"], ["email"]);
    expect(byEmail.map((c) => c.id)).toEqual(["1004"]);
    await expect(
      lists.contactsById(
        Array.from({ length: 101 }, (_, i) => String(i)),
        ["email"],
      ),
    ).rejects.toThrow(/at most 100/);
  });
});
