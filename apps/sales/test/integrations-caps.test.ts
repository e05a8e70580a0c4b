import { attributeVendorCalls } from "@revops/safety";
import {
  connectInProcess,
  type RunningFake,
  type SalesforceState,
  startSalesforceFake,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// More matching records than one tool call reads: the answer must say it covers only part of them.
const OWNER = "005000000000000101";
let fake: RunningFake<SalesforceState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  fake = await startSalesforceFake({
    Account: [{ Name: "Acme", OwnerId: OWNER }],
    Opportunity: Array.from({ length: 2005 }, (_, i) => ({
      Name: `Deal ${i}`,
      AccountId: "001000000000000001",
      StageName: "Prospecting",
      Amount: 100,
      CloseDate: "2026-02-15",
      OwnerId: OWNER,
    })),
  });
  fake.state.objects.User = new Map([[OWNER, { Id: OWNER, Name: "Ada Lovelace", Email: "ada@example.com" }]]);
  vi.stubEnv("SALES_CRM", "salesforce");
  vi.stubEnv("SALESFORCE_ACCESS_TOKEN", "00D-static-token");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  const { createSalesServer } = await import("../src/server");
  // the meter hook carries the read cap's note from the call scope to the result, as in production
  s = await connectInProcess([createSalesServer()], { hooks: () => ({ meter: attributeVendorCalls }) });
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
  vi.unstubAllEnvs();
});

describe("answers over a read cap", () => {
  it("says the pipeline covers 2,000 of 2,005 opportunities instead of passing a partial total as the whole", async () => {
    const r = await s.call("pipeline_summary", { quarter: "2026-Q1" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.open).toMatchObject({ deals: 2000, amount: 200_000 });
    expect(JSON.stringify(r.data.meta)).toContain(
      "Salesforce has 2,005 matching Opportunity records; 2,000 were read — narrow by owner or dates.",
    );
  });
});
