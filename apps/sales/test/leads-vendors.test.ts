import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { LeadFacts } from "@revops/model";
import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  connectInProcess,
  type HubSpotState,
  type RunningFake,
  type SalesforceState,
  startHubSpotFake,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";
import { hubspotLeadContacts, type SeedLead, salesforceLeads, splitName } from "./lead-seed";

/**
 * The sandbox's own leads and contacts, seeded into each vendor fake the way that vendor stores them, through the
 * vendor's SDK: contact search and the lead tools. leadFacts itself: lead-facts-port.test.ts.
 */
const N = 60;
let dir: string;
let db: SqlDb;
let sandbox: SandboxCrm;
let leads: LeadFacts[];
let contacts: { name: string; title: string; email: string; account: string; domain: string }[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leads-vendors-"));
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db);
  sandbox = new SandboxCrm(db);
  leads = (await sandbox.leadFacts()).slice(0, N);
  contacts = await db.query(
    `SELECT c.name, c.title, c.email, a.name AS account, a.domain FROM sb_contacts c
     JOIN sb_accounts a ON a.id = c.account_id WHERE a.id IN ('acc_0001', 'acc_0002') ORDER BY c.id`,
  );
}, 60_000);
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Server = Awaited<ReturnType<typeof connectInProcess>>;
async function serve(env: Record<string, string>): Promise<{ s: Server; crm: CrmPort; rt: KitRuntime }> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const s = await connectInProcess([createSalesServer()], { env: { REVOPS_TOOLSETS: "leads" } });
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("leads-vendor") }),
    createLogger("silent", "test"),
  );
  return { s, rt, crm: (await createSalesServer().ports(rt)).crm };
}
const vendorEnv = (url: string) => ({
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});
/** A lead as the fakes are seeded with it. */
const seedOf = (l: LeadFacts): SeedLead => ({ ...l, score: l.crmScore ?? 0 });
async function contactContract(crm: CrmPort, s: Server) {
  const c = contacts[3] as (typeof contacts)[number];
  const { first, last } = splitName(c.name);
  const typo = `${first} ${last.slice(0, 2)}${last.slice(3)}`;
  const viaPort = await crm.contactCandidates({ name: typo });
  expect(viaPort.rows.map((r) => r.email)).toContain(c.email);
  const r = await s.call("contacts_search", { name: typo, account: c.account });
  expect(r.isError, r.text).toBe(false);
  expect(r.data.contacts[0]).toMatchObject({
    name: c.name,
    title: c.title,
    email: c.email,
    account: c.account,
  });
  const byEmail = await s.call("contacts_search", { email: c.email });
  expect(byEmail.data.contacts.map((x: { email: string }) => x.email)).toEqual([c.email]);
  // the sandbox answers the same query with the same person first
  const sb = await sandbox.contactCandidates({ name: typo, account: c.account });
  expect(sb.rows.map((x) => x.email)).toContain(c.email);
}

describe("Salesforce: lead facts (Lead via SOQL) and contact search through jsforce", () => {
  let fake: RunningFake<SalesforceState>;
  let sf: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const accounts = [...new Map(contacts.map((c) => [c.account, c])).values()];
    fake = await startSalesforceFake({
      User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
      Account: accounts.map((a) => ({ Name: a.account, Website: a.domain })),
      Lead: salesforceLeads(leads.map(seedOf)),
    });
    const accountId = new Map([...(fake.state.objects.Account?.values() ?? [])].map((a) => [a.Name, a.Id]));
    let n = 0;
    for (const c of contacts) {
      const id = `003${String(900 + n++).padStart(15, "0")}`;
      fake.state.objects.Contact?.set(id, {
        Id: id,
        Name: c.name,
        Title: c.title,
        Email: c.email,
        AccountId: accountId.get(c.account),
      });
    }
    sf = await serve({
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: "00D-static-token",
      ...vendorEnv(fake.url),
    });
  });
  afterAll(async () => {
    await sf?.s.close();
    await sf?.rt.close(1000);
    await fake?.close();
    vi.unstubAllEnvs();
  });

  it("contactCandidates and contacts_search find a contact by a misspelt name and by email", async () => {
    await contactContract(sf.crm, sf.s);
  });

  it("leads_list filters the vendor's leads by status", async () => {
    const r = await sf.s.call("leads_list", { status: "converted", limit: 100 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.total).toBe(leads.filter((l) => l.converted).length);
  });

  it("lead_score answers (trained or saying why not) with the vendor's caveat", async () => {
    const r = await sf.s.call("lead_score", { limit: 3 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toBe("salesforce");
    expect(r.data.meta.method).toContain("lead-lr-v1");
  });
});

describe("HubSpot: lead facts (contacts by lifecycle stage) and contact search through @hubspot/api-client", () => {
  let fake: RunningFake<HubSpotState>;
  let hs: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const accounts = [...new Map(contacts.map((c) => [c.account, c])).values()];
    fake = await startHubSpotFake({
      companies: accounts.map((a) => ({ name: a.account, domain: a.domain })),
      contacts: [
        ...hubspotLeadContacts(leads.map(seedOf)),
        // known contacts: no lifecycle stage, so not leads
        ...contacts.map((c, i) => ({
          ...(({ first, last }) => ({ firstname: first, lastname: last }))(splitName(c.name)),
          email: c.email,
          jobtitle: c.title,
          associatedcompanyid: String(1001 + accounts.findIndex((a) => a.account === c.account)),
          createdate: `2024-01-${String((i % 27) + 1).padStart(2, "0")}T00:00:00.000Z`,
        })),
      ],
    });
    hs = await serve({ SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test", ...vendorEnv(fake.url) });
  });
  afterAll(async () => {
    await hs?.s.close();
    await hs?.rt.close(1000);
    await fake?.close();
    vi.unstubAllEnvs();
  });

  it("contactCandidates and contacts_search find a contact by a misspelt name and by email", async () => {
    await contactContract(hs.crm, hs.s);
  });

  it("leads_list filters the vendor's leads by status", async () => {
    const r = await hs.s.call("leads_list", { status: "converted", limit: 100 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.total).toBe(leads.filter((l) => l.converted).length);
  });
});
