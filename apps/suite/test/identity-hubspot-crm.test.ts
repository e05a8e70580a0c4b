import { createMarketingServer } from "@revops/marketing-mcp";
import { createSalesServer } from "@revops/sales-mcp";
import { sandboxCrmContacts } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { addHubSpotObject, type RunningFake, startHubSpotFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerPorts } from "../src/customer/ports";
import {
  type CrmIds,
  csPortsOver,
  expectCompanyLinks,
  expectPersonLinks,
  helpDeskAndMessenger,
  sandboxWithAccounts,
  type VendorIds,
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
const runtimes = vendorRuntimes("identity-hubspot-crm");
const { portsWith, closeAll } = runtimes;

const crm: CrmIds = { account: new Map(), contact: new Map() };
let companyIdOf: Map<string, VendorIds>;
let personIdOf: Map<string, VendorIds>;
let leads: Set<string>;
let contactCount: number;
const digest = (id: string) => [...id].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_003, 7);

beforeAll(async () => {
  const loaded = await sandboxWithAccounts("identity-hubspot-crm");
  sandbox = loaded.sandbox;
  const { accounts } = loaded;
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
  // every other person without a CRM id, by a digest of the id (seed order groups the kinds)
  const seeded = await helpDeskAndMessenger(sandbox, crm, (p) => !p.crmRef && digest(p.externalId) % 2 === 0);
  zd = seeded.zendesk.fake as RunningFake<unknown>;
  ic = seeded.intercom.fake as RunningFake<unknown>;
  companyIdOf = seeded.companies;
  personIdOf = seeded.people;
  leads = seeded.intercom.leads;
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
    const cs = await csPortsOver(runtimes, { zendesk: zd, intercom: ic });
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
