import { createCustomerSuccessServer } from "@revops/cs-mcp";
import { createMarketingServer } from "@revops/marketing-mcp";
import { createSalesServer } from "@revops/sales-mcp";
import { ensureSandboxLoaded, sandboxCrmContacts } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { addHubSpotObject, type RunningFake, startHubSpotFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerPorts } from "../src/customer/ports";
import {
  type CrmIds,
  expectCompanyLinks,
  expectPersonLinks,
  intercomWithPlanted,
  type VendorIds,
  zendeskWithPlanted,
} from "./identity-seeds";
import { vendorRuntimes } from "./vendor-runtimes";

/**
 * The identity graph with HubSpot as the CRM: the sandbox's accounts become HubSpot companies and its contacts
 * HubSpot contacts with their primary company; the planted Zendesk and Intercom companies and people go into their
 * fakes with HubSpot's ids where the sandbox stores its own. Half the Intercom people who carry no CRM id are leads
 * (messenger visitors who gave an email: no external id, no company). Read back through @hubspot/api-client,
 * node-zendesk and intercom-client, linked, and scored against the planted truth.
 */
let sandbox: SqlDb;
let hs: RunningFake<unknown>;
let zd: RunningFake<unknown>;
let ic: RunningFake<unknown>;
const { portsWith, closeAll } = vendorRuntimes("identity-hubspot-crm");

const crm: CrmIds = { account: new Map(), contact: new Map() };
const companyIdOf = new Map<string, VendorIds>();
const personIdOf = new Map<string, VendorIds>();
let leads: Set<string>;
let contactCount: number;
const digest = (id: string) => [...id].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_003, 7);

beforeAll(async () => {
  sandbox = await openSql({ dataDir: tempDataDir("identity-hubspot-crm-sandbox") });
  await ensureSandboxLoaded(sandbox);
  const accounts = await sandbox.query<{ id: string; name: string; domain: string }>(
    "SELECT id, name, domain FROM sb_accounts ORDER BY id",
  );
  const fakeHs = await startHubSpotFake({
    companies: accounts.map((a) => ({ name: a.name, domain: a.domain })),
  });
  hs = fakeHs as RunningFake<unknown>;
  // the fake numbers records in seed order
  const hsIds = [...fakeHs.state.objects.companies.keys()];
  for (const [i, a] of accounts.entries()) crm.account.set(a.id, hsIds[i] as string);
  const contacts = await sandboxCrmContacts(sandbox);
  contactCount = contacts.length;
  for (const c of contacts) {
    const company = crm.account.get(c.accountId) as string;
    const [first, ...rest] = c.name.split(" ");
    const id = addHubSpotObject(
      fakeHs.state,
      "contacts",
      {
        firstname: first ?? "",
        lastname: rest.join(" "),
        ...(c.email ? { email: c.email } : {}),
        associatedcompanyid: company,
      },
      [["companies", company]],
    );
    crm.contact.set(c.id, id);
  }
  const zendesk = await zendeskWithPlanted(sandbox, crm);
  zd = zendesk.fake as RunningFake<unknown>;
  companyIdOf.set("zendesk", zendesk.companies);
  personIdOf.set("zendesk", zendesk.people);
  // every other person without a CRM id, by a digest of the id (seed order groups the kinds)
  const intercom = await intercomWithPlanted(
    sandbox,
    crm,
    (p) => !p.crmRef && digest(p.externalId) % 2 === 0,
  );
  ic = intercom.fake as RunningFake<unknown>;
  companyIdOf.set("intercom", intercom.companies);
  personIdOf.set("intercom", intercom.people);
  leads = intercom.leads;
}, 180_000);

afterAll(async () => {
  await closeAll();
  for (const fake of [hs, zd, ic]) await fake?.close();
  await sandbox?.close();
});

describe("identity graph with HubSpot as the CRM (real SDKs against the fakes)", () => {
  it("links help-desk and messenger people, Intercom leads among them, to HubSpot contacts", async () => {
    const sales = await portsWith(
      (rt) => createSalesServer().ports(rt),
      { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test" },
      hs.url,
    );
    const cs = await portsWith(
      (rt) => createCustomerSuccessServer().ports(rt),
      {
        CS_SUPPORT: "zendesk",
        ZENDESK_EMAIL: "agent@acme.test",
        ZENDESK_API_TOKEN: "zd-test",
        CS_CONVERSATIONS: "intercom",
        INTERCOM_ACCESS_TOKEN: "ic-test",
      },
      `zendesk=${zd.url},intercom=${ic.url}`,
    );
    const graph = await customerPorts(sales.rt, {
      sales: async () => sales.ports,
      cs: async () => cs.ports,
      marketing: (rt) => createMarketingServer().ports(rt),
    });
    const { store, people, stats } = await graph.identity({ fresh: true });
    expect(stats?.people.records).toBe([...personIdOf.values()].reduce((n, m) => n + m.size, 0));
    const companies = await store.all();
    for (const [system, records] of companyIdOf)
      await expectCompanyLinks(
        `HubSpot + ${system}`,
        sandbox,
        system,
        companies.filter((l) => l.system === system),
        { records, accounts: crm.account },
      );
    const links = await people.all();
    const zendesk = personIdOf.get("zendesk") as VendorIds;
    const intercom = personIdOf.get("intercom") as VendorIds;
    const groups = [
      { label: "zendesk", system: "zendesk", people: zendesk },
      { label: "Intercom users", system: "intercom", people: intercom, only: (id: string) => !leads.has(id) },
    ];
    for (const { label, system, ...ids } of groups) {
      const mine = links.filter((l) => l.system === system);
      const s = await expectPersonLinks(`HubSpot + ${label}`, sandbox, system, mine, {
        ...ids,
        contacts: crm.contact,
      });
      expect(s.recall, label).toBeGreaterThanOrEqual(0.78);
      expect(s.recallWithReview, label).toBeGreaterThanOrEqual(0.98);
      // the evidence names the HubSpot contact where the person stored it
      expect(mine.find((l) => l.method === "external_id")?.contactId, label).toMatch(/^\d+$/);
    }
    expect(leads.size).toBeGreaterThan(0);
    const asLeads = await expectPersonLinks(
      "HubSpot + Intercom leads",
      sandbox,
      "intercom",
      links.filter((l) => l.system === "intercom"),
      { people: intercom, contacts: crm.contact, only: (id) => leads.has(id) },
    );
    // a lead has no company to place a bare name in: its email links it, its name only proposes
    const leadLinks = links.filter((l) => [...leads].some((id) => intercom.get(id) === l.externalId));
    for (const l of leadLinks.filter((l) => l.status === "auto"))
      expect(l.method, l.externalName).toBe("email");
    expect(leadLinks.filter((l) => l.method === "name").every((l) => l.status === "review")).toBe(true);
    expect(asLeads.recallWithReview).toBeGreaterThanOrEqual(0.8);
    // every contact page read, 100 at a time (the objects list's most)
    const pages = hs.requests.filter((r) => r.path === "/crm/v3/objects/contacts");
    expect(pages.length).toBe(Math.ceil(contactCount / 100));
    for (const fake of [hs, zd, ic]) expect(fake.violations).toEqual([]);
  }, 180_000);
});
