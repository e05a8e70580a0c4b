import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { DealRow } from "@revops/model";
import {
  type HubSpotState,
  pgSchema,
  type RunningFake,
  type SalesforceState,
  startHubSpotFake,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";

/** What a provider holds, as its seed says (the sandbox: as its tables say), independent of the code under test. */
interface Provider {
  crm: CrmPort;
  deals: { total: number; open: number; won: number; lost: number };
  /** An account with open deals and contacts. */
  account: { id: string; name: string; domain: string; contacts: number; openDeals: number };
  /** An owner of at least one deal and at least two accounts. */
  owner: { id: string; name: string; email: string };
  /** A contact of `account`. */
  contact: { id: string; name: string; email: string; accountId: string };
  missingAccountId: string;
  missingDealId: string;
  close(): Promise<void>;
}

/** Every row of listDeals under `q`, page after page, checking each page states the same total. */
async function allDeals(crm: CrmPort, q: Parameters<CrmPort["listDeals"]>[0], limit = 100) {
  const rows: DealRow[] = [];
  let cursor: string | undefined;
  let total: number | undefined;
  do {
    const page = await crm.listDeals({ ...q, limit, ...(cursor && { cursor }) });
    total ??= page.total;
    expect(page.total).toBe(total);
    rows.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { rows, total: total ?? 0 };
}
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

/** The deal, account, contact and owner reads most sales tools stand on: the same assertions on every provider. */
function describeCrmReadContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort deal, account, contact and owner reads contract: ${name}`, () => {
    let p: Provider;
    let every: DealRow[];
    beforeAll(async () => {
      p = await setup();
      every = (await allDeals(p.crm, {})).rows;
    }, 120_000);
    afterAll(async () => p?.close());

    it("lists every deal once, newest close date first, named and in our stage vocabulary", async () => {
      const { rows, total } = await allDeals(p.crm, {});
      expect(total).toBe(p.deals.total);
      expect(new Set(ids(rows)).size).toBe(p.deals.total);
      const dates = rows.map((d) => d.closeDate);
      expect(dates).toEqual([...dates].sort().reverse());
      for (const d of rows) {
        expect(d.name.length * d.accountName.length * d.ownerName.length).toBeGreaterThan(0);
        expect(d.closeDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(d.amount).toBeGreaterThanOrEqual(0);
      }
      const stages = new Set(rows.map((d) => d.stage));
      for (const s of stages)
        expect([
          "prospecting",
          "qualification",
          "proposal",
          "negotiation",
          "closed_won",
          "closed_lost",
        ]).toContain(s);
    });

    it("pages open deals with an opaque cursor: each once, the total on every page", async () => {
      const limit = Math.max(2, Math.ceil(p.deals.open / 3));
      const { rows, total } = await allDeals(p.crm, { status: "open" }, limit);
      expect(total).toBe(p.deals.open);
      expect(new Set(ids(rows)).size).toBe(p.deals.open);
      expect(rows.every((d) => !d.stage.startsWith("closed_"))).toBe(true);
      await expect(p.crm.listDeals({ cursor: "garbage" })).rejects.toThrow();
    });

    it("filters by status, stage, account, owner (id, name or email in any case) and amount, as the rows say", async () => {
      const check = async (q: Parameters<CrmPort["listDeals"]>[0], keep: (d: DealRow) => boolean) =>
        expect(ids((await allDeals(p.crm, q)).rows)).toEqual(ids(every.filter(keep)));
      expect(every.filter((d) => d.stage === "closed_won")).toHaveLength(p.deals.won);
      expect(every.filter((d) => d.stage === "closed_lost")).toHaveLength(p.deals.lost);
      await check({ status: "won" }, (d) => d.stage === "closed_won");
      await check({ status: "lost" }, (d) => d.stage === "closed_lost");
      await check({ stage: "closed_won" }, (d) => d.stage === "closed_won");
      await check({ accountId: p.account.id }, (d) => d.accountId === p.account.id);
      const mine = (d: DealRow) => d.ownerId === p.owner.id;
      await check({ owner: p.owner.id }, mine);
      await check({ owner: p.owner.email.toUpperCase() }, mine);
      await check({ owner: p.owner.name.toLowerCase() }, mine);
      const median = [...every.map((d) => d.amount)].sort((a, b) => a - b)[every.length >> 1] ?? 0;
      await check(
        { minAmount: median, status: "open" },
        (d) => d.amount >= median && !d.stage.startsWith("closed_"),
      );
    });

    it("reads the deals closing in a range as listDeals' close-date filter does", async () => {
      const dates = [...new Set(every.map((d) => d.closeDate))].sort();
      const from = dates[Math.floor(dates.length / 4)] as string;
      const to = dates[Math.floor((dates.length * 3) / 4)] as string;
      const inRange = every.filter((d) => d.closeDate >= from && d.closeDate <= to);
      expect(inRange.length).toBeGreaterThan(0);
      expect(ids(await p.crm.dealsClosingBetween(from, to))).toEqual(ids(inRange));
      expect(ids((await allDeals(p.crm, { closeFrom: from, closeTo: to })).rows)).toEqual(ids(inRange));
      const owned = await p.crm.dealsClosingBetween(from, to, p.owner.id);
      expect(ids(owned)).toEqual(ids(inRange.filter((d) => d.ownerId === p.owner.id)));
    });

    it("reads the deals won and lost in a range as the deal list shows them", async () => {
      const dates = every.map((d) => d.closeDate).sort();
      const [from, to] = [dates[0] as string, dates.at(-1) as string];
      const closed = await p.crm.closedDeals(from, to);
      const listed = every.filter((d) => d.stage === "closed_won" || d.stage === "closed_lost");
      expect(ids(closed)).toEqual(ids(listed));
      for (const c of closed) {
        const d = listed.find((x) => x.id === c.id) as DealRow;
        expect(c).toMatchObject({
          won: d.stage === "closed_won",
          amount: d.amount,
          ownerName: d.ownerName,
          type: d.type,
          closeDate: d.closeDate,
        });
        if (c.won) expect([c.lossReason, c.lostFrom]).toEqual([null, null]);
        else if (c.lostFrom)
          expect(["prospecting", "qualification", "proposal", "negotiation"]).toContain(c.lostFrom);
      }
      const mid = dates[dates.length >> 1] as string;
      expect(ids(await p.crm.closedDeals(from, mid))).toEqual(ids(listed.filter((d) => d.closeDate <= mid)));
    });

    it("gets a deal fresh as its list row says, and nothing for an unknown id", async () => {
      for (const row of [every[0], every.at(-1)] as DealRow[]) {
        const d = await p.crm.getDeal(row.id);
        expect(d).toMatchObject({
          id: row.id,
          name: row.name,
          accountId: row.accountId,
          stage: row.stage,
          amount: row.amount,
          closeDate: row.closeDate,
          ownerId: row.ownerId,
        });
        expect(d).toHaveProperty("nextStep");
      }
      expect(await p.crm.getDeal(p.missingDealId)).toBeUndefined();
    });

    it("gets an account with its contacts and open deals, and nothing for an unknown id", async () => {
      const a = await p.crm.getAccount(p.account.id);
      expect(a).toMatchObject({ id: p.account.id, name: p.account.name, domain: p.account.domain });
      expect(a?.contacts.total).toBe(p.account.contacts);
      expect(a?.contacts.top.length).toBeLessThanOrEqual(p.account.contacts);
      const open = every.filter((d) => d.accountId === p.account.id && !d.stage.startsWith("closed_"));
      expect(open).toHaveLength(p.account.openDeals);
      expect(ids(a?.openDeals ?? [])).toEqual(ids(open));
      expect(await p.crm.getAccount(p.missingAccountId)).toBeUndefined();
    });

    it("finds an account by the start of its name in any case; nothing for a prefix no name has", async () => {
      const found = await p.crm.searchAccounts(p.account.name.slice(0, 3).toLowerCase(), 10);
      expect(found).toContainEqual({ id: p.account.id, name: p.account.name });
      for (const f of found)
        expect(f.name.toLowerCase().startsWith(p.account.name.slice(0, 3).toLowerCase())).toBe(true);
      expect(await p.crm.searchAccounts("zzqx", 10)).toEqual([]);
    });

    it("lists every deal owner with the name the deals show", async () => {
      const owners = await p.crm.listOwners();
      expect(owners).toContainEqual(expect.objectContaining(p.owner));
      const byId = new Map(owners.map((o) => [o.id, o.name]));
      for (const d of every) expect(byId.get(d.ownerId)).toBe(d.ownerName);
    });

    it("finds candidate accounts by name (any case, one letter missing), each row as getAccount reads it", async () => {
      const typo =
        p.account.name.length > 4 ? p.account.name.slice(0, -2) + p.account.name.slice(-1) : p.account.name;
      for (const name of [p.account.name.toLowerCase(), typo]) {
        const { rows } = await p.crm.accountCandidates({ name });
        expect(rows.map((r) => r.id)).toContain(p.account.id);
      }
      const row = (await p.crm.accountCandidates({ name: p.account.name })).rows.find(
        (r) => r.id === p.account.id,
      );
      const a = await p.crm.getAccount(p.account.id);
      expect(row).toMatchObject({
        name: a?.name,
        domain: a?.domain,
        ownerId: a?.ownerId,
        ownerName: a?.ownerName,
      });
      expect((await p.crm.accountCandidates({ name: "Zzqxv" })).rows).toEqual([]);
    });

    it("filters candidate accounts exactly by domain (as a website too) and by owner; capped past the limit", async () => {
      const byDomain = await p.crm.accountCandidates({ domain: `https://www.${p.account.domain}/` });
      expect(byDomain.rows.map((r) => r.id)).toContain(p.account.id);
      for (const r of byDomain.rows) expect(r.domain).toBe(p.account.domain);
      const byId = await p.crm.accountCandidates({ owner: p.owner.id });
      expect(byId.rows.length).toBeGreaterThanOrEqual(2);
      for (const r of byId.rows) expect(r.ownerId).toBe(p.owner.id);
      expect(ids((await p.crm.accountCandidates({ owner: p.owner.email.toUpperCase() })).rows)).toEqual(
        ids(byId.rows),
      );
      const one = await p.crm.accountCandidates({ owner: p.owner.id, limit: 1 });
      expect(one.rows).toHaveLength(1);
      expect(one.capped).toBe(true);
      expect(byId.capped).toBe(false);
    });

    it("finds candidate contacts by whole or partial email, by name and by account id, as contactByEmail reads them", async () => {
      const c = p.contact;
      const fresh = await p.crm.contactByEmail(c.email.toUpperCase());
      expect(fresh).toMatchObject({ id: c.id, name: c.name, accountId: c.accountId });
      const byEmail = await p.crm.contactCandidates({ email: c.email });
      expect(byEmail.rows.find((r) => r.id === c.id)).toMatchObject({
        name: fresh?.name,
        title: fresh?.title,
        email: fresh?.email,
        accountId: fresh?.accountId,
        accountName: fresh?.accountName,
      });
      const local = c.email.split("@")[0] as string;
      expect(ids((await p.crm.contactCandidates({ email: `${local}@` })).rows)).toContain(c.id);
      expect(ids((await p.crm.contactCandidates({ name: c.name.toLowerCase() })).rows)).toContain(c.id);
      const byAccount = await p.crm.contactCandidates({ account: c.accountId });
      expect(ids(byAccount.rows)).toContain(c.id);
      for (const r of byAccount.rows) expect(r.accountId).toBe(c.accountId);
      expect((await p.crm.contactCandidates({ email: "nobody@zzqxv.invalid" })).rows).toEqual([]);
    });
  });
}

/** The sandbox as the sales server builds it; expectations from its tables with SQL. */
async function sandboxProvider(env: Record<string, string>, drop?: () => Promise<void>): Promise<Provider> {
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("crm-read"), SANDBOX_SCALE: "0.05", ...env }),
    createLogger("silent", "test"),
  );
  const crm = (await createSalesServer().ports(rt)).crm;
  await crm.listOwners(); // loads the company
  const db = await rt.sql();
  const count = async (where: string) =>
    Number((await db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM sb_deals WHERE ${where}`))?.n);
  const acc = await db.one<{ id: string; name: string; domain: string; contacts: number; open: number }>(
    `SELECT a.id, a.name, a.domain,
       (SELECT COUNT(*) FROM sb_contacts c WHERE c.account_id = a.id) AS contacts,
       (SELECT COUNT(*) FROM sb_deals d WHERE d.account_id = a.id AND d.stage NOT LIKE 'closed_%') AS open
     FROM sb_accounts a ORDER BY open DESC, a.id LIMIT 1`,
  );
  const owner = await db.one<{ id: string; name: string; email: string }>(
    `SELECT u.id, u.name, u.email FROM sb_users u
     WHERE EXISTS (SELECT 1 FROM sb_deals d WHERE d.owner_id = u.id)
       AND (SELECT COUNT(*) FROM sb_accounts a WHERE a.owner_id = u.id) >= 2
     ORDER BY u.id LIMIT 1`,
  );
  const contact = await db.one<{ id: string; name: string; email: string; account_id: string }>(
    "SELECT id, name, email, account_id FROM sb_contacts WHERE account_id = ? ORDER BY id LIMIT 1",
    [acc?.id],
  );
  return {
    crm,
    deals: {
      total: await count("1 = 1"),
      open: await count("stage NOT LIKE 'closed_%'"),
      won: await count("stage = 'closed_won'"),
      lost: await count("stage = 'closed_lost'"),
    },
    account: {
      id: String(acc?.id),
      name: String(acc?.name),
      domain: String(acc?.domain),
      contacts: Number(acc?.contacts),
      openDeals: Number(acc?.open),
    },
    owner: owner as Provider["owner"],
    contact: {
      id: String(contact?.id),
      name: String(contact?.name),
      email: String(contact?.email),
      accountId: String(contact?.account_id),
    },
    missingAccountId: "acc_nope",
    missingDealId: "deal_nope",
    close: async () => {
      await rt.close(1000);
      await drop?.();
    },
  };
}

describeCrmReadContract("sandbox on SQLite", () => sandboxProvider({}));

describeCrmReadContract("sandbox on PostgreSQL", async () => {
  // a schema of its own, so the shared test database is left alone
  const { url, drop } = await pgSchema("crm_read");
  return sandboxProvider({ DATABASE_URL: url }, drop);
});

/** The sales server's CRM port for a vendor fake, exactly as the server builds it from its environment. */
async function vendorPort(fakeUrl: string, env: Record<string, string>) {
  const all = { ...env, REVOPS_TEST_VENDOR_BASE_URL: fakeUrl, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" };
  for (const [k, v] of Object.entries(all)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("crm-read-vendor") }),
    createLogger("silent", "test"),
  );
  try {
    return { rt, crm: (await createSalesServer().ports(rt)).crm };
  } finally {
    vi.unstubAllEnvs();
  }
}

const SF_ADA = "005000000000000001";
const SF_BRIAN = "005000000000000002";
const SF_ACME = "001000000000000003";
const SF_GLOBEX = "001000000000000004";
const opp = (
  Name: string,
  AccountId: string,
  StageName: string,
  Amount: number,
  CloseDate: string,
  OwnerId = SF_ADA,
) => ({
  Name,
  AccountId,
  StageName,
  Amount,
  CloseDate,
  OwnerId,
  Type: "New Customer",
});

describeCrmReadContract("Salesforce (jsforce) over its fake", async () => {
  // the fake numbers records with one counter in seed order: users, accounts, opportunities, contacts
  const fake: RunningFake<SalesforceState> = await startSalesforceFake({
    pageSize: 3, // several queryMore pages per read
    User: [
      { Name: "Ada Lovelace", Email: "ada@example.com" },
      { Name: "Brian Kernighan", Email: "bk@example.com" },
    ],
    Account: [
      { Name: "Acme", Website: "https://www.acme.test", OwnerId: SF_ADA, Type: "Customer - Direct" },
      { Name: "Globex", Website: "globex.test", OwnerId: SF_BRIAN, Type: "Prospect" },
      { Name: "Initrode", Website: "initrode.test", OwnerId: SF_BRIAN, Type: "Prospect" },
    ],
    Opportunity: [
      opp("Acme expansion", SF_ACME, "Negotiation/Review", 50_000, "2026-03-20"),
      opp("Acme renewal", SF_ACME, "Closed Won", 30_000, "2026-02-10"),
      opp("Acme pilot", SF_ACME, "Prospecting", 5_000, "2026-01-15"),
      opp("Globex platform", SF_GLOBEX, "Proposal/Price Quote", 120_000, "2026-03-31", SF_BRIAN),
      opp("Globex lost bid", SF_GLOBEX, "Closed Lost", 40_000, "2026-02-28", SF_BRIAN),
      opp("Globex next year", SF_GLOBEX, "Qualification", 80_000, "2026-07-01", SF_BRIAN),
    ],
    Contact: [
      { AccountId: SF_ACME, Name: "Carol Chen", Title: "CFO", Email: "carol@acme.test" },
      { AccountId: SF_ACME, Name: "Dan Diaz", Title: "CTO", Email: "dan@acme.test" },
    ],
  });
  const { crm, rt } = await vendorPort(fake.url, {
    SALES_CRM: "salesforce",
    SALESFORCE_ACCESS_TOKEN: "00D-static-token",
  });
  return {
    crm,
    deals: { total: 6, open: 4, won: 1, lost: 1 },
    account: { id: SF_ACME, name: "Acme", domain: "acme.test", contacts: 2, openDeals: 2 },
    owner: { id: SF_BRIAN, name: "Brian Kernighan", email: "bk@example.com" },
    // users 1-2, accounts 3-5, opportunities 6-11, contacts 12-13
    contact: { id: "003000000000000012", name: "Carol Chen", email: "carol@acme.test", accountId: SF_ACME },
    missingAccountId: "001000000000000099",
    missingDealId: "006000000000000999",
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

const hsDeal = (
  dealname: string,
  dealstage: string,
  amount: number,
  closedate: string,
  hubspot_owner_id = "71",
) => ({
  dealname,
  dealstage,
  amount: String(amount),
  closedate: `${closedate}T00:00:00Z`,
  hubspot_owner_id,
  dealtype: "newbusiness",
  pipeline: "default",
});
// the fake numbers records from 1001 in seed order: deals 1001-1005, companies 1006-1008, the contact 1009
const HS_INITECH = "1006";
const HS_HOOLI = "1007";
const HS_PETER = "1009";

describeCrmReadContract("HubSpot (@hubspot/api-client) over its fake", async () => {
  const fake: RunningFake<HubSpotState> = await startHubSpotFake({
    owners: [
      { id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 },
      { id: "72", email: "raj@example.com", firstName: "Raj", lastName: "Patel", userId: 2 },
    ],
    deals: [
      hsDeal("Initech rollout", "contractsent", 60_000, "2026-03-15"),
      hsDeal("Initech add-on", "closedwon", 20_000, "2026-02-01"),
      hsDeal("Hooli pilot", "appointmentscheduled", 8_000, "2026-01-20", "72"),
      hsDeal("Hooli suite", "decisionmakerboughtin", 90_000, "2026-03-30", "72"),
      hsDeal("Hooli lost", "closedlost", 15_000, "2026-02-20", "72"),
    ],
    companies: [
      { name: "Initech", domain: "initech.test", lifecyclestage: "customer", hubspot_owner_id: "71" },
      { name: "Hooli", domain: "hooli.test", lifecyclestage: "lead", hubspot_owner_id: "72" },
      { name: "Pied Piper", domain: "piedpiper.test", lifecyclestage: "lead", hubspot_owner_id: "72" },
    ],
    contacts: [
      {
        firstname: "Peter",
        lastname: "Gibbons",
        email: "peter@initech.test",
        jobtitle: "Engineer",
        associatedcompanyid: HS_INITECH, // HubSpot's primary company
      },
    ],
    associations: [
      ["deals", "1001", "companies", HS_INITECH],
      ["deals", "1002", "companies", HS_INITECH],
      ["deals", "1003", "companies", HS_HOOLI],
      ["deals", "1004", "companies", HS_HOOLI],
      ["deals", "1005", "companies", HS_HOOLI],
      ["companies", HS_INITECH, "deals", "1001"],
      ["companies", HS_INITECH, "deals", "1002"],
      ["companies", HS_HOOLI, "deals", "1003"],
      ["companies", HS_HOOLI, "deals", "1004"],
      ["companies", HS_HOOLI, "deals", "1005"],
      ["companies", HS_INITECH, "contacts", HS_PETER],
    ],
  });
  const { crm, rt } = await vendorPort(fake.url, { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test" });
  return {
    crm,
    deals: { total: 5, open: 3, won: 1, lost: 1 },
    account: { id: HS_INITECH, name: "Initech", domain: "initech.test", contacts: 1, openDeals: 1 },
    owner: { id: "72", name: "Raj Patel", email: "raj@example.com" },
    contact: { id: HS_PETER, name: "Peter Gibbons", email: "peter@initech.test", accountId: HS_INITECH },
    missingAccountId: "9999",
    missingDealId: "999999",
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});
