import { freshnessOf } from "@revops/connectors/freshness";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { type RunningFake, type SalesforceState, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";

const opp = (Name: string, Amount: number, CurrencyIsoCode?: string) => ({
  Name,
  StageName: "Prospecting",
  Amount,
  CloseDate: "2026-03-01",
  ...(CurrencyIsoCode ? { CurrencyIsoCode } : {}),
});
const USERS = [{ Name: "Ada Lovelace", Email: "ada@example.com" }];
const OPPORTUNITIES = [
  opp("Tokyo", 1_500_000, "JPY"),
  opp("Berlin", 9_000, "EUR"),
  opp("Boston", 4_000),
  opp("Osaka", 300_000, "JPY"),
];

let multi: RunningFake<SalesforceState>;
let single: RunningFake<SalesforceState>;
const runtimes: KitRuntime[] = [];

async function crmOn(fake: RunningFake<SalesforceState>): Promise<CrmPort> {
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("sf-currency") }),
    createLogger("silent", "test"),
  );
  runtimes.push(rt);
  return (await createSalesServer().ports(rt)).crm;
}
const queries = (fake: RunningFake<SalesforceState>) =>
  fake.requests.map((r) => r.query.get("q") ?? "").filter((q) => q.includes("FROM Opportunity"));

beforeAll(async () => {
  multi = await startSalesforceFake({
    User: USERS,
    Opportunity: OPPORTUNITIES,
    currencies: { corporate: "USD", rates: { USD: 1, EUR: 0.9, JPY: 150 } },
  });
  single = await startSalesforceFake({
    User: USERS,
    Opportunity: OPPORTUNITIES.map(({ CurrencyIsoCode: _c, ...o }) => o),
  });
  vi.stubEnv("SALES_CRM", "salesforce");
  vi.stubEnv("SALESFORCE_ACCESS_TOKEN", "00D-static-token");
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
});

afterAll(async () => {
  for (const rt of runtimes) await rt.close(1000);
  await multi?.close();
  await single?.close();
  vi.unstubAllEnvs();
});

describe("Salesforce multi-currency org", () => {
  it("reports amounts in the corporate currency, filters in it, and says so", async () => {
    const crm = await crmOn(multi);
    const page = await crm.listDeals({ minAmount: 5000 });
    expect(page.rows.map((d) => [d.name, d.amount]).sort()).toEqual([
      ["Berlin", 10_000],
      ["Tokyo", 10_000],
    ]);
    // a bare 5000 would have let Osaka's raw ¥300,000 (US$2,000) through
    expect(queries(multi).some((q) => q.includes("Amount >= USD5000"))).toBe(true);
    expect(freshnessOf(page)?.caveats).toEqual([
      expect.stringMatching(/^Amounts are in USD, the corporate currency/),
    ]);
    expect(multi.requests.filter((r) => r.query.get("q")?.includes("FROM CurrencyType"))).toHaveLength(1);
  });

  it("writes a corporate-currency amount in the deal's own currency", async () => {
    const crm = await crmOn(multi);
    const berlin = [...(multi.state.objects.Opportunity?.values() ?? [])].find((o) => o.Name === "Berlin");
    const id = berlin?.Id ?? "";
    const w = await crm.updateDeal(id, { amount: 20_000 }, { principal: "ann" });
    expect(berlin?.Amount).toBe(18_000);
    expect(w?.deal.amount).toBe(20_000);
  });

  it("leaves a single-currency org as it was: raw amounts, a bare filter, no caveat", async () => {
    const crm = await crmOn(single);
    const page = await crm.listDeals({ minAmount: 5000 });
    expect(page.rows.map((d) => d.name).sort()).toEqual(["Berlin", "Osaka", "Tokyo"]);
    expect(queries(single).some((q) => q.includes("Amount >= 5000"))).toBe(true);
    expect(queries(single).some((q) => q.includes("CurrencyIsoCode"))).toBe(false);
    expect(freshnessOf(page)).toBeUndefined();
  });
});
