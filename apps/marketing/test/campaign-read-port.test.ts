import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { CampaignQuery } from "@revops/model";
import { pgSchema, startHubSpotFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MarketingCampaignRow, MarketingPort } from "../src/ports";
import { createMarketingServer } from "../src/server";
import { hubspotPorts } from "./hubspot-ports";

/** What a provider holds, as its seed (the sandbox: its tables) says, independent of the code under test. */
interface Provider {
  port: MarketingPort;
  total: number;
  /** One campaign as stored: what list, search, fresh read and stats must all agree on. */
  known: { id: string; name: string; budget: number; spend: number };
  close(): Promise<void>;
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

/** The campaign reads campaign planning, performance and budgets stand on: the same assertions on every provider. */
function describeCampaignReadContract(name: string, setup: () => Promise<Provider>) {
  describe(`MarketingPort campaign reads contract: ${name}`, () => {
    let p: Provider;
    let every: MarketingCampaignRow[];
    const list = async (q: CampaignQuery, limit = 100) => {
      const rows: MarketingCampaignRow[] = [];
      let cursor: string | undefined;
      let total: number | undefined;
      do {
        const page = await p.port.listCampaigns({ ...q, limit, ...(cursor && { cursor }) });
        total ??= page.total;
        expect(page.total).toBe(total);
        rows.push(...page.rows);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return { rows, total: total ?? 0 };
    };
    beforeAll(async () => {
      p = await setup();
      every = (await list({})).rows;
    }, 120_000);
    afterAll(async () => p?.close());

    it("lists every campaign once, newest start first, across pages", async () => {
      const { rows, total } = await list({}, Math.max(1, Math.ceil(p.total / 3)));
      expect(total).toBe(p.total);
      expect(new Set(ids(rows)).size).toBe(p.total);
      const starts = rows.map((c) => c.startDate);
      expect(starts).toEqual([...starts].sort().reverse());
      for (const c of rows) {
        expect(c.startDate <= c.endDate).toBe(true);
        expect(c.budget).toBeGreaterThanOrEqual(0);
        expect(c.spend).toBeGreaterThanOrEqual(0);
      }
      expect(every.find((c) => c.id === p.known.id)).toMatchObject(p.known);
    });

    it("filters by status and channel, as the rows say", async () => {
      for (const status of new Set(every.map((c) => c.status)))
        expect(ids((await list({ status })).rows)).toEqual(ids(every.filter((c) => c.status === status)));
      const channel = every.find((c) => c.id === p.known.id)?.channel as CampaignQuery["channel"];
      expect(ids((await list({ channel })).rows)).toEqual(ids(every.filter((c) => c.channel === channel)));
    });

    it("finds a campaign by the start of its name in any case; nothing for a prefix no name has", async () => {
      const prefix = p.known.name.slice(0, 4).toLowerCase();
      const found = await p.port.searchCampaigns(prefix, 10);
      expect(found).toContainEqual({ id: p.known.id, name: p.known.name });
      for (const f of found) expect(f.name.toLowerCase().startsWith(prefix)).toBe(true);
      expect(await p.port.searchCampaigns("zzqx", 10)).toEqual([]);
    });

    it("reads a campaign fresh as its list row says; nothing for an unknown id", async () => {
      const row = every.find((c) => c.id === p.known.id) as MarketingCampaignRow;
      expect(await p.port.getCampaign(p.known.id)).toMatchObject(row);
      expect(await p.port.getCampaign("cmp_nope")).toBeUndefined();
    });

    it("gives stats for the campaigns asked, with the budget and spend the list shows", async () => {
      const stats = await p.port.campaignStats([p.known.id]);
      expect(stats).toHaveLength(1);
      expect(stats[0]).toMatchObject(p.known);
      for (const k of ["leads", "mqls", "dealsInfluenced", "pipeline", "revenue"] as const)
        expect(stats[0]?.[k]).toBeGreaterThanOrEqual(0);
      expect((stats[0]?.revenue ?? 0) <= (stats[0]?.pipeline ?? 0)).toBe(true);
      expect(ids(await p.port.campaignStats())).toEqual(ids(every));
    });
  });
}

/** The sandbox as the marketing server builds it; expectations from its tables with SQL. */
async function sandboxProvider(env: Record<string, string>, drop?: () => Promise<void>): Promise<Provider> {
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("campaign-read"), SANDBOX_SCALE: "0.05", ...env }),
    createLogger("silent", "test"),
  );
  const port = (await createMarketingServer().ports(rt)).marketing;
  await port.searchCampaigns("a", 1); // loads the company
  const db = await rt.sql();
  const total = Number((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_campaigns"))?.n);
  const c = await db.one<{ id: string; name: string; budget: number; spend: number }>(
    "SELECT id, name, budget, spend FROM sb_campaigns ORDER BY spend DESC, id LIMIT 1",
  );
  return {
    port,
    total,
    known: { id: String(c?.id), name: String(c?.name), budget: Number(c?.budget), spend: Number(c?.spend) },
    close: async () => {
      await rt.close(1000);
      await drop?.();
    },
  };
}

describeCampaignReadContract("sandbox on SQLite", () => sandboxProvider({}));

describeCampaignReadContract("sandbox on PostgreSQL", async () => {
  // a schema of its own, so the shared test database is left alone
  const { url, drop } = await pgSchema("campaign_read");
  return sandboxProvider({ DATABASE_URL: url }, drop);
});

describeCampaignReadContract("HubSpot Marketing Campaigns v3 over the fake", async () => {
  const campaign = (hs_name: string, hs_campaign_status: string, start: string, end: string) => ({
    hs_name,
    hs_campaign_status,
    hs_start_date: start,
    hs_end_date: end,
    hs_currency_code: "USD",
  });
  const fake = await startHubSpotFake({
    campaigns: [
      {
        properties: campaign("Spring PPC", "active", "2026-02-01", "2026-04-30"),
        budgetItems: [
          { name: "Search ads", amount: 10_000 },
          { name: "Agency", amount: 2_000 },
        ],
        spendItems: [{ name: "Search ads", amount: 9_000 }],
      },
      {
        properties: campaign("Q1 Product Webinar", "completed", "2026-01-15", "2026-03-31"),
        budgetItems: [{ name: "Platform", amount: 5_000 }],
        spendItems: [{ name: "Platform", amount: 4_000 }],
      },
      {
        properties: campaign("Future Summit", "planned", "2099-09-01", "2099-09-03"),
        budgetItems: [{ name: "Booth", amount: 20_000 }],
      },
      { properties: campaign("Spring Webinar", "active", "2026-03-01", "2026-03-31") },
    ],
  });
  const { ports, rt } = await hubspotPorts(fake);
  return {
    port: ports.marketing,
    total: 4,
    known: { id: "c0000000-0000-4000-8000-000000000001", name: "Spring PPC", budget: 12_000, spend: 9_000 },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});
