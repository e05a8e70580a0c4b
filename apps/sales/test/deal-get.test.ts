import { tmpdir } from "node:os";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { roleFromTitle } from "../src/domain/roles";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** What one provider's deal must read back as; the same assertions run on every provider. */
interface Expected {
  stages: string[];
  activityTotal: number;
  /** Subjects of the newest activities, newest first. */
  newest: string[];
  /** Contact name → role (null: the CRM keeps none). */
  contacts: Record<string, string | null>;
  primary?: string;
}
interface Provider {
  crm: CrmPort;
  dealId: string;
  missingId: string;
  expected: Expected;
  close(): Promise<void>;
}

function describeDealRecordContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort.dealRecord contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    }, 60_000);
    afterAll(async () => p?.close());

    it("reads the deal with its stage history oldest first, ending in the current stage", async () => {
      const r = await p.crm.dealRecord(p.dealId, 2);
      expect(r?.deal.id).toBe(p.dealId);
      expect(r?.deal).toEqual(expect.objectContaining(await p.crm.getDeal(p.dealId)));
      expect(r?.stageHistory.map((h) => h.toStage)).toEqual(p.expected.stages);
      expect(r?.stageHistory.at(-1)?.toStage).toBe(r?.deal.stage);
      const times = r?.stageHistory.map((h) => h.changedAt) ?? [];
      expect(times).toEqual([...times].sort());
      r?.stageHistory.forEach((h, i) => {
        expect(h.fromStage).toBe(i === 0 ? null : r.stageHistory[i - 1]?.toStage);
      });
    });

    it("caps the activities at the newest N and states the total", async () => {
      const r = await p.crm.dealRecord(p.dealId, 2);
      expect(r?.activities.total).toBe(p.expected.activityTotal);
      expect(r?.activities.recent.map((a) => a.subject)).toEqual(p.expected.newest.slice(0, 2));
      const all = await p.crm.dealRecord(p.dealId, 50);
      expect(all?.activities.recent).toHaveLength(Math.min(50, p.expected.activityTotal));
      const at = all?.activities.recent.map((a) => a.occurredAt) ?? [];
      expect(at).toEqual([...at].sort().reverse());
      expect((await p.crm.dealRecord(p.dealId, 0))?.activities.recent).toEqual([]);
    });

    it("lists the people on the deal with the CRM's roles", async () => {
      const r = await p.crm.dealRecord(p.dealId, 0);
      expect(Object.fromEntries(r?.contacts.map((c) => [c.name, c.role]) ?? [])).toEqual(p.expected.contacts);
      if (p.expected.primary)
        expect(r?.contacts.filter((c) => c.primary).map((c) => c.name)).toEqual([p.expected.primary]);
    });

    it("answers undefined for an unknown deal", async () => {
      expect(await p.crm.dealRecord(p.missingId, 5)).toBeUndefined();
    });
  });
}

/** The sandbox's expectations straight from its tables (no code under test). */
async function sandboxProvider(db: SqlDb, close: () => Promise<void>): Promise<Provider> {
  await ensureSandboxLoaded(db, { scale: 0.05 });
  // the open deal with the most activities and at least two stage changes
  const pick = await db.one<{ id: string }>(
    `SELECT d.id FROM sb_deals d
     WHERE (SELECT COUNT(*) FROM sb_deal_stage_history h WHERE h.deal_id = d.id) >= 2
     ORDER BY (SELECT COUNT(*) FROM sb_activities a WHERE a.deal_id = d.id) DESC, d.id LIMIT 1`,
  );
  const dealId = pick?.id as string;
  const stages = await db.query<{ to_stage: string }>(
    "SELECT to_stage FROM sb_deal_stage_history WHERE deal_id = ? ORDER BY changed_at, id",
    [dealId],
  );
  const acts = await db.query<{ subject: string }>(
    "SELECT subject FROM sb_activities WHERE deal_id = ? ORDER BY occurred_at DESC, id DESC",
    [dealId],
  );
  const people = await db.query<{ name: string }>(
    `SELECT DISTINCT c.name FROM sb_activities a JOIN sb_contacts c ON c.id = a.contact_id WHERE a.deal_id = ?`,
    [dealId],
  );
  return {
    crm: new SandboxCrm(db) as CrmPort,
    dealId,
    missingId: "deal_nope",
    expected: {
      stages: stages.map((s) => s.to_stage),
      activityTotal: acts.length,
      newest: acts.map((a) => a.subject),
      contacts: Object.fromEntries(people.map((c) => [c.name, null])),
    },
    close,
  };
}

describeDealRecordContract("sandbox on SQLite", async () => {
  const db = await openSql({ dataDir: tempDataDir("deal-get") });
  return sandboxProvider(db, () => db.close());
});

describeDealRecordContract("sandbox on PostgreSQL", async () => {
  const schema = `deal_get_${process.pid}_${Date.now()}`;
  const admin = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const sep = PG_URL.includes("?") ? "&" : "?";
  const db = await openSql({
    databaseUrl: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    dataDir: tmpdir(),
  });
  return sandboxProvider(db, async () => {
    await db.close();
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  });
});

/** The sales server's CRM port for a vendor fake, exactly as the server builds it from its environment. */
async function vendorPort(env: Record<string, string>): Promise<{ crm: CrmPort; rt: KitRuntime }> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("deal-get-port") }),
    createLogger("silent", "test"),
  );
  try {
    return { rt, crm: (await createSalesServer().ports(rt)).crm };
  } finally {
    vi.unstubAllEnvs();
  }
}
const testVendor = (url: string) => ({
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});

describeDealRecordContract("Salesforce (jsforce) over its fake", async () => {
  const fake = await startSalesforceFake({
    User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
    Account: [{ Name: "Acme" }],
    Opportunity: [
      {
        Name: "Acme pilot",
        AccountId: "001000000000000002",
        StageName: "Proposal/Price Quote",
        Amount: 10_000,
      },
      { Name: "Other", AccountId: "001000000000000002", StageName: "Prospecting", Amount: 1 },
    ],
    OpportunityHistory: [
      { opportunity: 0, StageName: "Prospecting", CreatedDate: "2026-09-01T10:00:00.000+0000" },
      { opportunity: 0, StageName: "Qualification", CreatedDate: "2026-09-10T10:00:00.000+0000" },
      // an amount change in the same stage is no stage change
      {
        opportunity: 0,
        StageName: "Qualification",
        Amount: 9_000,
        CreatedDate: "2026-09-12T10:00:00.000+0000",
      },
      { opportunity: 0, StageName: "Proposal/Price Quote", CreatedDate: "2026-10-01T10:00:00.000+0000" },
    ],
    Contact: [
      { Name: "Dana Buyer", Title: "Chief Financial Officer", Email: "dana@acme.test" },
      { Name: "Eli User", Title: "Data Analyst", Email: "eli@acme.test" },
    ],
    Task: [
      {
        opportunity: 0,
        Subject: "Discovery call",
        TaskSubtype: "Call",
        ActivityDate: "2026-09-05",
        WhoId: "003000000000000005",
      },
      {
        opportunity: 0,
        Subject: "Sent proposal",
        TaskSubtype: "Email",
        ActivityDate: "2026-10-02",
        WhoId: "003000000000000005",
      },
      { opportunity: 1, Subject: "Not this deal", TaskSubtype: "Call", ActivityDate: "2026-10-03" },
    ],
    Event: [
      {
        opportunity: 0,
        Subject: "Pricing review",
        ActivityDateTime: "2026-10-20T15:00:00.000+0000",
        WhoId: "003000000000000006",
      },
    ],
    OpportunityContactRole: [
      { opportunity: 0, ContactId: "003000000000000005", Role: "Economic Buyer", IsPrimary: true },
    ],
  });
  const { crm, rt } = await vendorPort({
    SALES_CRM: "salesforce",
    SALESFORCE_ACCESS_TOKEN: "00D-static-token",
    ...testVendor(fake.url),
  });
  return {
    crm,
    dealId: "006000000000000003",
    missingId: "006000000000000999",
    expected: {
      stages: ["prospecting", "qualification", "proposal"],
      activityTotal: 3,
      newest: ["Pricing review", "Sent proposal", "Discovery call"],
      contacts: { "Dana Buyer": "Economic Buyer", "Eli User": null },
      primary: "Dana Buyer",
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describeDealRecordContract("HubSpot (@hubspot/api-client) over its fake", async () => {
  const fake = await startHubSpotFake({
    owners: [{ id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 }],
    deals: [
      {
        dealname: "Initech rollout",
        dealstage: "presentationscheduled",
        amount: "10000",
        closedate: "2026-12-15T00:00:00Z",
        hubspot_owner_id: "71",
        createdate: "2026-09-01T10:00:00.000Z",
      },
    ],
    contacts: [
      { firstname: "Dana", lastname: "Buyer", jobtitle: "CFO", email: "dana@initech.test" },
      { firstname: "Eli", lastname: "User", jobtitle: "Data Analyst", email: "eli@initech.test" },
    ],
    calls: [
      { hs_timestamp: "2026-09-05T10:00:00.000Z", hs_call_title: "Discovery call" },
      { hs_timestamp: "2026-10-02T10:00:00.000Z", hs_call_title: "Sent proposal" },
    ],
    meetings: [{ hs_timestamp: "2026-10-20T15:00:00.000Z", hs_meeting_title: "Pricing review" }],
    associations: [
      ["deals", "1001", "contacts", "1002", "Economic Buyer"],
      ["deals", "1001", "contacts", "1003"],
      ["deals", "1001", "calls", "1004"],
      ["deals", "1001", "calls", "1005"],
      ["deals", "1001", "meetings", "1006"],
    ],
    dealHistory: [
      ["1001", "dealstage", "appointmentscheduled", "2026-09-01T10:00:00.000Z"],
      ["1001", "dealstage", "qualifiedtobuy", "2026-09-10T10:00:00.000Z"],
      ["1001", "dealstage", "presentationscheduled", "2026-10-01T10:00:00.000Z"],
    ],
  });
  const { crm, rt } = await vendorPort({
    SALES_CRM: "hubspot",
    HUBSPOT_ACCESS_TOKEN: "pat-test",
    ...testVendor(fake.url),
  });
  return {
    crm,
    dealId: "1001",
    missingId: "999999",
    expected: {
      stages: ["prospecting", "qualification", "proposal"],
      activityTotal: 3,
      newest: ["Pricing review", "Sent proposal", "Discovery call"],
      contacts: { "Dana Buyer": "Economic Buyer", "Eli User": null },
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describe("deal_get through the MCP client on the sandbox", () => {
  let s: Awaited<ReturnType<typeof connectInProcess>>;
  beforeAll(async () => {
    s = await connectInProcess([createSalesServer()], { env: { REVOPS_TOOLSETS: "all" } });
  }, 60_000);
  afterAll(async () => s?.close());

  it("shows the deal, its history, capped activities with the total, and inferred roles", async () => {
    const list = await s.call("deals_list", { status: "open", limit: 1 });
    const id = list.data.deals[0].id as string;
    const r = await s.call("deal_get", { deal_id: id, activities: 1 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.deal.id).toBe(id);
    expect(r.data.activities.recent.length).toBeLessThanOrEqual(1);
    if (r.data.activities.total > 1) expect(r.data.caveats.join(" ")).toMatch(/Showing 1 of/);
    for (const c of r.data.contacts) {
      expect(c.role_source).toBe("title");
      expect(c.role).toBe(roleFromTitle(c.title));
    }
  });

  it("names the field when the deal does not exist", async () => {
    const r = await s.call("deal_get", { deal_id: "deal_nope" });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/deal_id/);
  });

  it("infers buying roles from titles", () => {
    expect(roleFromTitle("Chief Financial Officer")).toBe("economic_buyer");
    expect(roleFromTitle("VP of Sales")).toBe("decision_maker");
    expect(roleFromTitle("Director of IT")).toBe("influencer");
    expect(roleFromTitle("Procurement Specialist")).toBe("procurement");
    expect(roleFromTitle("Data Analyst")).toBe("user");
    expect(roleFromTitle("")).toBeNull();
  });
});

describe("deal_get on Salesforce with fields hidden by field-level security", () => {
  it("leaves hidden Task and Contact fields out instead of failing the read", async () => {
    const fake = await startSalesforceFake({
      User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
      Account: [{ Name: "Acme" }],
      Opportunity: [
        { Name: "Acme pilot", AccountId: "001000000000000002", StageName: "Prospecting", Amount: 1 },
      ],
      Contact: [{ Name: "Dana Buyer", Title: "CFO", Email: "dana@acme.test" }],
      Task: [
        {
          opportunity: 0,
          Subject: "Call",
          TaskSubtype: "Call",
          ActivityDate: "2026-09-05",
          WhoId: "003000000000000004",
        },
      ],
      OpportunityContactRole: [{ opportunity: 0, ContactId: "003000000000000004", Role: "Economic Buyer" }],
      hiddenFields: { Task: ["TaskSubtype"], Contact: ["Title"] },
    });
    const { crm, rt } = await vendorPort({
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: "00D-static-token",
      ...testVendor(fake.url),
    });
    try {
      const r = await crm.dealRecord("006000000000000003", 5);
      expect(r?.activities.recent.map((a) => [a.subject, a.type])).toEqual([["Call", "task"]]);
      expect(r?.contacts.map((c) => [c.name, c.title, c.role])).toEqual([
        ["Dana Buyer", "", "Economic Buyer"],
      ]);
    } finally {
      await rt.close(1000);
      await fake.close();
    }
  });
});
