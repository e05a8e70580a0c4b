import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { vi } from "vitest";
import type { CrmPort, SalesPorts } from "../src/ports";
import { createSalesServer } from "../src/server";

/** A system of record the lead contract runs against, with the records it needs. */
export interface LeadProvider {
  crm: CrmPort;
  system: string;
  /** Unconverted leads, one per case. */
  leads: { update: string; fresh: string; reuse: string; ambiguous: string };
  /** A status the CRM accepts for an open lead, and another. */
  status: string;
  otherStatus: string;
  ownerId: string;
  accountId: string;
  accountName: string;
  /** Accounts named "<prefix> Corp", deals named "<prefix> deal", contacts the conversion made or reused. */
  count(prefix: string): Promise<{ accounts: number; deals: number; contacts: number }>;
  /** The next vendor write is applied, then answers 5xx (the vendor wrote, the caller cannot tell). */
  failAfterWrite(): void;
  close(): Promise<void>;
}

/** The ports of the vendor the environment names (ports are built lazily, so the stub is read now). */
export async function vendorPort(
  env: Record<string, string>,
  url: string,
): Promise<{ crm: CrmPort; rt: KitRuntime; ports: SalesPorts }> {
  const all = { ...env, REVOPS_TEST_VENDOR_BASE_URL: url, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" };
  for (const [k, v] of Object.entries(all)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("lead-convert-vendor") }),
    createLogger("silent", "test"),
  );
  try {
    const ports = await createSalesServer().ports(rt);
    return { rt, crm: ports.crm, ports };
  } finally {
    vi.unstubAllEnvs();
  }
}

const LEADS = ["Update", "Fresh", "Reuse", "Ambiguous"];

export async function salesforceLeadProvider(): Promise<LeadProvider> {
  const fake = await startSalesforceFake({
    User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
    Account: [{ Name: "Northwind Traders", Website: "northwind.test", OwnerId: "005000000000000001" }],
    Lead: LEADS.map((l) => ({
      FirstName: "Ana",
      LastName: l,
      Email: `ana@${l.toLowerCase()}.test`,
      Company: `${l} Corp`,
      Status: "Open - Not Contacted",
      IsConverted: false,
    })),
    customFields: { Opportunity: ["RevOps_Idempotency_Key__c"] },
  });
  const ids = [...(fake.state.objects.Lead?.keys() ?? [])];
  const { crm, rt } = await vendorPort(
    { SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D-static-token" },
    fake.url,
  );
  const named = (type: string, field: string, value: string) =>
    [...(fake.state.objects[type]?.values() ?? [])].filter((r) => r[field] === value).length;
  return {
    crm,
    system: "salesforce",
    leads: { update: ids[0], fresh: ids[1], reuse: ids[2], ambiguous: ids[3] } as LeadProvider["leads"],
    status: "working - contacted",
    otherStatus: "closed - not converted",
    ownerId: "005000000000000001",
    accountId: "001000000000000002",
    accountName: "Northwind Traders",
    count: async (prefix) => ({
      accounts: named("Account", "Name", `${prefix} Corp`),
      deals: named("Opportunity", "Name", `${prefix} deal`),
      contacts: named("Contact", "Email", `ana@${prefix.toLowerCase()}.test`),
    }),
    failAfterWrite: () => {
      fake.state.failAfterWrite = { status: 503, times: 1 };
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
}

export async function hubspotLeadProvider(): Promise<LeadProvider> {
  const fake = await startHubSpotFake({
    owners: [{ id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 }],
    companies: [{ name: "Northwind Traders", domain: "northwind.test", hubspot_owner_id: "71" }],
    contacts: LEADS.map((l) => ({
      firstname: "Ana",
      lastname: l,
      email: `ana@${l.toLowerCase()}.test`,
      company: `${l} Corp`,
      lifecyclestage: "lead",
      hs_lead_status: "NEW",
    })),
    uniqueProperties: { deals: ["revops_idempotency_key"] },
  });
  const ids = [...fake.state.objects.contacts.keys()];
  const { crm, rt } = await vendorPort({ SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test" }, fake.url);
  const named = (type: "companies" | "deals" | "contacts", prop: string, value: string) =>
    [...fake.state.objects[type].values()].filter((r) => r.properties[prop] === value).length;
  return {
    crm,
    system: "hubspot",
    leads: { update: ids[0], fresh: ids[1], reuse: ids[2], ambiguous: ids[3] } as LeadProvider["leads"],
    status: "in_progress",
    otherStatus: "connected",
    ownerId: "71",
    accountId: [...fake.state.objects.companies.keys()][0] as string,
    accountName: "Northwind Traders",
    count: async (prefix) => ({
      accounts: named("companies", "name", `${prefix} Corp`),
      deals: named("deals", "dealname", `${prefix} deal`),
      contacts: named("contacts", "email", `ana@${prefix.toLowerCase()}.test`),
    }),
    failAfterWrite: () => {
      fake.state.failAfterWrite = { status: 503, times: 1 };
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
}
