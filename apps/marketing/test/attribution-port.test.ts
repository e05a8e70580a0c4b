import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { TouchPaths } from "@revops/model";
import { type HubSpotSeed, startHubSpotFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MarketingCampaignRow, MarketingPort } from "../src/ports";
import { createMarketingServer } from "../src/server";
import { hubspotPorts } from "./hubspot-ports";

interface Provider {
  port: MarketingPort;
  close(): Promise<void>;
}

/** Touch paths and campaign outcomes (campaign_performance, attribution, channel economics): the same assertions on every provider. */
function describeAttributionContract(name: string, setup: () => Promise<Provider>) {
  describe(`MarketingPort attribution contract: ${name}`, () => {
    let p: Provider;
    let listed: MarketingCampaignRow[];
    let paths: TouchPaths;
    beforeAll(async () => {
      p = await setup();
      listed = (await p.port.listCampaigns({ limit: 100 })).rows;
      paths = await p.port.touchPaths();
    }, 120_000);
    afterAll(async () => p?.close());

    it("names every campaign once, with the spend the campaign list shows", () => {
      expect(paths.campaigns.map((c) => c.id).sort()).toEqual(listed.map((c) => c.id).sort());
      for (const c of paths.campaigns)
        expect(c).toMatchObject({
          name: listed.find((l) => l.id === c.id)?.name,
          spend: listed.find((l) => l.id === c.id)?.spend,
        });
    });

    it("gives each converted deal once, its touches on known campaigns, oldest first and before the deal", () => {
      expect(paths.deals.length).toBeGreaterThan(0);
      expect(new Set(paths.deals.map((d) => d.dealId)).size).toBe(paths.deals.length);
      const known = new Set(paths.campaigns.map((c) => c.id));
      for (const d of paths.deals) {
        expect(d.won && d.lost).toBe(false);
        expect(d.amount).toBeGreaterThanOrEqual(0);
        if (d.sourceCampaignId) expect(known.has(d.sourceCampaignId)).toBe(true);
        for (const t of d.touches) expect(known.has(t.campaignId)).toBe(true);
        const at = d.touches.flatMap((t) => (t.at ? [t.at] : []));
        expect(at).toEqual([...at].sort());
        for (const a of at) expect(a.slice(0, 10) <= d.createdDate).toBe(true);
      }
      expect(paths.deals.some((d) => d.touches.length > 0)).toBe(true);
    });

    it("gives each campaign's outcome with the list's budget and spend; opportunities within the leads it sourced", async () => {
      const { campaigns, notes } = await p.port.campaignOutcomes();
      expect(campaigns.map((c) => c.id).sort()).toEqual(listed.map((c) => c.id).sort());
      for (const c of campaigns) {
        const row = listed.find((l) => l.id === c.id);
        expect(c).toMatchObject({
          name: row?.name,
          budget: row?.budget,
          spend: row?.spend,
          status: row?.status,
        });
        expect(c.opportunities).toBeLessThanOrEqual(c.leads);
        // lead-to-deal days where the source measures them; a source that does not says so in the notes
        if (notes.length === 0) expect(c.leadToOpportunityDays).toHaveLength(c.opportunities);
        else expect(c.leadToOpportunityDays.length).toBeLessThanOrEqual(c.opportunities);
        for (const days of c.leadToOpportunityDays) expect(days).toBeGreaterThanOrEqual(0);
        if (c.opportunities === 0) expect(c.pipeline).toBe(0);
      }
    });
  });
}

describeAttributionContract("sandbox on SQLite", async () => {
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("attribution-port"), SANDBOX_SCALE: "0.05" }),
    createLogger("silent", "test"),
  );
  const port = (await createMarketingServer().ports(rt)).marketing;
  return { port, close: () => rt.close(1000) };
});

// deals 1001-1004, then contacts 1005-1007 (the fake numbers records in seed order)
const SEED: HubSpotSeed = {
  deals: [
    {
      dealname: "Acme",
      amount: "40000",
      dealstage: "closedwon",
      createdate: "2026-03-01T10:00:00Z",
      closedate: "2026-04-15T10:00:00Z",
    },
    { dealname: "Initech", amount: "10000", dealstage: "qualifiedtobuy", createdate: "2026-03-10T10:00:00Z" },
    { dealname: "Hooli", amount: "8000", dealstage: "closedlost", createdate: "2026-03-25T10:00:00Z" },
  ],
  contacts: [
    { email: "a@acme.example", lifecyclestage: "customer", createdate: "2026-02-03T15:00:00Z" }, // 1004 → Acme
    { email: "i@initech.example", lifecyclestage: "opportunity", createdate: "2026-02-20T15:00:00Z" }, // 1005 → Initech
    { email: "h@hooli.example", lifecyclestage: "customer", createdate: "2026-03-15T15:00:00Z" }, // 1006 → Hooli
  ],
  associations: [
    ["contacts", "1004", "deals", "1001"],
    ["contacts", "1005", "deals", "1002"],
    ["contacts", "1006", "deals", "1003"],
  ],
  campaigns: [
    {
      properties: { hs_name: "Spring PPC", hs_start_date: "2026-02-01", hs_end_date: "2026-04-30" },
      budgetItems: [{ name: "Search ads", amount: 12_000 }],
      spendItems: [{ name: "Search ads", amount: 10_000 }],
      contacts: { contactFirstTouch: ["1004"], influencedContacts: ["1006"] },
    },
    {
      properties: { hs_name: "Q1 Product Webinar", hs_start_date: "2026-01-15", hs_end_date: "2026-03-31" },
      spendItems: [{ name: "Platform", amount: 4_000 }],
      contacts: { contactFirstTouch: ["1005", "1006"], influencedContacts: ["1004"] },
    },
    {
      properties: { hs_name: "Future Summit", hs_start_date: "2099-09-01", hs_end_date: "2099-09-03" },
      spendItems: [{ name: "Deposit", amount: 1_000 }],
    },
  ],
};

describeAttributionContract("HubSpot campaigns, contacts and deals over the fake", async () => {
  const fake = await startHubSpotFake(SEED);
  const { ports, rt } = await hubspotPorts(fake);
  return {
    port: ports.marketing,
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});
