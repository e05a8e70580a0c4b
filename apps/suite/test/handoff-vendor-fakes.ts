import {
  addHubSpotObject,
  addSObject,
  type HubSpotState,
  type RunningFake,
  type SalesforceState,
  startHubSpotFake,
  startSalesforceFake,
} from "@revops/testing";

/** A deal the tests add: closed-won new business, or an open renewal with a next step. */
export interface DealSeed {
  name: string;
  accountId: string;
  ownerId: string;
  kind: "won" | "renewal";
  closeDate: string;
  nextStep?: string;
}

/** One vendor CRM fake as the hand-off tests seed and read it, each in the vendor's own records. */
export interface VendorCrm {
  system: string;
  env: Record<string, string>;
  /** Where the churn flag is written, as the preview names it. */
  flagField: string;
  addUser(name: string, email: string): string;
  userNamed(name: string): string | undefined;
  addAccount(name: string, ownerId: string, employees: number): string;
  addDeal(d: DealSeed): string;
  tasks(): { id: string; ownerId: unknown; dealId: unknown; subject: unknown; due: unknown }[];
  nextStep(dealId: string): unknown;
  /** Deal updates the fake applied: the next step each set. */
  updates(): { id: string; nextStep: unknown }[];
  /** The next `times` writes land, then answer 503. */
  failAfterWrite(times: number): void;
  close(): Promise<void>;
}

const testVendor = (url: string) => ({
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});

export async function salesforceCrm(): Promise<VendorCrm> {
  const fake: RunningFake<SalesforceState> = await startSalesforceFake({
    User: [],
    customFields: { Task: ["RevOps_Idempotency_Key__c"] },
  });
  const rows = (type: string) => [...(fake.state.objects[type]?.values() ?? [])];
  return {
    system: "salesforce",
    env: { SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D-static-token", ...testVendor(fake.url) },
    flagField: "Opportunity.NextStep",
    addUser: (Name, Email) => addSObject(fake.state, "User", { Name, Email }),
    userNamed: (name) => rows("User").find((u) => u.Name === name)?.Id,
    addAccount: (Name, OwnerId, NumberOfEmployees) =>
      addSObject(fake.state, "Account", { Name, OwnerId, NumberOfEmployees }),
    addDeal: (d) =>
      addSObject(fake.state, "Opportunity", {
        Name: d.name,
        AccountId: d.accountId,
        OwnerId: d.ownerId,
        StageName: d.kind === "won" ? "Closed Won" : "Negotiation/Review",
        Type: d.kind === "won" ? "New Customer" : "Existing Customer - Renewal",
        Amount: 30_000,
        CloseDate: d.closeDate,
        NextStep: d.nextStep ?? null,
      }),
    tasks: () =>
      rows("Task").map((t) => ({
        id: t.Id,
        ownerId: t.OwnerId,
        dealId: t.WhatId,
        subject: t.Subject,
        due: t.ActivityDate,
      })),
    nextStep: (id) => fake.state.objects.Opportunity?.get(id)?.NextStep,
    updates: () =>
      fake.state.appliedUpdates
        .filter((u) => u.type === "Opportunity")
        .map((u) => ({ id: u.id, nextStep: u.fields.NextStep })),
    failAfterWrite: (times) => {
      fake.state.failAfterWrite = { status: 503, times };
    },
    close: () => fake.close(),
  };
}

export async function hubspotCrm(): Promise<VendorCrm> {
  const fake: RunningFake<HubSpotState> = await startHubSpotFake({});
  const s = fake.state;
  return {
    system: "hubspot",
    env: { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test", ...testVendor(fake.url) },
    flagField: "hs_next_step",
    addUser: (name, email) => {
      const id = String(71 + s.owners.length);
      const [firstName = "", ...rest] = name.split(" ");
      s.owners.push({ id, email, firstName, lastName: rest.join(" "), userId: s.owners.length + 1 });
      return id;
    },
    userNamed: (name) => s.owners.find((o) => `${o.firstName} ${o.lastName}` === name)?.id,
    addAccount: (name, owner, employees) =>
      addHubSpotObject(s, "companies", {
        name,
        hubspot_owner_id: owner,
        numberofemployees: String(employees),
      }),
    addDeal: (d) =>
      addHubSpotObject(
        s,
        "deals",
        {
          dealname: d.name,
          pipeline: "default",
          dealstage: d.kind === "won" ? "closedwon" : "contractsent",
          // a portal's own dealtype option for renewals (HubSpot ships newbusiness and existingbusiness)
          dealtype: d.kind === "won" ? "newbusiness" : "renewal",
          amount: "30000",
          closedate: `${d.closeDate}T00:00:00Z`,
          hubspot_owner_id: d.ownerId,
          ...(d.nextStep && { hs_next_step: d.nextStep }),
        },
        [["companies", d.accountId]],
      ),
    tasks: () =>
      [...s.objects.tasks.values()].map((t) => ({
        id: t.id,
        ownerId: t.properties.hubspot_owner_id,
        dealId: s.associations.get(`tasks:${t.id}`)?.deals?.[0],
        subject: t.properties.hs_task_subject,
        due: t.properties.hs_timestamp?.slice(0, 10),
      })),
    nextStep: (id) => s.objects.deals.get(id)?.properties.hs_next_step,
    updates: () => s.appliedUpdates.map((u) => ({ id: u.id, nextStep: u.properties.hs_next_step })),
    failAfterWrite: (times) => {
      s.failAfterWrite = { status: 503, times };
    },
    close: () => fake.close(),
  };
}
