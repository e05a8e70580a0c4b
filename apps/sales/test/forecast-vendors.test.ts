import {
  connectInProcess,
  type RunningFake,
  type SalesforceState,
  type SObjectRow,
  startSalesforceFake,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseQuarter, quarterOf } from "../src/domain/period";
import { createSalesServer } from "../src/server";

// A vendor CRM has live dates: the deals sit in the real current quarter.
const today = new Date().toISOString().slice(0, 10);
const q = parseQuarter(quarterOf(today));
const USER = "005000000000000101";
const ACCOUNT = "001000000000000001";
const opp = (Name: string, StageName: string, Amount: number, CloseDate: string) => ({
  Name,
  AccountId: ACCOUNT,
  StageName,
  Amount,
  CloseDate,
  OwnerId: USER,
  Type: "New Customer",
});

let fake: RunningFake<SalesforceState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  fake = await startSalesforceFake({
    Account: [{ Name: "Acme", Website: "acme.test", OwnerId: USER, Type: "Customer - Direct" }],
    Opportunity: [
      opp("Won", "Closed Won", 30_000, q.from),
      opp("Late", "Negotiation/Review", 50_000, q.to),
      opp("Early", "Prospecting", 5_000, q.to),
    ],
  });
  const rows = (list: SObjectRow[]) => new Map(list.map((r) => [r.Id, r]));
  fake.state.objects.User = rows([{ Id: USER, Name: "Ada Lovelace", Email: "ada@example.com" }]);
  vi.stubEnv("SALES_CRM", "salesforce");
  vi.stubEnv("SALESFORCE_ACCESS_TOKEN", "00D-static-token");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  s = await connectInProcess([createSalesServer()]);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
  vi.unstubAllEnvs();
});

describe("forecast_get on Salesforce (no stage history read)", () => {
  it("falls back to CRM probabilities, publishes no backtest and says so", async () => {
    const r = await s.call("forecast_get", {});
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toBe("salesforce");
    expect(r.data.meta.backtest).toBeNull();
    expect(r.data.meta.caveats.join(" ")).toMatch(/No stage history/);
    expect(r.data.categories.closed_won).toBe(30_000);
    expect(r.data.by_type.new_business.open).toBe(55_000);
    expect(r.data.conversion.new_business).toEqual([0.1, 0.25, 0.5, 0.75]);
    expect(r.data.forecast.p10).toBeGreaterThanOrEqual(30_000);
    expect(r.data.forecast.p90).toBeLessThanOrEqual(85_000);
  });
});
