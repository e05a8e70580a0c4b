import { tmpdir } from "node:os";
import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrmPort, LeadConversion } from "../src/ports";
import { hubspotLeadProvider, type LeadProvider, salesforceLeadProvider } from "./lead-convert-vendors";

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

// ---------------------------------------------------------------------------------------------------------------
// One contract for CrmPort.getLead / updateLead / convertLead, the same assertions on every provider.

function describeLeadContract(name: string, setup: () => Promise<LeadProvider>) {
  describe(`CrmPort lead contract: ${name}`, () => {
    let p: LeadProvider;
    const origin = (key: string) => ({ principal: "ann", idempotencyKey: key });
    const conversion = (lead: string, over: Partial<LeadConversion> = {}): LeadConversion => ({
      accountName: `${lead} Corp`,
      domain: `${lead.toLowerCase()}.test`,
      deal: {
        name: `${lead} deal`,
        amount: 24_000,
        closeDate: "2027-01-29",
        stage: "prospecting",
        type: "new_business",
        ownerId: p.ownerId,
      },
      ...over,
    });
    beforeAll(async () => {
      p = await setup();
    }, 60_000);
    afterAll(async () => p?.close());

    it("reads a lead fresh and updates its status and owner, before → after, refusing a stale plan", async () => {
      const lead = await p.crm.getLead(p.leads.update);
      expect(lead).toMatchObject({ id: p.leads.update, converted: false, conversion: null });
      const w = await p.crm.updateLead(
        p.leads.update,
        { status: p.status, ownerId: p.ownerId },
        origin("u-1"),
        { status: lead?.status },
      );
      expect(w).toMatchObject({ system: p.system, id: p.leads.update });
      expect(w?.lead).toMatchObject({ status: p.status, ownerId: p.ownerId });
      expect(await p.crm.getLead(p.leads.update)).toEqual(w?.lead);
      await expect(
        p.crm.updateLead(p.leads.update, { status: p.otherStatus }, origin("u-2"), { status: "nope" }),
      ).rejects.toThrow(/^conflict:/);
      expect(
        await p.crm.updateLead("00Q999999999999999", { status: p.status }, origin("u-3")),
      ).toBeUndefined();
    });

    it("converts a lead into a new account, contact and deal once per key", async () => {
      const w = await p.crm.convertLead(p.leads.fresh, conversion("Fresh"), origin("c-1"));
      expect(w).toMatchObject({
        system: p.system,
        leadId: p.leads.fresh,
        account: { name: "Fresh Corp", created: true },
        contact: { created: p.system !== "hubspot" },
        deal: { name: "Fresh deal" },
        recovered: false,
      });
      const lead = await p.crm.getLead(p.leads.fresh);
      expect(lead?.converted).toBe(true);
      expect(lead?.conversion?.dealId).toBe(w.deal.id);
      const deal = await p.crm.getDeal(w.deal.id);
      expect(deal).toMatchObject({ accountId: w.account.id, amount: 24_000, closeDate: "2027-01-29" });
      const again = await p.crm.convertLead(p.leads.fresh, conversion("Fresh"), origin("c-1"));
      expect(again).toMatchObject({
        recovered: true,
        deal: { id: w.deal.id },
        account: { id: w.account.id },
      });
      expect(await p.count("Fresh")).toEqual({ accounts: 1, deals: 1, contacts: 1 });
      await expect(p.crm.convertLead(p.leads.fresh, conversion("Fresh"), origin("c-2"))).rejects.toThrow(
        /^lead_id: .*already converted/,
      );
      await expect(p.crm.updateLead(p.leads.fresh, { status: p.status }, origin("u-4"))).rejects.toThrow(
        /^lead_id:/,
      );
    });

    it("reuses an existing account instead of creating one", async () => {
      const w = await p.crm.convertLead(
        p.leads.reuse,
        conversion("Reuse", { accountId: p.accountId, accountName: p.accountName }),
        origin("c-3"),
      );
      expect(w.account).toEqual({ id: p.accountId, name: p.accountName, created: false });
      expect((await p.crm.getDeal(w.deal.id))?.accountId).toBe(p.accountId);
      expect(await p.count("Reuse")).toEqual({ accounts: 0, deals: 1, contacts: 1 });
    });

    it("looks the records up after an ambiguous failure instead of creating them twice", async () => {
      p.failAfterWrite();
      const w = await p.crm.convertLead(p.leads.ambiguous, conversion("Ambiguous"), origin("c-4"));
      expect((await p.crm.getLead(p.leads.ambiguous))?.conversion?.dealId).toBe(w.deal.id);
      expect(await p.count("Ambiguous")).toEqual({ accounts: 1, deals: 1, contacts: 1 });
    });
  });
}

async function sandboxProvider(db: SqlDb, close: () => Promise<void>): Promise<LeadProvider> {
  await ensureSandboxLoaded(db, { scale: 0.05 });
  const leads = await db.query<{ id: string }>(
    "SELECT id FROM sb_leads WHERE status NOT IN ('converted', 'disqualified') ORDER BY id LIMIT 4",
  );
  const account = await db.one<{ id: string; name: string; owner_id: string }>(
    "SELECT id, name, owner_id FROM sb_accounts ORDER BY id LIMIT 1",
  );
  const crm = new SandboxCrm(db) as CrmPort;
  let fail = false;
  const n = async (sql: string, v: string) => Number((await db.one<{ n: number }>(sql, [v]))?.n);
  return {
    // the sandbox's write is one transaction: "applied, answer lost" is the same plan run a second time
    crm: Object.assign(Object.create(crm), {
      convertLead: async (...args: Parameters<CrmPort["convertLead"]>) => {
        if (!fail) return crm.convertLead(...args);
        fail = false;
        await crm.convertLead(...args);
        return crm.convertLead(...args);
      },
    }) as CrmPort,
    system: "sandbox",
    leads: {
      update: leads[0]?.id as string,
      fresh: leads[1]?.id as string,
      reuse: leads[2]?.id as string,
      ambiguous: leads[3]?.id as string,
    },
    status: "sql",
    otherStatus: "working",
    ownerId: account?.owner_id as string,
    accountId: account?.id as string,
    accountName: account?.name as string,
    count: async (prefix) => ({
      accounts: await n("SELECT COUNT(*) AS n FROM sb_accounts WHERE name = ?", `${prefix} Corp`),
      deals: await n("SELECT COUNT(*) AS n FROM sb_deals WHERE name = ?", `${prefix} deal`),
      contacts: await n(
        "SELECT COUNT(*) AS n FROM sb_lead_conversions c JOIN sb_deals d ON d.id = c.deal_id WHERE d.name = ?",
        `${prefix} deal`,
      ),
    }),
    failAfterWrite: () => {
      fail = true;
    },
    close,
  };
}

describeLeadContract("sandbox on SQLite", async () => {
  const db = await openSql({ dataDir: tempDataDir("lead-convert") });
  return sandboxProvider(db, () => db.close());
});

describeLeadContract("sandbox on PostgreSQL", async () => {
  const schema = `lead_convert_${process.pid}_${Date.now()}`;
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

describeLeadContract("Salesforce (jsforce) over its fake", salesforceLeadProvider);
describeLeadContract("HubSpot (@hubspot/api-client) over its fake", hubspotLeadProvider);
