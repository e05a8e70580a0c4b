import { tmpdir } from "node:os";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { DealRow, RiskDeal, Stage } from "@revops/model";
import { sandboxToday } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  type HubSpotState,
  type RunningFake,
  type SalesforceState,
  startHubSpotFake,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stageReachOf } from "../src/domain/forecast";
import type { CrmPort } from "../src/ports";

import { createSalesServer } from "../src/server";

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const OPEN_STAGES = ["prospecting", "qualification", "proposal", "negotiation"];

/** The risk facts of one deal, dates as days; null where the CRM keeps no such record. */
type Facts = Pick<RiskDeal, "contactsEngaged" | "closeDatePushes" | "amountCut"> & {
  stageEntered: string | null;
  lastActivity: string | null;
};

/** What a provider holds, as its seed says (the sandbox: as its tables say), independent of the code under test. */
interface Provider {
  crm: CrmPort;
  /** The provider's today (the sandbox's seeded day; a vendor's is the real date). */
  today: string;
  /** Whether the CRM's stage and field history is read (vendors: not for forecasts, by design; see ports.ts). */
  forecastHistory: boolean;
  /** An open deal and its risk facts; `typical`: median days per stage when the seed fixes them. */
  planted: { id: string; facts: Facts };
  typical?: Record<string, number>;
  /** A period, the deals it touched, and one of them with its whole recorded history. */
  period: { from: string; to: string; touched: string[] };
  timeline: { id: string; stages: Stage[]; amounts: [number, number][]; closeDates: [string, string][] };
  close(): Promise<void>;
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
const day = (v: string | null) => (v === null ? null : v.slice(0, 10));
const later = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);

async function openDeals(crm: CrmPort): Promise<DealRow[]> {
  const rows: DealRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await crm.listDeals({ status: "open", limit: 100, ...(cursor && { cursor }) });
    rows.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

/** The history-backed reads (deal risks, timelines, forecast history): the same assertions on every provider. */
function describeDealHistoryContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort openDealRisks, dealTimelines and forecast history contract: ${name}`, () => {
    let p: Provider;
    let open: DealRow[];
    beforeAll(async () => {
      p = await setup();
      open = await openDeals(p.crm);
    }, 120_000);
    afterAll(async () => p?.close());

    it("reads every open deal once with its list row's fields, and nothing closed", async () => {
      const r = await p.crm.openDealRisks({});
      expect(ids(r.deals)).toEqual(ids(open));
      for (const d of r.deals) {
        const row = open.find((x) => x.id === d.id) as DealRow;
        expect(d).toMatchObject({
          name: row.name,
          accountId: row.accountId,
          accountName: row.accountName,
          ownerId: row.ownerId,
          ownerName: row.ownerName,
          stage: row.stage,
          type: row.type,
          amount: row.amount,
          closeDate: row.closeDate,
        });
      }
    });

    it("filters by owner (id, email or name in any case) and deal type as the open rows say", async () => {
      const ownerId = open[0]?.ownerId as string;
      const owner = (await p.crm.listOwners()).find((o) => o.id === ownerId);
      const mine = ids(open.filter((d) => d.ownerId === ownerId));
      for (const q of [ownerId, owner?.email.toUpperCase(), owner?.name.toLowerCase()])
        expect(ids((await p.crm.openDealRisks({ owner: q })).deals)).toEqual(mine);
      const type = open[0]?.type;
      expect(ids((await p.crm.openDealRisks({ type })).deals)).toEqual(
        ids(open.filter((d) => d.type === type)),
      );
    });

    it("states the planted deal's risk facts, null only where the CRM keeps no record and a caveat says so", async () => {
      const r = await p.crm.openDealRisks({});
      const d = r.deals.find((x) => x.id === p.planted.id) as RiskDeal;
      expect({
        contactsEngaged: d.contactsEngaged,
        closeDatePushes: d.closeDatePushes,
        amountCut: d.amountCut,
        stageEntered: day(d.stageEnteredAt),
        lastActivity: day(d.lastActivityAt),
      }).toEqual(p.planted.facts);
      if (r.deals.some((x) => x.closeDatePushes === null || x.amountCut === null))
        expect(r.caveats.length).toBeGreaterThan(0);
    });

    it("gives typical days per open stage from closed deals' history, or none and says why", async () => {
      const r = await p.crm.openDealRisks({});
      for (const t of r.typical) {
        expect(OPEN_STAGES).toContain(t.stage);
        expect(t.samples).toBeGreaterThan(0);
        expect(t.medianDays).toBeGreaterThanOrEqual(0);
      }
      expect(new Set(r.typical.map((t) => t.stage)).size).toBe(r.typical.length);
      if (r.typical.length === 0) expect(r.caveats.length).toBeGreaterThan(0);
      if (p.typical)
        expect(Object.fromEntries(r.typical.map((t) => [t.stage, t.medianDays]))).toEqual(p.typical);
    });

    it("reads the deals a period touched, each as it is now with its history oldest first", async () => {
      const r = await p.crm.dealTimelines(p.period.from, p.period.to);
      expect(ids(r.deals)).toEqual([...p.period.touched].sort());
      for (const t of r.deals) {
        const row = (await p.crm.getDeal(t.id)) as DealRow;
        expect(t).toMatchObject({
          name: row.name,
          amount: row.amount,
          stage: row.stage,
          closeDate: row.closeDate,
        });
        for (const xs of [t.stages, t.amounts, t.closeDates]) {
          const at = xs.map((x) => x.at);
          expect(at).toEqual([...at].sort());
        }
        for (const c of [...t.amounts, ...t.closeDates]) expect(c.before).not.toEqual(c.after);
      }
      const t = r.deals.find((x) => x.id === p.timeline.id);
      expect(t?.stages.map((s) => s.stage)).toEqual(p.timeline.stages);
      expect(t?.amounts.map((c) => [c.before, c.after])).toEqual(p.timeline.amounts);
      expect(t?.closeDates.map((c) => [c.before, c.after])).toEqual(p.timeline.closeDates);
      expect((await p.crm.dealTimelines("2001-01-01", "2001-01-07")).deals).toEqual([]);
    });

    it("reads stage history for forecasts where the CRM's is read, and states none where it is not", async () => {
      const from = "2000-01-01";
      const closed = (await p.crm.dealsClosingBetween(from, p.today)).filter((d) =>
        d.stage.startsWith("closed_"),
      );
      expect(closed.length).toBeGreaterThan(0);
      const history = await p.crm.dealStageHistory(ids(closed));
      const conversion = await p.crm.conversionHistory(from, p.today);
      if (p.forecastHistory) {
        expect(history.length).toBeGreaterThan(0);
        expect(conversion.length).toBeGreaterThan(0);
      } else expect([history, conversion]).toEqual([[], []]);
      for (const h of history) expect(ids(closed)).toContain(h.dealId);
      // stage reach is what the closed deals and their history add up to, on every provider
      expect(await p.crm.stageReach(from, p.today)).toEqual(stageReachOf(closed, history));
    });

    it("rebuilds today's pipeline from the deals as they are, and none before any deal existed", async () => {
      const window = { from: "2000-01-01", to: "2099-12-31" };
      const cells = await p.crm.pipelineSnapshots([
        { asOf: p.today, ...window },
        { asOf: "2000-01-01", ...window },
      ]);
      const now = cells.filter((c) => c.point === 0);
      const all = await p.crm.dealsClosingBetween(window.from, window.to);
      expect(now.reduce((n, c) => n + c.deals, 0)).toBe(all.length);
      expect(now.reduce((n, c) => n + c.amount, 0)).toBe(all.reduce((n, d) => n + d.amount, 0));
      for (const c of cells.filter((x) => x.point === 1)) expect(c.stage).toBe("not_created");
    });

    it("counts the close-date pushes and amount cut a write records, where the CRM records them", async () => {
      const before = (await p.crm.openDealRisks({})).deals.find((d) => d.id === p.planted.id) as RiskDeal;
      const origin = (k: string) => ({
        principal: "contract",
        idempotencyKey: `history-${k}-${p.planted.id}`,
      });
      await p.crm.updateDeal(p.planted.id, { closeDate: later(before.closeDate, 30) }, origin("push-1"));
      await p.crm.updateDeal(p.planted.id, { closeDate: later(before.closeDate, 60) }, origin("push-2"));
      await p.crm.updateDeal(p.planted.id, { amount: before.amount - 1000 }, origin("cut"));
      const after = (await p.crm.openDealRisks({})).deals.find((d) => d.id === p.planted.id) as RiskDeal;
      const plus = (v: number | null, n: number) => (v === null ? null : v + n);
      expect([after.closeDatePushes, after.amountCut]).toEqual([
        plus(before.closeDatePushes, 2),
        plus(before.amountCut, 1000),
      ]);
    });
  });
}

/** The sandbox as the sales server builds it; expectations from its tables with SQL. */
/** The sandbox as the sales server builds it on this database; expectations from its tables with SQL. */
async function sandboxProvider(env: Record<string, string>, drop?: () => Promise<void>): Promise<Provider> {
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("deal-history"), SANDBOX_SCALE: "0.05", ...env }),
    createLogger("silent", "test"),
  );
  const crm = (await createSalesServer().ports(rt)).crm;
  await crm.listOwners(); // loads the company
  const db = await rt.sql();
  const today = await sandboxToday(db);
  // an open deal with several contacts on its activities and a stage history row for its stage
  const d = await db.one<Record<string, string | number | null>>(
    `SELECT d.id, d.stage, d.last_activity_at,
       (SELECT MAX(h.changed_at) FROM sb_deal_stage_history h WHERE h.deal_id = d.id AND h.to_stage = d.stage) AS entered,
       (SELECT COUNT(DISTINCT a.contact_id) FROM sb_activities a WHERE a.deal_id = d.id) AS contacts
     FROM sb_deals d WHERE d.stage NOT IN ('closed_won', 'closed_lost')
       AND NOT EXISTS (SELECT 1 FROM sb_changes c WHERE c.entity = 'deal' AND c.record_id = d.id)
     ORDER BY contacts DESC, d.id LIMIT 1`,
  );
  const [from, to] = ["2026-07-01", "2026-09-30"];
  const touched = await db.query<{ id: string }>(
    `SELECT d.id FROM sb_deals d
     WHERE substr(d.created_date, 1, 10) BETWEEN ? AND ? OR d.close_date BETWEEN ? AND ?
       OR EXISTS (SELECT 1 FROM sb_deal_stage_history h WHERE h.deal_id = d.id AND substr(h.changed_at, 1, 10) BETWEEN ? AND ?)
       OR EXISTS (SELECT 1 FROM sb_changes c WHERE c.entity = 'deal' AND c.record_id = d.id AND substr(c.at, 1, 10) BETWEEN ? AND ?)`,
    [from, to, from, to, from, to, from, to],
  );
  // the touched deal with the longest stage history
  const longest = await db.one<{ deal_id: string }>(
    `SELECT deal_id FROM sb_deal_stage_history WHERE deal_id IN (${touched.map(() => "?").join(", ")})
     GROUP BY deal_id ORDER BY COUNT(*) DESC, deal_id LIMIT 1`,
    touched.map((t) => t.id),
  );
  const stages = await db.query<{ to_stage: Stage }>(
    "SELECT to_stage FROM sb_deal_stage_history WHERE deal_id = ? ORDER BY changed_at, id",
    [longest?.deal_id],
  );
  return {
    crm,
    today,
    forecastHistory: true,
    planted: {
      id: String(d?.id),
      facts: {
        contactsEngaged: Number(d?.contacts),
        closeDatePushes: 0,
        amountCut: 0,
        stageEntered: day(d?.entered == null ? null : String(d.entered)),
        lastActivity: day(d?.last_activity_at == null ? null : String(d.last_activity_at)),
      },
    },
    period: { from, to, touched: touched.map((t) => t.id) },
    // the seed journals no field changes: a timeline's amounts and close dates start empty
    timeline: {
      id: String(longest?.deal_id),
      stages: stages.map((s) => s.to_stage),
      amounts: [],
      closeDates: [],
    },
    close: async () => {
      await rt.close(1000);
      await drop?.();
    },
  };
}

describeDealHistoryContract("sandbox on SQLite", () => sandboxProvider({}));

describeDealHistoryContract("sandbox on PostgreSQL", async () => {
  // a schema of its own, so the shared test database is left alone
  const schema = `deal_history_${process.pid}_${Date.now()}`;
  const admin: SqlDb = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const sep = PG_URL.includes("?") ? "&" : "?";
  return sandboxProvider(
    { DATABASE_URL: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}` },
    async () => {
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    },
  );
});

// Vendor "today" is the real date: every seeded date is relative to it.
const TODAY = new Date().toISOString().slice(0, 10);
const ago = (n: number) => later(TODAY, -n);
const PERIOD = { from: ago(35), to: ago(25) };

/** The sales server's CRM port for a vendor fake, exactly as the server builds it from its environment. */
async function vendorPort(fakeUrl: string, env: Record<string, string>) {
  const all = { ...env, REVOPS_TEST_VENDOR_BASE_URL: fakeUrl, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" };
  for (const [k, v] of Object.entries(all)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("deal-history-vendor") }),
    createLogger("silent", "test"),
  );
  try {
    return { rt, crm: (await createSalesServer().ports(rt)).crm };
  } finally {
    vi.unstubAllEnvs();
  }
}

// the fake numbers records with one counter in seed order: users 1-2, accounts 3-4, opportunities 5-8
const SF_ADA = "005000000000000001";
const SF_BRIAN = "005000000000000002";
const SF_NORTHWIND = "001000000000000003";
const SF_GLOBEX = "001000000000000004";
const SF_EXPANSION = "006000000000000005";
const sfTime = (n: number) => `${ago(n)}T10:00:00.000+0000`;

describeDealHistoryContract("Salesforce (jsforce) over its fake", async () => {
  const opp = (Name: string, StageName: string, Amount: number, CloseDate: string, created: number) => ({
    Name,
    StageName,
    Amount,
    CloseDate,
    AccountId: SF_GLOBEX,
    OwnerId: SF_BRIAN,
    Type: "New Customer",
    CreatedDate: sfTime(created),
  });
  const fake: RunningFake<SalesforceState> = await startSalesforceFake({
    User: [
      { Name: "Ada Lovelace", Email: "ada@example.com" },
      { Name: "Brian Kernighan", Email: "bk@example.com" },
    ],
    Account: [
      { Name: "Northwind Traders", Website: "northwind.test", OwnerId: SF_ADA, Type: "Customer - Direct" },
      { Name: "Globex", Website: "globex.test", OwnerId: SF_BRIAN, Type: "Prospect" },
    ],
    Opportunity: [
      {
        ...opp("Northwind expansion", "Negotiation/Review", 100_000, ago(5), 120),
        AccountId: SF_NORTHWIND,
        OwnerId: SF_ADA,
        Type: "Existing Customer - Upgrade",
        LastActivityDate: ago(40),
        LastStageChangeDate: ago(60),
      },
      { ...opp("Globex platform", "Proposal/Price Quote", 50_000, ago(-30), 6), LastActivityDate: ago(2) },
      opp("Old win", "Closed Won", 10_000, ago(110), 150),
      opp("Old loss", "Closed Lost", 10_000, ago(70), 100),
    ],
    OpportunityHistory: [
      // the open deal: close date pushed twice, amount cut from 120k to 100k
      {
        opportunity: 0,
        StageName: "Prospecting",
        Amount: 120_000,
        CloseDate: ago(40),
        CreatedDate: sfTime(120),
      },
      {
        opportunity: 0,
        StageName: "Negotiation/Review",
        Amount: 120_000,
        CloseDate: ago(20),
        CreatedDate: sfTime(60),
      },
      {
        opportunity: 0,
        StageName: "Negotiation/Review",
        Amount: 100_000,
        CloseDate: ago(5),
        CreatedDate: sfTime(30),
      },
      // closed deals: 20 and 30 days in negotiation (median 25), 20 in proposal
      { opportunity: 2, StageName: "Proposal/Price Quote", CreatedDate: sfTime(150) },
      { opportunity: 2, StageName: "Negotiation/Review", CreatedDate: sfTime(130) },
      { opportunity: 2, StageName: "Closed Won", CreatedDate: sfTime(110) },
      { opportunity: 3, StageName: "Negotiation/Review", CreatedDate: sfTime(100) },
      { opportunity: 3, StageName: "Closed Lost", CreatedDate: sfTime(70) },
    ],
    OpportunityContactRole: [
      { opportunity: 0, ContactId: "003000000000000001" },
      { opportunity: 1, ContactId: "003000000000000001" },
      { opportunity: 1, ContactId: "003000000000000002" },
    ],
  });
  const { crm, rt } = await vendorPort(fake.url, {
    SALES_CRM: "salesforce",
    SALESFORCE_ACCESS_TOKEN: "00D-static-token",
  });
  return {
    crm,
    today: TODAY,
    forecastHistory: false,
    planted: {
      id: SF_EXPANSION,
      facts: {
        contactsEngaged: 1,
        closeDatePushes: 2,
        amountCut: 20_000,
        stageEntered: ago(60),
        lastActivity: ago(40),
      },
    },
    typical: { negotiation: 25, proposal: 20 },
    period: { ...PERIOD, touched: [SF_EXPANSION] },
    timeline: {
      id: SF_EXPANSION,
      stages: ["prospecting", "negotiation"],
      amounts: [[120_000, 100_000]],
      closeDates: [
        [ago(40), ago(20)],
        [ago(20), ago(5)],
      ],
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

// the fake numbers records from 1001 in seed order: deals 1001-1004, companies 1005-1006, contacts 1007-1008
const HS_EXPANSION = "1001";
const HS_NORTHWIND = "1005";
const HS_GLOBEX = "1006";
const hsTime = (n: number) => `${ago(n)}T10:00:00.000Z`;

describeDealHistoryContract("HubSpot (@hubspot/api-client) over its fake", async () => {
  const deal = (dealname: string, dealstage: string, amount: number, close: string, created: number) => ({
    dealname,
    dealstage,
    pipeline: "default",
    amount: String(amount),
    closedate: `${close}T00:00:00Z`,
    hubspot_owner_id: "72",
    dealtype: "newbusiness",
    createdate: hsTime(created),
  });
  const fake: RunningFake<HubSpotState> = await startHubSpotFake({
    owners: [
      { id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 },
      { id: "72", email: "bob@example.com", firstName: "Bob", lastName: "Ray", userId: 2 },
    ],
    deals: [
      {
        ...deal("Northwind expansion", "contractsent", 100_000, ago(5), 120),
        hubspot_owner_id: "71",
        dealtype: "existingbusiness",
        notes_last_updated: hsTime(40),
        hs_v2_date_entered_current_stage: hsTime(60),
      },
      {
        ...deal("Globex platform", "presentationscheduled", 50_000, ago(-30), 6),
        notes_last_updated: hsTime(2),
      },
      deal("Old win", "closedwon", 10_000, ago(110), 150),
      deal("Old loss", "closedlost", 10_000, ago(70), 100),
    ],
    dealHistory: [
      ["1001", "dealstage", "appointmentscheduled", hsTime(120)],
      ["1001", "dealstage", "contractsent", hsTime(60)],
      ["1001", "amount", "120000", hsTime(120)],
      ["1001", "amount", "100000", hsTime(30)],
      ["1001", "closedate", `${ago(40)}T00:00:00Z`, hsTime(120)],
      ["1001", "closedate", `${ago(20)}T00:00:00Z`, hsTime(60)],
      ["1001", "closedate", `${ago(5)}T00:00:00Z`, hsTime(30)],
    ],
    companies: [
      {
        name: "Northwind Traders",
        domain: "northwind.test",
        hubspot_owner_id: "71",
        lifecyclestage: "customer",
      },
      { name: "Globex", domain: "globex.test", hubspot_owner_id: "72", lifecyclestage: "lead" },
    ],
    contacts: [
      { firstname: "Pat", lastname: "One", email: "pat@northwind.test" },
      { firstname: "Sam", lastname: "Two", email: "sam@globex.test" },
    ],
    associations: [
      ["deals", HS_EXPANSION, "companies", HS_NORTHWIND],
      ["deals", HS_EXPANSION, "contacts", "1007"],
      ["deals", "1002", "companies", HS_GLOBEX],
      ["deals", "1003", "companies", HS_GLOBEX],
      ["deals", "1004", "companies", HS_GLOBEX],
      ["deals", "1002", "contacts", "1007"],
      ["deals", "1002", "contacts", "1008"],
    ],
  });
  const { crm, rt } = await vendorPort(fake.url, { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test" });
  return {
    crm,
    today: TODAY,
    forecastHistory: false,
    // HubSpot's risk read keeps no close-date or amount history (a caveat says so)
    planted: {
      id: HS_EXPANSION,
      facts: {
        contactsEngaged: 1,
        closeDatePushes: null,
        amountCut: null,
        stageEntered: ago(60),
        lastActivity: ago(40),
      },
    },
    period: { ...PERIOD, touched: [HS_EXPANSION] },
    timeline: {
      id: HS_EXPANSION,
      stages: ["prospecting", "negotiation"],
      amounts: [[120_000, 100_000]],
      closeDates: [
        [ago(40), ago(20)],
        [ago(20), ago(5)],
      ],
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});
