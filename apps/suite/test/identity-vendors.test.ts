import { createMarketingServer } from "@revops/marketing-mcp";
import { createSalesServer } from "@revops/sales-mcp";
import { sandboxCrmContacts, sandboxPlantedLinks } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { type RunningFake, startHubSpotFake, startSalesforceFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerPorts } from "../src/customer/ports";
import {
  type CrmIds,
  csPortsOver,
  expectCompanyLinks,
  expectPersonLinks,
  helpDeskAndMessenger,
  plantedCompaniesOf,
  sandboxWithAccounts,
  type VendorIds,
} from "./identity-seeds";
import { vendorRuntimes } from "./vendor-runtimes";

/**
 * The identity graph over the vendors: the sandbox's accounts and its planted Zendesk organizations, Intercom
 * companies and HubSpot companies (clean, renamed, re-domained, misspelt, look-alikes) are seeded into the fakes,
 * read back through jsforce, node-zendesk, intercom-client and @hubspot/api-client, and linked; the planted truth,
 * mapped to the vendors' ids, scores the links.
 */
let sandbox: SqlDb;
let sf: RunningFake<unknown>;
let zd: RunningFake<unknown>;
let ic: RunningFake<unknown>;
let hs: RunningFake<unknown>;
const runtimes = vendorRuntimes("identity-vendors");
const { portsWith, closeAll } = runtimes;

const crm: CrmIds = { account: new Map(), contact: new Map() };
/** Per system: the sandbox's company ids → the vendor fake's. */
let vendorIdOf: Map<string, VendorIds>;
/** Per system: the sandbox's person ids → the vendor fake's. */
let personIdOf: Map<string, VendorIds>;

beforeAll(async () => {
  const loaded = await sandboxWithAccounts("identity-vendors");
  sandbox = loaded.sandbox;
  const { accounts } = loaded;
  const fakeSf = await startSalesforceFake({
    Account: accounts.map((a) => ({ Name: a.name, Website: `https://www.${a.domain}/` })),
    pageSize: 200,
  });
  sf = fakeSf as RunningFake<unknown>;
  // the fakes number records in seed order
  const sfIds = [...(fakeSf.state.objects.Account?.keys() ?? [])];
  for (const [i, a] of accounts.entries()) crm.account.set(a.id, sfIds[i] as string);
  for (const c of await sandboxCrmContacts(sandbox)) {
    const id = `003${String(fakeSf.state.nextId++).padStart(15, "0")}`;
    fakeSf.state.objects.Contact?.set(id, {
      Id: id,
      AccountId: crm.account.get(c.accountId) ?? null,
      Name: c.name,
      Email: c.email,
    });
    crm.contact.set(c.id, id);
  }
  const seeded = await helpDeskAndMessenger(sandbox, crm);
  zd = seeded.zendesk.fake as RunningFake<unknown>;
  ic = seeded.intercom.fake as RunningFake<unknown>;
  vendorIdOf = seeded.companies;
  personIdOf = seeded.people;
  const hubspot = await plantedCompaniesOf(sandbox, "hubspot");
  const fakeHs = await startHubSpotFake({
    companies: hubspot.map((c) => ({
      name: c.name,
      ...(c.domain ? { domain: c.domain } : {}),
      ...(c.crmRef ? { salesforceaccountid: crm.account.get(c.crmRef) as string } : {}),
    })),
  });
  hs = fakeHs as RunningFake<unknown>;
  const hsIds = [...fakeHs.state.objects.companies.keys()];
  vendorIdOf.set("hubspot", new Map(hubspot.map((c, i) => [c.externalId, hsIds[i] as string])));
}, 180_000);

afterAll(async () => {
  await closeAll();
  for (const fake of [sf, zd, ic, hs]) await fake?.close();
  await sandbox?.close();
});

describe("identity graph over Salesforce, Zendesk, Intercom and HubSpot (real SDKs against the fakes)", () => {
  it("links each system's companies to Salesforce accounts, and its people to contacts, as on the sandbox", async () => {
    const sales = await portsWith(
      (rt) => createSalesServer().ports(rt),
      { SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D-static-token" },
      sf.url,
    );
    const cs = await csPortsOver(runtimes, { zendesk: zd, intercom: ic });
    const marketing = await portsWith(
      (rt) => createMarketingServer().ports(rt),
      { MARKETING_SOURCE: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test" },
      hs.url,
    );
    const graph = await customerPorts(sales.rt, {
      sales: async () => sales.ports,
      cs: async () => cs.ports,
      marketing: async () => marketing.ports,
    });
    const { store, stats } = await graph.identity({ fresh: true });
    const planted = await sandboxPlantedLinks(sandbox);
    expect(stats?.companies.records).toBe(planted.filter((t) => vendorIdOf.has(t.system)).length);
    const all = await store.all();
    for (const [system, records] of vendorIdOf) {
      const links = all.filter((l) => l.system === system);
      await expectCompanyLinks(`Salesforce + ${system}`, sandbox, system, links, {
        records,
        accounts: crm.account,
      });
      // the evidence names the Salesforce id where the system stored it
      expect(links.find((l) => l.status === "auto" && l.method === "external_id")?.accountId, system).toMatch(
        /^001/,
      );
    }
    const people = await graph.identity().then((g) => g.people.all());
    for (const [system, ids] of personIdOf) {
      const links = people.filter((l) => l.system === system);
      const s = await expectPersonLinks(`Salesforce + ${system}`, sandbox, system, links, {
        people: ids,
        contacts: crm.contact,
      });
      expect(s.recall, system).toBeGreaterThanOrEqual(0.78);
      expect(s.recallWithReview, system).toBeGreaterThanOrEqual(0.98);
    }
    for (const fake of [sf, zd, ic, hs]) expect(fake.violations).toEqual([]);
  }, 180_000);
});
