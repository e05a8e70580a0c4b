import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { type HubSpotState, type RunningFake, startHubSpotFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxMarketing } from "../src/integrations/sandbox/marketing";
import type { MarketingPort } from "../src/ports";
import { hubspotPorts } from "./hubspot-ports";

/** What the contract needs of a provider: a port, one existing campaign and an owner, the same on each. */
interface Fixture {
  port: MarketingPort;
  existing: { id: string; name: string; budget: number; spend: number };
  ownerId: string;
  /** Campaigns named so (case-insensitive) in the system of record. */
  named: (name: string) => Promise<number>;
  /** Journal rows of a campaign (sandbox only). */
  journal?: (id: string) => Promise<number>;
  close(): Promise<void>;
}

const origin = (key: string) => ({ principal: "contract", planHash: `hash-${key}`, idempotencyKey: key });

function describeCampaignPortContract(name: string, make: () => Promise<Fixture>) {
  describe(`campaign record port contract: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    }, 120_000);
    afterAll(async () => f?.close());

    it("reads one campaign fresh with its budget, spend and dates; an unknown id is undefined", async () => {
      const c = await f.port.getCampaign(f.existing.id);
      expect(c).toMatchObject({ id: f.existing.id, name: f.existing.name, budget: f.existing.budget });
      expect(c?.spend).toBe(f.existing.spend);
      expect(c?.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Array.isArray(c?.assets)).toBe(true);
      expect(await f.port.getCampaign("cmp_nope")).toBeUndefined();
    });

    it("creates a campaign once: the same key again finds it and creates nothing", async () => {
      const fields = {
        name: "Contract Webinar Series",
        status: "planned" as const,
        startDate: "2027-01-10",
        endDate: "2027-02-28",
        budget: 5000,
        ownerId: f.ownerId,
        ...(f.port.campaignWriteLimits?.channel ? {} : { channel: "webinar" }),
      };
      const a = await f.port.saveCampaign({ fields }, origin("create-1"));
      expect(a).toMatchObject({ created: true, recovered: false });
      expect(a.campaign).toMatchObject({
        name: fields.name,
        budget: 5000,
        channel: "webinar",
        ownerId: f.ownerId,
      });
      expect(a.campaign.startDate).toBe("2027-01-10");
      const b = await f.port.saveCampaign({ fields }, { ...origin("create-1"), resumed: true });
      expect(b).toMatchObject({ recovered: true, campaign: { id: a.campaign.id } });
      expect(await f.named(fields.name)).toBe(1);
    });

    it("changes the given fields only, raises the budget once per key, and reads back", async () => {
      const before = await f.port.getCampaign(f.existing.id);
      const change = {
        id: f.existing.id,
        fields: { status: "active" as const, budget: f.existing.budget + 750 },
      };
      const r = await f.port.saveCampaign(change, origin("update-1"));
      expect(r).toMatchObject({ created: false, recovered: false });
      expect(r.campaign).toMatchObject({
        status: "active",
        budget: f.existing.budget + 750,
        name: before?.name,
      });
      const again = await f.port.saveCampaign(change, { ...origin("update-1"), resumed: true });
      expect(again.campaign.budget).toBe(f.existing.budget + 750);
      expect((await f.port.getCampaign(f.existing.id))?.budget).toBe(f.existing.budget + 750);
      if (f.journal) expect(await f.journal(f.existing.id)).toBe(2);
    });

    it("refuses a name another campaign has", async () => {
      await expect(
        f.port.saveCampaign(
          { id: f.existing.id, fields: { name: "contract webinar SERIES" } },
          origin("dup-1"),
        ),
      ).rejects.toThrow(/already/i);
    });
  });
}

async function sandboxFixture(db: SqlDb, close: () => Promise<void>): Promise<Fixture> {
  await ensureSandboxLoaded(db, { scale: 0.2 });
  const c = await db.one<{ id: string; name: string; budget: number; spend: number }>(
    "SELECT id, name, budget, spend FROM sb_campaigns ORDER BY id LIMIT 1",
  );
  const u = await db.one<{ id: string }>("SELECT id FROM sb_users ORDER BY id LIMIT 1");
  const n = async (sql: string, args: unknown[]) => Number((await db.one<{ n: number }>(sql, args))?.n);
  return {
    port: new SandboxMarketing(db),
    existing: {
      id: String(c?.id),
      name: String(c?.name),
      budget: Number(c?.budget),
      spend: Number(c?.spend),
    },
    ownerId: String(u?.id),
    named: (name) => n("SELECT COUNT(*) AS n FROM sb_campaigns WHERE lower(name) = lower(?)", [name]),
    journal: (id) =>
      n("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'campaign' AND record_id = ?", [id]),
    close,
  };
}

describeCampaignPortContract("sandbox on SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "campaign-port-"));
  const db = await openSql({ dataDir: dir });
  return sandboxFixture(db, async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
describeCampaignPortContract("sandbox on PostgreSQL", async () => {
  const schema = `campaign_port_${process.pid}_${Date.now()}`;
  const admin = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const sep = PG_URL.includes("?") ? "&" : "?";
  const db = await openSql({
    databaseUrl: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    dataDir: tmpdir(),
  });
  return sandboxFixture(db, async () => {
    await db.close();
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  });
});

/** One running campaign with a budget and spend items, an email asset, and one owner. */
export async function hubspotCampaignFake() {
  return startHubSpotFake({
    campaigns: [
      {
        properties: {
          hs_name: "Spring Paid Search",
          hs_campaign_status: "in_progress",
          hs_start_date: "2026-10-01",
          hs_end_date: "2027-03-31",
          hs_currency_code: "USD",
        },
        budgetItems: [{ name: "Google Ads", amount: 8000 }],
        spendItems: [
          { name: "October", amount: 1200 },
          { name: "November", amount: 1500 },
        ],
        assets: [{ type: "EMAIL", id: "e-1", name: "Spring launch email" }],
      },
    ],
    owners: [
      {
        id: "501",
        email: "maya@northwind.example",
        firstName: "Maya",
        lastName: "Chen",
        userId: 1,
        teams: [{ id: "1", name: "Marketing", primary: true }],
      },
    ],
  });
}

const HUBSPOT_ID = "c0000000-0000-4000-8000-000000000001";

async function hubspotFixture(fake: RunningFake<HubSpotState>): Promise<Fixture> {
  const { ports, rt } = await hubspotPorts(fake);
  return {
    port: ports.marketing,
    existing: { id: HUBSPOT_ID, name: "Spring Paid Search", budget: 8000, spend: 2700 },
    ownerId: "501",
    named: async (name) =>
      [...fake.state.campaigns.values()].filter(
        (c) => (c.properties.hs_name ?? "").toLowerCase() === name.toLowerCase(),
      ).length,
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
}

describeCampaignPortContract("HubSpot Marketing Campaigns v3 over the fake", async () =>
  hubspotFixture(await hubspotCampaignFake()),
);

describe("HubSpot campaign writes: faults, limits and the published contract", () => {
  let fake: RunningFake<HubSpotState>;
  let f: Fixture;
  beforeAll(async () => {
    fake = await hubspotCampaignFake();
    f = await hubspotFixture(fake);
  });
  afterAll(async () => f?.close());

  it("reads the campaign's assets and owner", async () => {
    await f.port.saveCampaign({ id: HUBSPOT_ID, fields: { ownerId: "501" } }, origin("owner-1"));
    const c = await f.port.getCampaign(HUBSPOT_ID);
    expect(c?.assets).toEqual([{ type: "email", id: "e-1", name: "Spring launch email" }]);
    expect(c).toMatchObject({ ownerId: "501", ownerName: "Maya Chen", channel: "paid_search" });
  });

  it("a create HubSpot applied but never answered is found by name, not made twice", async () => {
    fake.faults.next({ kind: "resetAfterHandling" }, { path: "/marketing/v3/campaigns", method: "POST" });
    const r = await f.port.saveCampaign(
      { fields: { name: "Reset Newsletter", startDate: "2027-01-01", endDate: "2027-01-31", budget: 0 } },
      origin("reset-1"),
    );
    expect(r).toMatchObject({ created: true, recovered: true });
    expect(await f.named("Reset Newsletter")).toBe(1);
  });

  it("a budget item HubSpot added but never answered is found by its marker, not added twice", async () => {
    fake.faults.next({ kind: "resetAfterHandling" }, { path: /\/budget$/, method: "POST" });
    const r = await f.port.saveCampaign({ id: HUBSPOT_ID, fields: { budget: 9000 } }, origin("budget-reset"));
    expect(r.campaign.budget).toBe(9000);
    expect(fake.state.campaigns.get(HUBSPOT_ID)?.budgetItems).toHaveLength(2);
  });

  it("a 429 on the update is waited out and the write lands once", async () => {
    fake.faults.next(
      {
        kind: "status",
        status: 429,
        retryAfter: "0",
        body: { status: "error", category: "RATE_LIMITS", policyName: "SECONDLY" },
      },
      { path: `/marketing/v3/campaigns/${HUBSPOT_ID}`, method: "PATCH" },
    );
    const r = await f.port.saveCampaign(
      { id: HUBSPOT_ID, fields: { endDate: "2027-04-30" } },
      origin("429-1"),
    );
    expect(r.campaign.endDate).toBe("2027-04-30");
  });

  it("HubSpot's validation errors come back as errors; a channel or a budget cut is refused before any write", async () => {
    const patches = () => fake.requests.filter((q) => q.method === "PATCH").length;
    const n = patches();
    await expect(
      f.port.saveCampaign({ id: HUBSPOT_ID, fields: { startDate: "01/02/2027" } }, origin("bad-date")),
    ).rejects.toThrow(/YYYY-MM-DD|400/);
    await expect(
      f.port.saveCampaign({ id: HUBSPOT_ID, fields: { channel: "email" } }, origin("channel")),
    ).rejects.toThrow(/no channel property/);
    await expect(
      f.port.saveCampaign({ id: HUBSPOT_ID, fields: { budget: 10 } }, origin("cut")),
    ).rejects.toThrow(/budget tab/);
    expect(patches()).toBe(n + 1);
  });
});
