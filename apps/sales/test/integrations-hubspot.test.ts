import { freshnessOf } from "@revops/connectors/freshness";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { attributeVendorCalls } from "@revops/safety";
import {
  connectInProcess,
  type HubSpotState,
  type RunningFake,
  startHubSpotFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";

const deal = (
  dealname: string,
  dealstage: string,
  amount: number,
  closedate: string,
  hubspot_owner_id = "71",
) => ({
  dealname,
  dealstage,
  amount: String(amount),
  closedate: `${closedate}T00:00:00Z`,
  hubspot_owner_id,
  dealtype: "newbusiness",
  pipeline: "default",
});

// the fake numbers records from 1001 in seed order: deals, then companies, then contacts
const DEALS = [
  deal("Initech rollout", "contractsent", 60_000, "2026-03-15"),
  deal("Initech add-on", "closedwon", 20_000, "2026-02-01"),
  deal("Hooli pilot", "appointmentscheduled", 8_000, "2026-01-20", "72"),
  deal("Hooli suite", "decisionmakerboughtin", 90_000, "2026-03-30", "72"),
  deal("Hooli lost", "closedlost", 15_000, "2026-02-20", "72"),
];
const INITECH = "1006";
const HOOLI = "1007";

let fake: RunningFake<HubSpotState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;
let direct: { crm: CrmPort; rt: KitRuntime };

beforeAll(async () => {
  fake = await startHubSpotFake({
    deals: DEALS,
    companies: [
      {
        name: "Initech",
        domain: "initech.test",
        industry: "SOFTWARE",
        numberofemployees: "300",
        country: "US",
        lifecyclestage: "customer",
        hubspot_owner_id: "71",
      },
      {
        name: "Hooli",
        domain: "hooli.test",
        industry: "INTERNET",
        numberofemployees: "20",
        country: "US",
        lifecyclestage: "lead",
        hubspot_owner_id: "72",
      },
    ],
    contacts: [
      { firstname: "Peter", lastname: "Gibbons", email: "peter@initech.test", jobtitle: "Engineer" },
    ],
    associations: [
      ["deals", "1001", "companies", INITECH],
      ["deals", "1002", "companies", INITECH],
      ["deals", "1003", "companies", HOOLI],
      ["deals", "1004", "companies", HOOLI],
      ["deals", "1005", "companies", HOOLI],
      ["companies", INITECH, "deals", "1001"],
      ["companies", INITECH, "deals", "1002"],
      ["companies", HOOLI, "deals", "1003"],
      ["companies", HOOLI, "deals", "1004"],
      ["companies", HOOLI, "deals", "1005"],
      ["companies", INITECH, "contacts", "1008"],
    ],
  });
  vi.stubEnv("SALES_CRM", "hubspot");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  s = await connectInProcess([createSalesServer()], { hooks: () => ({ meter: attributeVendorCalls }) });
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("hs-ports") }),
    createLogger("silent", "test"),
  );
  direct = { rt, crm: (await createSalesServer().ports(rt)).crm };
});

afterAll(async () => {
  await s?.close();
  await direct?.rt.close(1000);
  await fake?.close();
  vi.unstubAllEnvs();
});

describe("sales server on HubSpot", () => {
  it("lists and pages deals with mapped stages and companies", async () => {
    const seen: { name: string; stage: string; account_name: string; account_id: string }[] = [];
    let cursor: string | undefined;
    do {
      const r = await s.call("deals_list", { limit: 2, ...(cursor && { cursor }) });
      expect(r.isError, r.text).toBe(false);
      expect(r.data.total).toBe(5);
      seen.push(...r.data.deals);
      cursor = r.data.next_cursor ?? undefined;
    } while (cursor);
    expect(seen.map((d) => d.name)).toEqual([
      "Hooli suite",
      "Initech rollout",
      "Hooli lost",
      "Initech add-on",
      "Hooli pilot",
    ]);
    expect(seen.map((d) => d.stage)).toEqual([
      "proposal",
      "negotiation",
      "closed_lost",
      "closed_won",
      "prospecting",
    ]);
    expect(seen[1]).toMatchObject({ account_id: INITECH, account_name: "Initech" });
    const hooli = await s.call("deals_list", { account_id: HOOLI, status: "open" });
    expect(hooli.data.deals.map((d: { name: string }) => d.name)).toEqual(["Hooli suite", "Hooli pilot"]);
    const owner = await s.call("deals_list", { owner: "71", min_amount: 30_000 });
    expect(owner.data.deals.map((d: { name: string }) => d.name)).toEqual(["Initech rollout"]);
  });

  it("summarises a quarter", async () => {
    const r = await s.call("pipeline_summary", { quarter: "2026-Q1" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toBe("hubspot");
    expect(r.data.won).toEqual({ deals: 1, amount: 20_000 });
    expect(r.data.open.amount).toBe(60_000 + 8_000 + 90_000);
    // no stage history read: a past quarter has no weekly series, and the result says why
    expect(r.data.by_week.week_ending).toEqual([]);
    expect(r.data.meta.caveats.join(" ")).toMatch(/by_week has today's pipeline only/);
  });

  it("gets a company as an account", async () => {
    const r = await s.call("account_get", { account_id: INITECH });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({
      name: "Initech",
      domain: "initech.test",
      size_band: "201-1000",
      lifecycle: "customer",
    });
    expect(r.data.contacts).toEqual({
      total: 1,
      top: [{ id: "1008", name: "Peter Gibbons", title: "Engineer", email: "peter@initech.test" }],
    });
    expect(r.data.open_deals.map((d: { name: string }) => d.name)).toEqual(["Initech rollout"]);
    expect((await s.call("account_get", { account_id: "9999" })).text).toMatch(/No account/);
  });

  it("retries a burst of 503s", async () => {
    fake.faults.next({ kind: "status", status: 503 }, { path: /search$/, times: 2 });
    const r = await s.call("deals_list", { stage: "closed_won" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.deals).toHaveLength(1);
    expect(fake.requests.filter((q) => q.fault === "status")).toHaveLength(2);
  });

  it("serves the last good answer, marked stale, while HubSpot is down", async () => {
    const warm = await direct.crm.listDeals({ status: "open" });
    await s.call("deals_list", { status: "open" });
    fake.faults.always({ kind: "status", status: 503 });
    try {
      const stale = await direct.crm.listDeals({ status: "open" });
      expect(stale.rows).toEqual(warm.rows);
      expect(freshnessOf(stale)?.note).toMatch(/HubSpot is unavailable.*cached data from/);
      const summary = await s.call("pipeline_summary", { quarter: "2026-Q1" });
      expect(summary.isError, summary.text).toBe(false);
      expect(summary.data.won.amount).toBe(20_000);
      expect(summary.data.meta.caveats.join(" ")).toMatch(/HubSpot is unavailable/);
      // no tool code merges it: the adapter's note reaches the result through the call scope, once
      const listed = await s.call("deals_list", { status: "open" });
      expect(listed.data.note).toMatch(/HubSpot is unavailable.*cached data from/);
      expect(listed.text.split("cached data from")).toHaveLength(2);
    } finally {
      fake.faults.clear();
    }
  });
});
