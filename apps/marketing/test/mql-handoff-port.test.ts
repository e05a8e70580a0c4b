import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { type HubSpotState, type RunningFake, startHubSpotFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxMarketing } from "../src/integrations/sandbox/marketing";
import type { MarketingPort } from "../src/ports";
import { hubspotPorts } from "./hubspot-ports";

/** What the contract needs of a provider: a port and ids that mean the same thing on each. */
interface Fixture {
  port: MarketingPort;
  /** Unowned MQLs in all. */
  pending: number;
  /** A lead that is not an MQL (an SQL). */
  notMql: string;
  /** New hand-offs journalled (sandbox only). */
  journal?: () => Promise<number>;
  close(): Promise<void>;
}

const ORIGIN = { principal: "contract", planHash: "plan-hash-1", idempotencyKey: "key-1" };
const FUTURE = "2999-01-01T00:00:00Z";
const PAST = "1990-01-01T00:00:00Z";

function describeHandoffPortContract(name: string, make: () => Promise<Fixture>) {
  describe(`hand-off port contract: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    }, 120_000);
    afterAll(async () => f?.close());

    it("reads unowned MQLs oldest first, how many there are and how many became MQL before a time", async () => {
      const p = await f.port.pendingMqls({ limit: 2, mqlBefore: FUTURE });
      expect(p.total).toBe(f.pending);
      expect(p.before).toBe(f.pending);
      expect(p.rows).toHaveLength(2);
      const [a, b] = p.rows as unknown as [{ mqlAt: string }, { mqlAt: string }];
      expect(Date.parse(a.mqlAt)).toBeLessThanOrEqual(Date.parse(b.mqlAt));
      expect((await f.port.pendingMqls({ limit: 1, mqlBefore: PAST })).before).toBe(0);
    });

    it("lists sellers with their territory", async () => {
      const owners = await f.port.salesOwners();
      expect(owners.length).toBeGreaterThanOrEqual(2);
      for (const o of owners) {
        expect(o.id.length).toBeGreaterThan(0);
        expect(o.name.length).toBeGreaterThan(0);
        expect(o.team?.length).toBeGreaterThan(0);
      }
    });

    it("hands leads off once: a retry lands nothing new, other owners' and non-MQL leads are left", async () => {
      const [a, b] = (await f.port.pendingMqls({ limit: 2, mqlBefore: FUTURE })).rows as unknown as [
        { id: string },
        { id: string },
      ];
      const [o1, o2] = (await f.port.salesOwners()) as unknown as [{ id: string }, { id: string }];
      const asked = [
        { leadId: a.id, ownerId: o1.id },
        { leadId: b.id, ownerId: o2.id },
      ];
      const r = await f.port.handOffLeads(asked, ORIGIN);
      expect(r).toEqual({ handed: [a.id, b.id], ignored: [] });
      const after = await f.port.pendingMqls({ limit: 50, mqlBefore: FUTURE });
      expect(after.total).toBe(f.pending - 2);
      expect(after.rows.map((x) => x.id)).not.toContain(a.id);
      // a retry of the same write finds it landed
      expect(await f.port.handOffLeads(asked, ORIGIN)).toEqual({ handed: [a.id, b.id], ignored: [] });
      if (f.journal) expect(await f.journal()).toBe(4);
      const other = await f.port.handOffLeads(
        [
          { leadId: a.id, ownerId: o2.id },
          { leadId: f.notMql, ownerId: o1.id },
        ],
        ORIGIN,
      );
      expect(other).toEqual({ handed: [], ignored: [a.id, f.notMql] });
      const history = await f.port.handoffHistory(PAST);
      const mine = history.filter((x) => x.leadId === a.id || x.leadId === b.id);
      expect(mine.map((x) => [x.leadId, x.ownerId]).sort()).toEqual(
        [
          [a.id, o1.id],
          [b.id, o2.id],
        ].sort(),
      );
      for (const x of mine) expect(Date.parse(x.handedAt)).toBeGreaterThanOrEqual(Date.parse(x.mqlAt));
      expect(await f.port.handoffHistory(FUTURE)).toEqual([]);
    });
  });
}

async function sandboxFixture(db: SqlDb, close: () => Promise<void>): Promise<Fixture> {
  await ensureSandboxLoaded(db, { scale: 0.2 });
  const count = async (sql: string) => Number((await db.one<{ n: number }>(sql))?.n ?? 0);
  return {
    port: new SandboxMarketing(db),
    pending: await count("SELECT COUNT(*) AS n FROM sb_leads WHERE status = 'mql'"),
    notMql: String(
      (await db.one<{ id: string }>("SELECT id FROM sb_leads WHERE status = 'sql' ORDER BY id"))?.id,
    ),
    journal: () => count("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'lead'"),
    close,
  };
}

describeHandoffPortContract("sandbox on SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "handoff-port-"));
  const db = await openSql({ dataDir: dir });
  return sandboxFixture(db, async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
describeHandoffPortContract("sandbox on PostgreSQL", async () => {
  const schema = `handoff_port_${process.pid}_${Date.now()}`;
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

const mql = (email: string, date: string, extra: Record<string, string> = {}) => ({
  email,
  firstname: email.split("@")[0] as string,
  lifecyclestage: "marketingqualifiedlead",
  hs_lifecyclestage_marketingqualifiedlead_date: date,
  ...extra,
});

/** The HubSpot fake behind the real SDK, with its HubSpot owners and teams; contacts are numbered from 1001. */
export async function hubspotHandoffFake() {
  return startHubSpotFake({
    contacts: [
      mql("ann@acme.example", "2026-11-20T09:00:00.000Z", { country: "Germany", numberofemployees: "120" }), // 1001
      mql("bo@globex.example", "2026-11-18T09:00:00.000Z", {
        country: "United States",
        numberofemployees: "5000",
      }), // 1002
      mql("cy@initech.example", "2026-11-21T09:00:00.000Z"), // 1003
      { email: "di@umbrella.example", lifecyclestage: "salesqualifiedlead" }, // 1004
      mql("ed@hooli.example", "2026-11-01T09:00:00.000Z", { hubspot_owner_id: "501" }), // 1005: owned already
    ],
    owners: [
      {
        id: "501",
        email: "sophie@northwind.example",
        firstName: "Sophie",
        lastName: "Laurent",
        userId: 1,
        teams: [{ id: "1", name: "EMEA", primary: true }],
      },
      {
        id: "502",
        email: "jordan@northwind.example",
        firstName: "Jordan",
        lastName: "Brooks",
        userId: 2,
        teams: [{ id: "2", name: "NA Enterprise", primary: true }],
      },
      {
        id: "503",
        email: "priya@northwind.example",
        firstName: "Priya",
        lastName: "Natarajan",
        userId: 3,
        teams: [{ id: "3", name: "NA Mid-Market", primary: true }],
      },
    ],
  });
}

describeHandoffPortContract("HubSpot contacts and owners over the fake", async () => {
  const fake = await hubspotHandoffFake();
  const { ports, rt } = await hubspotPorts(fake);
  return {
    port: ports.marketing,
    pending: 3,
    notMql: "1004",
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describe("HubSpot hand-off specifics", () => {
  let fake: RunningFake<HubSpotState>;
  let port: MarketingPort;
  let rt: KitRuntime;
  beforeAll(async () => {
    fake = await hubspotHandoffFake();
    ({
      ports: { marketing: port },
      rt,
    } = await hubspotPorts(fake));
  });
  afterAll(async () => {
    await rt?.close(1000);
    await fake?.close();
  });

  it("reads territory from country and size, writes owner and lead status; HubSpot stamps the assignment", async () => {
    const p = await port.pendingMqls({ limit: 10, mqlBefore: "2026-11-20T12:00:00Z" });
    expect(p.rows.map((r) => r.id)).toEqual(["1002", "1001", "1003"]);
    expect(p.before).toBe(2);
    expect(p.rows[0]).toMatchObject({ region: "NA", sizeBand: "1000+" });
    expect(p.rows[1]).toMatchObject({ region: "EMEA", sizeBand: "51-200" });
    expect(p.rows[2]?.region).toBeUndefined();
    expect((await port.salesOwners()).map((o) => o.team)).toEqual(["EMEA", "NA Enterprise", "NA Mid-Market"]);
    await port.handOffLeads([{ leadId: "1001", ownerId: "501" }], ORIGIN);
    const c = fake.state.objects.contacts.get("1001");
    expect(c?.properties).toMatchObject({ hubspot_owner_id: "501", hs_lead_status: "NEW" });
    expect(c?.properties.hubspot_owner_assigneddate).toBeTruthy();
    expect(c?.properties.lifecyclestage).toBe("marketingqualifiedlead");
  });

  it("an unknown owner is refused by HubSpot and nothing is written", async () => {
    await expect(port.handOffLeads([{ leadId: "1003", ownerId: "999" }], ORIGIN)).rejects.toThrow();
    expect(fake.state.objects.contacts.get("1003")?.properties.hubspot_owner_id).toBeUndefined();
  });
});
