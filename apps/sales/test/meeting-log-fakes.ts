import {
  type HubSpotState,
  type RunningFake,
  type SalesforceState,
  startHubSpotFake,
  startSalesforceFake,
} from "@revops/testing";

/** A Salesforce org with one rep, one account and one open opportunity (the key field declared on Task). */
export const salesforceMeetingFake = (): Promise<RunningFake<SalesforceState>> =>
  startSalesforceFake({
    User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
    Account: [{ Name: "Acme", OwnerId: "005000000000000001" }],
    Opportunity: [
      {
        Name: "Acme expansion",
        AccountId: "001000000000000002",
        StageName: "Qualification",
        Amount: 20_000,
        CloseDate: "2027-01-29",
        OwnerId: "005000000000000001",
      },
    ],
    customFields: { Task: ["RevOps_Idempotency_Key__c"] },
  });

/** A HubSpot portal with one owner, one company and its open deal 1001. */
export const hubspotMeetingFake = (): Promise<RunningFake<HubSpotState>> =>
  startHubSpotFake({
    owners: [{ id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 }],
    companies: [{ name: "Initech", hubspot_owner_id: "71" }],
    deals: [
      { dealname: "Initech renewal", dealstage: "contractsent", pipeline: "default", hubspot_owner_id: "71" },
    ],
    associations: [["deals", "1001", "companies", "1002"]],
  });

export const vendorEnv = (vendor: "salesforce" | "hubspot", url: string): Record<string, string> => ({
  SALES_CRM: vendor,
  ...(vendor === "salesforce"
    ? { SALESFORCE_ACCESS_TOKEN: "00D-static-token" }
    : { HUBSPOT_ACCESS_TOKEN: "pat-test" }),
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});
