import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { LeadFacts } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";
import {
  HS_SOURCE,
  hubspotLeadContacts,
  SEED_LEADS_SQL,
  type SeedLead,
  salesforceLeads,
  splitName,
} from "./lead-seed";

/** What a provider holds: the sandbox leads it was seeded from, and which facts its CRM keeps. */
interface Provider {
  crm: CrmPort;
  leads: SeedLead[];
  /** Campaign touches per lead email (the sandbox's); vendors read none. */
  touches?: Map<string, { touches: number; clicks: number; registrations: number }>;
  /** Whether the CRM keeps its own lead score (Salesforce: none). */
  scores: boolean;
  /** Whether the CRM's record of a source maps back onto ours exactly. */
  keepsSource: (source: string) => boolean;
  close(): Promise<void>;
}

const facts = (l: { name: string; company: string; email: string; title: string; converted: boolean }) => ({
  name: l.name,
  company: l.company,
  email: l.email,
  title: l.title,
  converted: Boolean(l.converted),
});

/** Every lead with its source, score, touches and outcome (what lead_score learns from): the same on every provider. */
function describeLeadFactsContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort leadFacts contract: ${name}`, () => {
    let p: Provider;
    let got: LeadFacts[];
    beforeAll(async () => {
      p = await setup();
      got = await p.crm.leadFacts();
    }, 120_000);
    afterAll(async () => p?.close());

    it("reads every lead once, oldest first, with the name, company, email, title and outcome it was seeded with", () => {
      expect(got.map(facts)).toEqual(p.leads.map(facts));
      expect(new Set(got.map((l) => l.id)).size).toBe(got.length);
      expect(got.map((l) => l.createdAt.slice(0, 16))).toEqual(p.leads.map((l) => l.createdAt.slice(0, 16)));
    });

    it("maps each source the CRM records onto ours, and keeps the CRM's score where it has one", () => {
      got.forEach((l, i) => {
        const seed = p.leads[i] as SeedLead;
        if (p.keepsSource(seed.source)) expect(l.source, l.email).toBe(seed.source);
        expect(l.crmScore).toBe(p.scores ? seed.score : null);
      });
    });

    it("counts campaign touches where the CRM records them (clicks and registrations within them), names owners whole", () => {
      for (const l of got) {
        const t = p.touches?.get(l.email) ?? { touches: 0, clicks: 0, registrations: 0 };
        expect([l.touches, l.clicks, l.registrations], l.email).toEqual([
          t.touches,
          t.clicks,
          t.registrations,
        ]);
        expect(l.clicks + l.registrations).toBeLessThanOrEqual(l.touches);
        expect(l.ownerId === null).toBe(l.ownerName === null);
      }
    });
  });
}

/** The sandbox the sales server builds (scale 0.05): the leads and touches as its tables say. */
let rt: KitRuntime;
let db: SqlDb;
let seed: SeedLead[];
beforeAll(async () => {
  rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("lead-facts"), SANDBOX_SCALE: "0.05" }),
    createLogger("silent", "test"),
  );
  await (await createSalesServer().ports(rt)).crm.listOwners(); // loads the company
  db = await rt.sql();
  seed = (await db.query<SeedLead>(SEED_LEADS_SQL)).map((l) => ({
    ...l,
    score: Number(l.score),
    converted: Number(l.converted) === 1,
  }));
}, 120_000);
afterAll(async () => rt?.close(1000));

describeLeadFactsContract("sandbox on SQLite", async () => {
  const rows = await db.query<{ email: string; n: number; clicks: number; regs: number }>(
    `SELECT l.email, COUNT(*) AS n, SUM(CASE WHEN t.touch_type = 'click' THEN 1 ELSE 0 END) AS clicks,
       SUM(CASE WHEN t.touch_type IN ('register', 'attend') THEN 1 ELSE 0 END) AS regs
     FROM sb_campaign_touches t JOIN sb_leads l ON l.id = t.lead_id GROUP BY l.email`,
  );
  return {
    crm: (await createSalesServer().ports(rt)).crm,
    leads: seed,
    touches: new Map(
      rows.map((r) => [
        r.email,
        { touches: Number(r.n), clicks: Number(r.clicks), registrations: Number(r.regs) },
      ]),
    ),
    scores: true,
    keepsSource: () => true,
    close: async () => {},
  };
});

/** The sales server's CRM port for a vendor fake, exactly as the server builds it from its environment. */
async function vendorPort(fakeUrl: string, env: Record<string, string>) {
  const all = { ...env, REVOPS_TEST_VENDOR_BASE_URL: fakeUrl, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" };
  for (const [k, v] of Object.entries(all)) vi.stubEnv(k, v);
  const vrt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("lead-facts-vendor") }),
    createLogger("silent", "test"),
  );
  try {
    return { rt: vrt, crm: (await createSalesServer().ports(vrt)).crm };
  } finally {
    vi.unstubAllEnvs();
  }
}

describeLeadFactsContract("Salesforce (Lead via SOQL, jsforce) over its fake", async () => {
  const fake = await startSalesforceFake({
    pageSize: 25, // several queryMore pages
    User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
    Lead: salesforceLeads(seed),
  });
  const v = await vendorPort(fake.url, {
    SALES_CRM: "salesforce",
    SALESFORCE_ACCESS_TOKEN: "00D-static-token",
  });
  return {
    crm: v.crm,
    leads: seed,
    scores: false,
    keepsSource: () => true,
    close: async () => {
      await v.rt.close(1000);
      await fake.close();
    },
  };
});

describeLeadFactsContract(
  "HubSpot (contacts by lifecycle stage, @hubspot/api-client) over its fake",
  async () => {
    const fake = await startHubSpotFake({
      contacts: [
        ...hubspotLeadContacts(seed),
        // a known contact with no lifecycle stage is not a lead
        {
          ...(({ first, last }) => ({ firstname: first, lastname: last }))(splitName("Known Person")),
          email: "known@acme.test",
        },
      ],
    });
    const v = await vendorPort(fake.url, { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test" });
    return {
      crm: v.crm,
      leads: seed,
      scores: true,
      // HubSpot's analytics sources we map back; a source it has no value for is kept as HubSpot's
      keepsSource: (s) => HS_SOURCE[s] !== undefined,
      close: async () => {
        await v.rt.close(1000);
        await fake.close();
      },
    };
  },
);
