import { createCustomerSuccessServer } from "@revops/cs-mcp";
import {
  ensureSandboxLoaded,
  sandboxPlantedLinks,
  sandboxPlantedPersonLinks,
  sandboxSystemCompanies,
  sandboxSystemPeople,
} from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { startIntercomFake, startZendeskFake, tempDataDir } from "@revops/testing";
import { expect } from "vitest";
import type { StoredLink } from "../src/identity/store";
import type { vendorRuntimes } from "./vendor-runtimes";

/**
 * The identity tests' shared seeding and scoring: the sandbox's planted companies and people go into the vendor
 * fakes with the vendor CRM's ids where the sandbox stores its own, and the planted truth, mapped to the vendors'
 * ids, scores the links the graph made.
 */

/** The sandbox's ids as the vendor CRM gave them: accounts and contacts. */
export interface CrmIds {
  account: Map<string, string>;
  contact: Map<string, string>;
}
/** Per system: the sandbox's record id → the id the vendor fake gave it. */
export type VendorIds = Map<string, string>;

/** People seeded per system: enough to score, few enough to page (more than one page of Zendesk's 100). */
export const PEOPLE = 120;

/** The loaded sandbox and its accounts, the CRM side a test seeds into its vendor CRM fake. */
export async function sandboxWithAccounts(name: string) {
  const sandbox = await openSql({ dataDir: tempDataDir(`${name}-sandbox`) });
  await ensureSandboxLoaded(sandbox);
  const accounts = await sandbox.query<{ id: string; name: string; domain: string }>(
    "SELECT id, name, domain FROM sb_accounts ORDER BY id",
  );
  return { sandbox, accounts };
}

/** The planted help-desk (Zendesk) and messenger (Intercom) records in their fakes, ids per system. */
export async function helpDeskAndMessenger(
  sandbox: SqlDb,
  crm: CrmIds,
  asLead?: Parameters<typeof intercomWithPlanted>[2],
) {
  const zendesk = await zendeskWithPlanted(sandbox, crm);
  const intercom = await intercomWithPlanted(sandbox, crm, asLead);
  return {
    zendesk,
    intercom,
    companies: new Map([
      ["zendesk", zendesk.companies],
      ["intercom", intercom.companies],
    ]),
    people: new Map([
      ["zendesk", zendesk.people],
      ["intercom", intercom.people],
    ]),
  };
}

/** Customer success's ports over the Zendesk and Intercom fakes. */
export function csPortsOver(
  runtimes: ReturnType<typeof vendorRuntimes>,
  fakes: { zendesk: { url: string }; intercom: { url: string } },
) {
  return runtimes.portsWith(
    (rt) => createCustomerSuccessServer().ports(rt),
    {
      CS_SUPPORT: "zendesk",
      ZENDESK_EMAIL: "agent@acme.test",
      ZENDESK_API_TOKEN: "zd-test",
      CS_CONVERSATIONS: "intercom",
      INTERCOM_ACCESS_TOKEN: "ic-test",
    },
    `zendesk=${fakes.zendesk.url},intercom=${fakes.intercom.url}`,
  );
}

/** The sandbox's planted companies of one system, as the vendor will hold them. */
export async function plantedCompaniesOf(sandbox: SqlDb, system: string) {
  return (await sandboxSystemCompanies(sandbox)).filter((c) => c.system === system);
}

/** The first PEOPLE of the sandbox's planted people of one system. */
export async function plantedPeopleOf(sandbox: SqlDb, system: string) {
  return (await sandboxSystemPeople(sandbox)).filter((p) => p.system === system).slice(0, PEOPLE);
}

const ref = (ids: Map<string, string>, id: string | null) => (id ? (ids.get(id) ?? null) : null);

/** The Zendesk fake with the planted organizations and end users (`external_id`: the vendor CRM's ids). */
export async function zendeskWithPlanted(sandbox: SqlDb, crm: CrmIds) {
  const planted = await plantedCompaniesOf(sandbox, "zendesk");
  const fake = await startZendeskFake({
    organizations: planted.map((c) => ({
      name: c.name,
      domain_names: c.domain ? [c.domain] : [],
      external_id: ref(crm.account, c.crmRef),
    })),
  });
  const orgIds = [...fake.state.organizations.keys()].map(String);
  const companies: VendorIds = new Map(planted.map((c, i) => [c.externalId, orgIds[i] as string]));
  // end users after the organizations they belong to: Zendesk numbers both from one counter
  const people: VendorIds = new Map();
  for (const p of await plantedPeopleOf(sandbox, "zendesk")) {
    const id = fake.state.nextId++;
    const org = p.companyExternalId ? companies.get(p.companyExternalId) : undefined;
    fake.state.users.set(id, {
      id,
      name: p.name,
      email: p.email,
      role: "end-user",
      external_id: ref(crm.contact, p.crmRef),
      organization_id: org ? Number(org) : null,
    });
    people.set(p.externalId, String(id));
  }
  return { fake, companies, people };
}

/**
 * The Intercom fake with the planted companies (`company_id`: the vendor CRM's id where planted) and people; those
 * `asLead` picks become leads, messenger visitors who gave an email: no external id, no company.
 */
export async function intercomWithPlanted(
  sandbox: SqlDb,
  crm: CrmIds,
  asLead: (p: { externalId: string; crmRef: string | null }) => boolean = () => false,
) {
  const planted = await plantedCompaniesOf(sandbox, "intercom");
  const seeded = await plantedPeopleOf(sandbox, "intercom");
  const companyIndex = new Map(planted.map((c, i) => [c.externalId, i]));
  const leads = new Set(seeded.filter(asLead).map((p) => p.externalId));
  const fake = await startIntercomFake({
    contacts: seeded.map((p) => {
      const user = !leads.has(p.externalId);
      const contactId = ref(crm.contact, p.crmRef);
      const company = p.companyExternalId ? companyIndex.get(p.companyExternalId) : undefined;
      return {
        name: p.name,
        email: p.email ?? "",
        role: user ? ("user" as const) : ("lead" as const),
        ...(user && contactId ? { externalId: contactId } : {}),
        ...(user && company !== undefined ? { companyIndex: company } : {}),
      };
    }),
    companies: planted.map((c) => ({
      // Intercom's company_id is the workspace's own id: the CRM's where teams set it so
      companyId: ref(crm.account, c.crmRef) ?? `web-${c.externalId}`,
      name: c.name,
      ...(c.domain ? { website: `https://${c.domain}` } : {}),
    })),
  });
  const companies: VendorIds = new Map(
    planted.map((c, i) => [c.externalId, fake.state.companies[i]?.id as string]),
  );
  const people: VendorIds = new Map(
    seeded.map((p, i) => [p.externalId, fake.state.contacts[i]?.id as string]),
  );
  return { fake, companies, people, leads };
}

/** Precision, recall and review counts of links against their truth (the right target per external id). */
function score<L extends StoredLink>(
  links: L[],
  truth: Map<string, string | null>,
  target: (l: L) => string | null,
) {
  const used = links.filter((l) => l.status === "auto");
  const right = (l: L) => target(l) !== null && truth.get(l.externalId) === target(l);
  const real = [...truth.values()].filter(Boolean).length;
  return {
    used: used.length,
    review: links.filter((l) => l.status === "review").length,
    precision: used.filter(right).length / used.length,
    recall: used.filter(right).length / real,
    recallWithReview: links.filter(right).length / real,
  };
}

const figures = (s: ReturnType<typeof score>) =>
  `${s.used} linked automatically (precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}), ${s.review} for review; with review candidates recall ${s.recallWithReview.toFixed(3)}`;

/**
 * One system's company links scored against the planted truth as ADR 0016 states them: every automatic link right,
 * recall at least .85, every real company at least a candidate, no typo or look-alike used silently.
 */
export async function expectCompanyLinks(
  label: string,
  sandbox: SqlDb,
  system: string,
  links: StoredLink[],
  ids: { records: VendorIds; accounts: Map<string, string> },
) {
  const planted = (await sandboxPlantedLinks(sandbox)).filter((t) => t.system === system);
  const kind = new Map(planted.map((t) => [ids.records.get(t.externalId), t.kind]));
  const truth = new Map(
    planted.map((t) => [ids.records.get(t.externalId) as string, ref(ids.accounts, t.accountId)]),
  );
  expect(links.length, system).toBe(truth.size);
  const s = score(links, truth, (l) => l.accountId);
  console.log(`identity graph over the ${label} fakes: ${links.length} companies, ${figures(s)}`);
  expect(s.precision, system).toBe(1);
  expect(s.recall, system).toBeGreaterThanOrEqual(0.85);
  expect(s.recallWithReview, system).toBe(1);
  for (const l of links) {
    if (kind.get(l.externalId) === "typo") expect(l.status, l.externalName).toBe("review");
    if (kind.get(l.externalId) === "decoy") expect(l.status, l.externalName).not.toBe("auto");
  }
  return s;
}

/**
 * One system's person links (those of `only`, when given) scored against the planted truth as ADR 0016 states them:
 * every automatic link right, no misspelt name or decoy used silently; the recall floors are the caller's.
 */
export async function expectPersonLinks(
  label: string,
  sandbox: SqlDb,
  system: string,
  links: StoredLink[],
  ids: { people: VendorIds; contacts: Map<string, string>; only?: (sandboxId: string) => boolean },
) {
  const planted = (await sandboxPlantedPersonLinks(sandbox)).filter(
    (t) => t.system === system && ids.people.has(t.externalId) && (ids.only?.(t.externalId) ?? true),
  );
  const kind = new Map(planted.map((t) => [ids.people.get(t.externalId), t.kind]));
  const truth = new Map(
    planted.map((t) => [ids.people.get(t.externalId) as string, ref(ids.contacts, t.contactId)]),
  );
  const mine = links.filter((l) => truth.has(l.externalId));
  expect(mine.length, label).toBe(truth.size);
  const s = score(mine, truth, (l) => l.contactId);
  console.log(`person links over the ${label} fakes: ${mine.length} people, ${figures(s)}`);
  expect(s.precision, label).toBe(1);
  for (const l of mine) {
    const k = kind.get(l.externalId);
    if (k === "typo" || k === "decoy") expect(l.status, l.externalName).not.toBe("auto");
  }
  return s;
}
