import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded, SANDBOX_DEFAULTS } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  type HubSpotState,
  pgSchema,
  type RunningFake,
  startHubSpotFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FUNNEL_STAGES } from "../src/integrations/sandbox/funnel-leads";
import { SandboxMarketing } from "../src/integrations/sandbox/marketing";
import type { LeadFunnel, MarketingPort } from "../src/ports";
import { createMarketingServer } from "../src/server";

interface Fixture {
  port: MarketingPort;
  /** A range that holds some but not all leads. */
  range: { from: string; to: string };
  close(): Promise<void>;
}

const plain = (f: LeadFunnel) => ({
  cells: f.cells,
  dated: f.dated,
  datedStages: f.datedStages,
  notes: f.notes,
});

/** The same assertions on every provider of MarketingPort.leadFunnel. */
function describeLeadFunnelContract(name: string, make: () => Promise<Fixture>) {
  describe(`lead funnel port contract: ${name}`, () => {
    let f: Fixture;
    let all: LeadFunnel;
    beforeAll(async () => {
      f = await make();
      all = await f.port.leadFunnel({});
    }, 120_000);
    afterAll(async () => f?.close());

    it("returns one cell per cohort month and source, ordered, each stage within the one before", () => {
      expect(all.cells.length).toBeGreaterThan(0);
      const keys = all.cells.map((c) => `${c.month}|${c.source}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toEqual([...keys].sort());
      for (const c of all.cells) {
        expect(c.month).toMatch(/^\d{4}-\d{2}$/);
        expect(c.mqls).toBeLessThanOrEqual(c.leads);
        expect(c.sqls).toBeLessThanOrEqual(c.mqls);
        expect(c.opportunities).toBeLessThanOrEqual(c.sqls);
        expect(c.won).toBeLessThanOrEqual(c.leads);
        expect(c.wonRevenue).toBeGreaterThanOrEqual(0);
        if (c.won === 0) expect(c.wonRevenue).toBe(0);
      }
    });

    it("dates only stages it declares, in cells it returned", () => {
      for (const s of all.datedStages) expect(FUNNEL_STAGES).toContain(s);
      const keys = new Set(all.cells.map((c) => `${c.month}|${c.source}`));
      const field = { mql: "mqlAt", sql: "sqlAt", opportunity: "opportunityAt", won: "wonAt" } as const;
      for (const d of all.dated) {
        expect(keys.has(`${d.month}|${d.source}`)).toBe(true);
        expect(d.createdAt.slice(0, 7)).toBe(d.month);
        for (const s of FUNNEL_STAGES) if (!all.datedStages.includes(s)) expect(d[field[s]]).toBeNull();
      }
      for (const s of all.datedStages) expect(all.dated.some((d) => d[field[s]] !== null)).toBe(true);
      expect(all.notes.length).toBeGreaterThan(0);
    });

    it("counts the same leads per source in leadsBySource as in the funnel, over the same range", async () => {
      for (const q of [{}, f.range]) {
        const funnel = q === f.range ? await f.port.leadFunnel(q) : all;
        const want = new Map<string, { leads: number; mqls: number; sqls: number; converted: number }>();
        for (const c of funnel.cells) {
          const w = want.get(c.source) ?? { leads: 0, mqls: 0, sqls: 0, converted: 0 };
          want.set(c.source, {
            leads: w.leads + c.leads,
            mqls: w.mqls + c.mqls,
            sqls: w.sqls + c.sqls,
            converted: w.converted + c.opportunities,
          });
        }
        const got = await f.port.leadsBySource(q);
        expect(new Set(got.map((r) => r.source)).size).toBe(got.length);
        expect(
          Object.fromEntries(
            got
              .filter((r) => r.leads > 0)
              .map((r) => [r.source, { leads: r.leads, mqls: r.mqls, sqls: r.sqls, converted: r.converted }]),
          ),
        ).toEqual(Object.fromEntries(want));
        for (const r of got) expect(r.wonRevenue).toBeGreaterThanOrEqual(0);
      }
    });

    it("keeps to the creation range, the end day included", async () => {
      const part = await f.port.leadFunnel(f.range);
      const leads = (x: LeadFunnel) => x.cells.reduce((t, c) => t + c.leads, 0);
      expect(leads(part)).toBeGreaterThan(0);
      expect(leads(part)).toBeLessThan(leads(all));
      for (const d of part.dated) {
        expect(d.createdAt.slice(0, 10) >= f.range.from).toBe(true);
        expect(d.createdAt.slice(0, 10) <= f.range.to).toBe(true);
      }
    });
  });
}

let sqlite: SqlDb;
let sqliteDir: string;

describeLeadFunnelContract("sandbox on SQLite", async () => {
  sqliteDir = mkdtempSync(join(tmpdir(), "lead-funnel-port-"));
  sqlite = await openSql({ dataDir: sqliteDir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(sqlite, { seed: SANDBOX_DEFAULTS.seed, scale: SANDBOX_DEFAULTS.scale });
  return {
    port: new SandboxMarketing(sqlite) as unknown as MarketingPort,
    range: { from: "2026-01-01", to: "2026-06-30" },
    close: async () => {}, // after the cross-engine comparison below
  };
});

let pg: SqlDb;
let dropPg = async () => {};
describeLeadFunnelContract("sandbox on PostgreSQL", async () => {
  // a schema of its own, so the shared test database is left alone
  const schema = await pgSchema("lead_funnel");
  pg = schema.db;
  await ensureSandboxLoaded(pg, { seed: SANDBOX_DEFAULTS.seed, scale: SANDBOX_DEFAULTS.scale });
  dropPg = schema.drop;
  return {
    port: new SandboxMarketing(pg) as unknown as MarketingPort,
    range: { from: "2026-01-01", to: "2026-06-30" },
    close: async () => {},
  };
});

describe("sandbox lead funnel on both engines", () => {
  afterAll(async () => {
    await sqlite?.close();
    rmSync(sqliteDir, { recursive: true, force: true });
    await dropPg();
  });

  it("is the same on PostgreSQL as on SQLite", async () => {
    for (const q of [{}, { from: "2026-01-01", to: "2026-06-30" }]) {
      const a = await new SandboxMarketing(sqlite).leadFunnel(q);
      const b = await new SandboxMarketing(pg).leadFunnel(q);
      expect(plain(b)).toEqual(plain(a));
    }
  });
});

let fake: RunningFake<HubSpotState>;
describeLeadFunnelContract("HubSpot", async () => {
  const contact = (source: string, stage: string, created: string, dates: Record<string, string> = {}) => ({
    email: `${stage}.${created}@example.com`,
    hs_analytics_source: source,
    lifecyclestage: stage,
    createdate: `${created}T08:00:00Z`,
    ...dates,
  });
  fake = await startHubSpotFake({
    deals: [
      {
        dealname: "Won",
        amount: "30000",
        dealstage: "closedwon",
        createdate: "2026-03-01T00:00:00Z",
        closedate: "2026-04-15T00:00:00Z",
      },
    ],
    contacts: [
      contact("ORGANIC_SEARCH", "customer", "2026-01-10", {
        hs_lifecyclestage_marketingqualifiedlead_date: "2026-01-20T00:00:00Z",
        hs_lifecyclestage_salesqualifiedlead_date: "2026-02-01T00:00:00Z",
        hs_lifecyclestage_opportunity_date: "2026-03-01T00:00:00Z",
      }),
      contact("ORGANIC_SEARCH", "lead", "2026-02-10"),
      contact("PAID_SEARCH", "marketingqualifiedlead", "2026-07-02", {
        hs_lifecyclestage_marketingqualifiedlead_date: "2026-07-05T00:00:00Z",
      }),
    ],
    associations: [["contacts", "1002", "deals", "1001"]],
  });
  vi.stubEnv("MARKETING_SOURCE", "hubspot");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("lead-funnel-hs") }),
    createLogger("silent", "test"),
  );
  const port = (await createMarketingServer().ports(rt)).marketing;
  vi.unstubAllEnvs();
  return {
    port,
    range: { from: "2026-01-01", to: "2026-06-30" },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describe("lead funnel on HubSpot under its search rate limit", () => {
  it("pages through more leads than one search returns, waiting out SECONDLY 429s", async () => {
    const contacts = Array.from({ length: 650 }, (_, i) => ({
      email: `lead${i}@example.com`,
      hs_analytics_source: i % 2 ? "PAID_SEARCH" : "ORGANIC_SEARCH",
      lifecyclestage: i % 3 ? "lead" : "marketingqualifiedlead",
      createdate: `2026-0${1 + (i % 6)}-1${i % 10}T08:00:00Z`,
    }));
    const hs = await startHubSpotFake({ contacts, searchPerSecond: 1 });
    vi.stubEnv("MARKETING_SOURCE", "hubspot");
    vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-test");
    vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", hs.url);
    vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
    const rt = new KitRuntime(
      baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("lead-funnel-hs-rate") }),
      createLogger("silent", "test"),
    );
    try {
      const port = (await createMarketingServer().ports(rt)).marketing;
      const f = await port.leadFunnel({});
      expect(f.cells.reduce((t, c) => t + c.leads, 0)).toBe(650);
      expect(f.cells.reduce((t, c) => t + c.mqls, 0)).toBe(contacts.filter((_, i) => i % 3 === 0).length);
      const searches = hs.requests.filter((r) => r.path === "/crm/v3/objects/contacts/search");
      expect(searches.filter((r) => !r.fault).length).toBeGreaterThanOrEqual(4);
    } finally {
      vi.unstubAllEnvs();
      await rt.close(1000);
      await hs.close();
    }
  });
});
