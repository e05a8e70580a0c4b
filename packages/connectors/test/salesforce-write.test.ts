import { isVendorError } from "@revops/resilience";
import { type RunningFake, type SalesforceState, startSalesforceFake } from "@revops/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSalesforceConnector, type SalesforceConnector } from "../src/index";
import { FAST_POLICY } from "./helpers";

const OPP = "006000000000000001";
let fake: RunningFake<SalesforceState>;
let sf: SalesforceConnector;

beforeEach(async () => {
  fake = await startSalesforceFake({
    Opportunity: [{ Name: "Acme pilot", StageName: "Prospecting", Amount: 1000, CloseDate: "2026-12-15" }],
  });
  sf = await createSalesforceConnector(
    {
      id: "acme-sf",
      vendor: "salesforce",
      allowInsecureTestBaseUrl: true,
      credentials: { instanceUrl: fake.url, accessToken: "00D-static" },
    },
    { policy: FAST_POLICY },
  );
});
afterEach(async () => fake.close());

describe("Salesforce updateOpportunityOnce", () => {
  it("writes once and is not looked up when all is well", async () => {
    expect(await sf.updateOpportunityOnce(OPP, { Amount: 2000, NextStep: "Call" })).toEqual({
      recovered: false,
    });
    expect(fake.state.appliedUpdates).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === "GET" && r.path.endsWith("/query"))).toHaveLength(0);
  });

  it("finds an update applied before a 5xx or a reset and does not send it again", async () => {
    fake.state.failAfterWrite = { status: 500, times: 1 };
    expect(await sf.updateOpportunityOnce(OPP, { StageName: "Closed Won", CloseDate: "2026-12-01" })).toEqual(
      {
        recovered: true,
      },
    );
    fake.faults.next({ kind: "resetAfterHandling" }, { method: "PATCH" });
    expect(await sf.updateOpportunityOnce(OPP, { Amount: 3000 })).toEqual({ recovered: true });
    expect(fake.state.appliedUpdates.map((u) => u.fields)).toEqual([
      { StageName: "Closed Won", CloseDate: "2026-12-01" },
      { Amount: 3000 },
    ]);
    // the stage brought its metadata, as Salesforce does
    expect(fake.state.objects.Opportunity?.get(OPP)).toMatchObject({ IsWon: true, Probability: 100 });
  });

  it("sends it again once when the failure came before Salesforce applied it", async () => {
    fake.faults.next({ kind: "reset" }, { method: "PATCH" });
    expect(await sf.updateOpportunityOnce(OPP, { Amount: 4000 })).toEqual({ recovered: false });
    expect(fake.state.appliedUpdates).toHaveLength(1);
  });

  it("never retries or looks up a refusal (4xx)", async () => {
    const err = await sf.updateOpportunityOnce(OPP, { StageName: "Nope" }).catch((e: unknown) => e);
    expect(isVendorError(err) && err.status).toBe(400);
    expect(fake.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.endsWith("/query"))).toHaveLength(0);
    expect(fake.state.appliedUpdates).toHaveLength(0);
  });
});
