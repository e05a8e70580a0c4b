import { createCustomerSuccessServer } from "@revops/cs-mcp";
import { createMarketingServer } from "@revops/marketing-mcp";
import type { SystemPerson } from "@revops/model";
import { createSalesServer } from "@revops/sales-mcp";
import {
  ensureSandboxLoaded,
  sandboxCrmContacts,
  sandboxPlantedLinks,
  sandboxPlantedPersonLinks,
  sandboxSystemCompanies,
  sandboxSystemPeople,
} from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  type RunningFake,
  startHubSpotFake,
  startIntercomFake,
  startSalesforceFake,
  startZendeskFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerPorts } from "../src/customer/ports";
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
const { portsWith, closeAll } = vendorRuntimes("identity-vendors");

let salesforceIdOf: Map<string, string>;
/** Per system: the sandbox's record id → the id the vendor fake gave it. */
const vendorIdOf = new Map<string, Map<string, string>>();
let hs: RunningFake<unknown>;
let contactIdOf: Map<string, string>;
/** People seeded per system: enough to score, few enough to page (more than one page of Zendesk's 100). */
const PEOPLE = 120;
/** Per system: the sandbox's person id → the vendor fake's. */
const personIdOf = new Map<string, Map<string, string>>();
async function peopleOf(system: string): Promise<SystemPerson[]> {
  return (await sandboxSystemPeople(sandbox)).filter((p) => p.system === system).slice(0, PEOPLE);
}
let ic: RunningFake<unknown>;

/** The sandbox's planted companies of one system, as the vendor will hold them. */
async function plantedOf(system: string) {
  return (await sandboxSystemCompanies(sandbox)).filter((c) => c.system === system);
}
/** Where the sandbox's record stores the CRM id, the vendor's stores the Salesforce one. */
const sfRef = (crmRef: string | null) => (crmRef ? (salesforceIdOf.get(crmRef) ?? null) : null);
const remember = (system: string, planted: { externalId: string }[], ids: string[]) =>
  vendorIdOf.set(system, new Map(planted.map((c, i) => [c.externalId, ids[i] as string])));

beforeAll(async () => {
  sandbox = await openSql({ dataDir: tempDataDir("identity-vendors-sandbox") });
  await ensureSandboxLoaded(sandbox);
  const accounts = await sandbox.query<{ id: string; name: string; domain: string }>(
    "SELECT id, name, domain FROM sb_accounts ORDER BY id",
  );
  const fakeSf = await startSalesforceFake({
    Account: accounts.map((a) => ({ Name: a.name, Website: `https://www.${a.domain}/` })),
    pageSize: 200,
  });
  sf = fakeSf as RunningFake<unknown>;
  // the fakes number records in seed order
  const sfIds = [...(fakeSf.state.objects.Account?.keys() ?? [])];
  salesforceIdOf = new Map(accounts.map((a, i) => [a.id, sfIds[i] as string]));
  contactIdOf = new Map();
  for (const c of await sandboxCrmContacts(sandbox)) {
    const id = `003${String(fakeSf.state.nextId++).padStart(15, "0")}`;
    fakeSf.state.objects.Contact?.set(id, {
      Id: id,
      AccountId: salesforceIdOf.get(c.accountId) ?? null,
      Name: c.name,
      Email: c.email,
    });
    contactIdOf.set(c.id, id);
  }
  const zendesk = await plantedOf("zendesk");
  const fakeZd = await startZendeskFake({
    organizations: zendesk.map((c) => ({
      name: c.name,
      domain_names: c.domain ? [c.domain] : [],
      external_id: sfRef(c.crmRef),
    })),
  });
  zd = fakeZd as RunningFake<unknown>;
  remember("zendesk", zendesk, [...fakeZd.state.organizations.keys()].map(String));
  // end users after the organizations they belong to: Zendesk numbers both from one counter
  const zdPeople = await peopleOf("zendesk");
  const zdUserIds: string[] = [];
  for (const p of zdPeople) {
    const id = fakeZd.state.nextId++;
    const org = p.companyExternalId ? vendorIdOf.get("zendesk")?.get(p.companyExternalId) : undefined;
    fakeZd.state.users.set(id, {
      id,
      name: p.name,
      email: p.email,
      role: "end-user",
      external_id: p.crmRef ? (contactIdOf.get(p.crmRef) ?? null) : null,
      organization_id: org ? Number(org) : null,
    });
    zdUserIds.push(String(id));
  }
  personIdOf.set("zendesk", new Map(zdPeople.map((p, i) => [p.externalId, zdUserIds[i] as string])));
  const intercom = await plantedOf("intercom");
  const icPeople = await peopleOf("intercom");
  const companyIndex = new Map(intercom.map((c, i) => [c.externalId, i]));
  const fakeIc = await startIntercomFake({
    contacts: icPeople.map((p) => ({
      name: p.name,
      email: p.email ?? "",
      ...(p.crmRef ? { externalId: contactIdOf.get(p.crmRef) as string } : {}),
      ...(p.companyExternalId && companyIndex.has(p.companyExternalId)
        ? { companyIndex: companyIndex.get(p.companyExternalId) as number }
        : {}),
    })),
    companies: intercom.map((c) => ({
      // Intercom's company_id is the workspace's own id: the Salesforce one where teams set it so
      companyId: sfRef(c.crmRef) ?? `web-${c.externalId}`,
      name: c.name,
      ...(c.domain ? { website: `https://${c.domain}` } : {}),
    })),
  });
  ic = fakeIc as RunningFake<unknown>;
  personIdOf.set(
    "intercom",
    new Map(icPeople.map((p, i) => [p.externalId, fakeIc.state.contacts[i]?.id as string])),
  );
  remember(
    "intercom",
    intercom,
    fakeIc.state.companies.map((c) => c.id),
  );
  const hubspot = await plantedOf("hubspot");
  const fakeHs = await startHubSpotFake({
    companies: hubspot.map((c) => ({
      name: c.name,
      ...(c.domain ? { domain: c.domain } : {}),
      ...(c.crmRef ? { salesforceaccountid: sfRef(c.crmRef) as string } : {}),
    })),
  });
  hs = fakeHs as RunningFake<unknown>;
  remember("hubspot", hubspot, [...fakeHs.state.objects.companies.keys()]);
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
    for (const [system, idOf] of vendorIdOf) {
      const links = all.filter((l) => l.system === system);
      const expected = new Map(
        planted
          .filter((t) => t.system === system)
          .map((t) => [
            idOf.get(t.externalId),
            { accountId: t.accountId ? salesforceIdOf.get(t.accountId) : null, kind: t.kind },
          ]),
      );
      expect(links.length).toBe(expected.size);
      const used = links.filter((l) => l.status === "auto");
      const correct = used.filter((l) => expected.get(l.externalId)?.accountId === l.accountId);
      const real = [...expected.values()].filter((t) => t.accountId);
      const candidates = links.filter(
        (l) => l.accountId !== null && expected.get(l.externalId)?.accountId === l.accountId,
      );
      const precision = correct.length / used.length;
      const recall = correct.length / real.length;
      console.log(
        `identity graph over the Salesforce + ${system} fakes: ${links.length} companies, ${used.length} linked automatically (precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}), ${links.filter((l) => l.status === "review").length} for review; with review candidates recall ${(candidates.length / real.length).toFixed(3)}`,
      );
      expect(precision, system).toBe(1);
      expect(recall, system).toBeGreaterThanOrEqual(0.85);
      expect(candidates.length / real.length, system).toBe(1);
      for (const l of links) {
        const t = expected.get(l.externalId);
        if (t?.kind === "typo") expect(l.status, l.externalName).toBe("review");
        if (t?.kind === "decoy") expect(l.status, l.externalName).not.toBe("auto");
      }
      // the evidence names the Salesforce id where the system stored it
      expect(used.find((l) => l.method === "external_id")?.accountId, system).toMatch(/^001/);
    }
    const people = await graph.identity().then((g) => g.people.all());
    const plantedPeople = await sandboxPlantedPersonLinks(sandbox);
    for (const [system, idOf] of personIdOf) {
      const links = people.filter((l) => l.system === system);
      const expected = new Map(
        plantedPeople
          .filter((t) => t.system === system && idOf.has(t.externalId))
          .map((t) => [
            idOf.get(t.externalId),
            { contactId: t.contactId ? contactIdOf.get(t.contactId) : null, kind: t.kind },
          ]),
      );
      expect(links.length).toBe(expected.size);
      const used = links.filter((l) => l.status === "auto");
      const right = (l: (typeof links)[number]) => expected.get(l.externalId)?.contactId === l.contactId;
      const real = [...expected.values()].filter((t) => t.contactId);
      const precision = used.filter(right).length / used.length;
      const recall = used.filter(right).length / real.length;
      const recallAll = links.filter((l) => l.contactId !== null && right(l)).length / real.length;
      console.log(
        `person links over the Salesforce + ${system} fakes: ${links.length} people, ${used.length} linked automatically (precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}), ${links.filter((l) => l.status === "review").length} for review; with review candidates recall ${recallAll.toFixed(3)}`,
      );
      expect(precision, system).toBe(1);
      expect(recall, system).toBeGreaterThanOrEqual(0.78);
      expect(recallAll, system).toBeGreaterThanOrEqual(0.98);
      for (const l of links) {
        const t = expected.get(l.externalId);
        if (t?.kind === "typo" || t?.kind === "decoy") expect(l.status, l.externalName).not.toBe("auto");
      }
    }
    for (const fake of [sf, zd, ic, hs]) expect(fake.violations).toEqual([]);
  }, 180_000);
});
