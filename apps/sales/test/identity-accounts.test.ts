import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, describe, expect, it } from "vitest";
import type { CrmPort } from "../src/ports";
import { vendorPort } from "./lead-convert-vendors";

/** `CrmPort.identityAccounts`, one contract on every provider: every account, with its name and website. */
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** The CRM port over a vendor fake, both closed after the tests. */
async function portOver(fake: { url: string; close(): Promise<void> }, env: Record<string, string>) {
  const { rt, crm } = await vendorPort(env, fake.url);
  closers.push(
    () => fake.close(),
    () => rt.close(1000),
  );
  return crm;
}
const HUBSPOT = { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test" };

/** 130 companies: more than one vendor page (HubSpot 100, the Salesforce fake's 50 per query page). */
const COMPANIES = Array.from({ length: 130 }, (_, i) => ({
  name: `Company ${i + 1}`,
  domain: `c${i + 1}.test`,
}));

const providers: [string, () => Promise<CrmPort>][] = [
  [
    "sandbox",
    async () => {
      const db = await openSql({ dataDir: tempDataDir("identity-accounts") });
      await ensureSandboxLoaded(db, { scale: 0.05 });
      closers.push(() => db.close());
      return new SandboxCrm(db);
    },
  ],
  [
    "Salesforce (jsforce) over its fake",
    async () => {
      const fake = await startSalesforceFake({
        Account: COMPANIES.map((c) => ({ Name: c.name, Website: `https://www.${c.domain}` })),
        pageSize: 50,
      });
      return portOver(fake, { SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D-static-token" });
    },
  ],
  [
    "HubSpot (@hubspot/api-client) over its fake",
    async () => {
      return portOver(await startHubSpotFake({ companies: COMPANIES }), HUBSPOT);
    },
  ],
];

describe.each(providers)("identityAccounts on %s", (system, make) => {
  it("returns every account once, with its name and website domain", async () => {
    const crm = await make();
    const rows = await crm.identityAccounts();
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    if (system === "sandbox") {
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.name && r.domain)).toBe(true);
      return;
    }
    expect(rows).toHaveLength(COMPANIES.length);
    const byName = new Map(rows.map((r) => [r.name, r.domain]));
    for (const c of COMPANIES) expect(byName.get(c.name)).toContain(c.domain);
  });
});

describe("identityContacts on HubSpot (@hubspot/api-client) over its fake", () => {
  it("pages every contact with a primary company, 100 at a time; those without one are left out", async () => {
    // 130 contacts of the first company, and one in no company
    const contacts = [
      ...COMPANIES.map((_, i) => ({
        firstname: `Ana${i}`,
        lastname: "Silva",
        email: `ana${i}@c1.test`,
        associatedcompanyid: "1",
      })),
      { firstname: "Solo", lastname: "Visitor", email: "solo@free.test" },
    ];
    const fake = await startHubSpotFake({ companies: COMPANIES.slice(0, 1), contacts });
    const crm = await portOver(fake, HUBSPOT);
    const rows = (await crm.identityContacts?.()) ?? [];
    expect(rows).toHaveLength(COMPANIES.length);
    expect(rows[0]).toEqual({
      id: expect.any(String),
      accountId: "1",
      name: "Ana0 Silva",
      email: "ana0@c1.test",
    });
    expect(rows.some((r) => r.name === "Solo Visitor")).toBe(false);
    const pages = fake.requests.filter((r) => r.path === "/crm/v3/objects/contacts");
    expect(pages.map((r) => r.query.get("limit"))).toEqual(["100", "100"]);
    expect(fake.violations).toEqual([]);
  });
});
