import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { type HubSpotState, type RunningFake, startHubSpotFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSalesServer } from "../src/server";

const DEAL_COUNT = 250;
// deals are numbered from 1001 in seed order, then the one company
const COMPANY = String(1001 + DEAL_COUNT);
const dealIds = Array.from({ length: DEAL_COUNT }, (_, i) => String(1001 + i));

let fake: RunningFake<HubSpotState>;
let rt: KitRuntime;

beforeAll(async () => {
  fake = await startHubSpotFake({
    deals: dealIds.map((_, i) => ({
      dealname: `Deal ${i}`,
      dealstage: "appointmentscheduled",
      amount: "100",
    })),
    companies: [{ name: "Globex", domain: "globex.test" }],
    associations: dealIds.map(
      (id) => ["companies", COMPANY, "deals", id] as ["companies", string, "deals", string],
    ),
  });
  vi.stubEnv("SALES_CRM", "hubspot");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("hs-batch") }),
    createLogger("silent", "test"),
  );
});

afterAll(async () => {
  await rt?.close(1000);
  await fake?.close();
  vi.unstubAllEnvs();
});

describe("HubSpot batch reads over 100 ids", () => {
  it("reads an account's 250 deals in batches of at most 100, which HubSpot accepts", async () => {
    const { crm } = await createSalesServer().ports(rt);
    const account = await crm.getAccount(COMPANY);
    expect(account?.openDeals).toHaveLength(DEAL_COUNT);
    const batches = fake.requests
      .filter((r) => r.path === "/crm/v3/objects/deals/batch/read")
      .map((r) => (JSON.parse(r.body) as { inputs: unknown[] }).inputs.length);
    expect(batches).toEqual([100, 100, 50]);
  });

  it("the fake refuses a batch of 101 with HubSpot's 400 error shape", async () => {
    const res = await fetch(`${fake.url}/crm/v3/objects/deals/batch/read`, {
      method: "POST",
      headers: { authorization: "Bearer pat-test", "content-type": "application/json" },
      body: JSON.stringify({ inputs: [...dealIds.slice(0, 101)].map((id) => ({ id })), properties: [] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
  });
});
