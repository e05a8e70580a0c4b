import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded, RECYCLE_BIN, SandboxCrm } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  hubspotArchive,
  salesforceRecycleBin,
  startHubSpotFake,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";

/**
 * Port contract for selectRecords / updateRecords / deleteRecords: the same assertions on the sandbox, on Salesforce
 * (jsforce, sObject Collections) and on HubSpot (@hubspot/api-client batch APIs), each against its fake.
 */
interface Provider {
  crm: CrmPort;
  /** Three deals, the first two owned by owners[0], the third by owners[1]; two contacts; an account holding them. */
  deals: string[];
  contacts: string[];
  account: string;
  owners: [string, string];
  /** The next write applies and then answers 5xx (sandbox: transactions leave nothing ambiguous). */
  failNextAfterWrite: () => void;
  /** Whether failNextAfterWrite makes an ambiguous failure the adapter must recover from. */
  ambiguous: boolean;
  /** Record writes the system applied so far (what "never twice" counts). */
  writes: () => Promise<number>;
  bin: string;
  close: () => Promise<void>;
}

let seq = 0;
const origin = (resumed = false, key = `records-contract-${++seq}`) => ({
  principal: "alice",
  planHash: `plan-${seq}`,
  idempotencyKey: key,
  ...(resumed && { resumed }),
});

function contract(name: string, setup: () => Promise<Provider>) {
  describe(`records port contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    }, 120_000);
    afterAll(async () => p?.close());

    it("selects by ids (unknown ones left out) and by owner, with the bulk-editable fields", async () => {
      const rows = await p.crm.selectRecords("deal", { ids: [...p.deals, "999999999999999"] }, 10);
      expect(rows.map((r) => r.id).sort()).toEqual([...p.deals].sort());
      for (const r of rows) expect(Object.keys(r.fields).sort()).toEqual(["next_step", "owner", "stage"]);
      const mine = await p.crm.selectRecords("deal", { ids: p.deals, owner: p.owners[0] }, 10);
      expect(mine.map((r) => r.id).sort()).toEqual(p.deals.slice(0, 2).sort());
      const contacts = await p.crm.selectRecords("contact", { ids: p.contacts }, 10);
      expect(contacts.map((r) => Object.keys(r.fields).sort())).toEqual([
        ["owner", "title"],
        ["owner", "title"],
      ]);
    });

    it("updates every record once; an ambiguous failure is looked up, a resumed plan is not applied again", async () => {
      const f = { owner: p.owners[1], next_step: "Contract step" };
      const w = await p.crm.updateRecords("deal", p.deals, f, origin());
      expect(w).toMatchObject({ count: 3, recovered: false });
      const rows = await p.crm.selectRecords("deal", { ids: p.deals }, 10);
      expect(rows.map((r) => [r.fields.owner, r.fields.next_step])).toEqual(
        p.deals.map(() => [p.owners[1], "Contract step"]),
      );
      p.failNextAfterWrite();
      const before = await p.writes();
      const o = origin();
      const ambiguous = await p.crm.updateRecords("deal", p.deals, { stage: "negotiation" }, o);
      expect(ambiguous).toMatchObject({ count: 3, recovered: p.ambiguous });
      expect(await p.writes()).toBe(before + 3);
      const again = await p.crm.updateRecords(
        "deal",
        p.deals,
        { stage: "negotiation" },
        origin(true, o.idempotencyKey),
      );
      expect(again).toMatchObject({ count: 3, recovered: true });
      expect(await p.writes()).toBe(before + 3);
      const staged = await p.crm.selectRecords("deal", { ids: p.deals, stage: "negotiation" }, 10);
      expect(staged.length).toBe(3);
      const titled = await p.crm.updateRecords("contact", p.contacts, { title: "VP Sales" }, origin());
      expect(titled.count).toBe(2);
    });

    it("deletes into the recycle bin once (read tools stop seeing it) and refuses an account that holds records", async () => {
      p.failNextAfterWrite();
      const o = origin();
      const w = await p.crm.deleteRecords("contact", [p.contacts[0] as string], o);
      expect(w).toMatchObject({ count: 1, bin: p.bin, recovered: p.ambiguous });
      expect(await p.crm.selectRecords("contact", { ids: p.contacts }, 10)).toEqual([
        expect.objectContaining({ id: p.contacts[1] }),
      ]);
      const again = await p.crm.deleteRecords(
        "contact",
        [p.contacts[0] as string],
        origin(true, o.idempotencyKey),
      );
      expect(again).toMatchObject({ recovered: true });
      await expect(p.crm.deleteRecords("account", [p.account], origin())).rejects.toThrow(
        /^ids: .*still have deals or contacts/,
      );
    });
  });
}

type Server = Awaited<ReturnType<ReturnType<typeof createSalesServer>["ports"]>>;
async function vendorPorts(env: Record<string, string>): Promise<{ crm: CrmPort; rt: KitRuntime }> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("records-vendor") }),
    createLogger("silent", "test"),
  );
  const ports: Server = await createSalesServer().ports(rt);
  return { rt, crm: ports.crm };
}
const vendorEnv = (url: string) => ({
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});

contract("sandbox", async () => {
  const dir = mkdtempSync(join(tmpdir(), "records-contract-"));
  const db: SqlDb = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db, { scale: 0.1 });
  const acc = await db.one<{ account_id: string; owner_id: string }>(
    `SELECT d.account_id, d.owner_id FROM sb_deals d WHERE (SELECT COUNT(*) FROM sb_deals x WHERE x.account_id = d.account_id) >= 3
       AND (SELECT COUNT(*) FROM sb_contacts c WHERE c.account_id = d.account_id) >= 2 ORDER BY d.account_id LIMIT 1`,
  );
  const account = String(acc?.account_id);
  const deals = (
    await db.query<{ id: string }>("SELECT id FROM sb_deals WHERE account_id = ? ORDER BY id LIMIT 3", [
      account,
    ])
  ).map((r) => r.id);
  const users = (await db.query<{ id: string }>("SELECT id FROM sb_users ORDER BY id LIMIT 2")).map(
    (u) => u.id,
  );
  const owners = users as [string, string];
  for (const [i, id] of deals.entries())
    await db.run("UPDATE sb_deals SET owner_id = ? WHERE id = ?", [i < 2 ? owners[0] : owners[1], id]);
  const contacts = (
    await db.query<{ id: string }>("SELECT id FROM sb_contacts WHERE account_id = ? ORDER BY id LIMIT 2", [
      account,
    ])
  ).map((r) => r.id);
  return {
    crm: new SandboxCrm(db) as unknown as CrmPort,
    deals,
    contacts,
    account,
    owners,
    failNextAfterWrite: () => undefined,
    ambiguous: false,
    writes: async () =>
      Number(
        (
          await db.one<{ n: number }>(
            "SELECT COUNT(DISTINCT record_id || ':' || idempotency_key) AS n FROM sb_changes",
          )
        )?.n,
      ),
    bin: RECYCLE_BIN.sandbox,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

contract("Salesforce through jsforce", async () => {
  const fake = await startSalesforceFake({
    User: [
      { Name: "Ada Lovelace", Email: "ada@example.com" },
      { Name: "Bob Ray", Email: "bob@example.com" },
    ],
    Account: [{ Name: "Initech", Website: "initech.com" }],
    Opportunity: [1, 2, 3].map((i) => ({
      Name: `Initech ${i}`,
      StageName: "Prospecting",
      Amount: 1000 * i,
      CloseDate: "2026-12-31",
    })),
    Contact: [
      { FirstName: "Cy", LastName: "One", Email: "cy@initech.com", Title: "CFO" },
      { FirstName: "Di", LastName: "Two", Email: "di@initech.com", Title: "CTO" },
    ],
  });
  const objects = fake.state.objects;
  const owners = [...(objects.User?.keys() ?? [])] as [string, string];
  const account = [...(objects.Account?.keys() ?? [])][0] as string;
  const deals = [...(objects.Opportunity?.keys() ?? [])];
  for (const [i, id] of deals.entries())
    Object.assign(objects.Opportunity?.get(id) ?? {}, { OwnerId: owners[i < 2 ? 0 : 1], AccountId: account });
  const contacts = [...(objects.Contact?.keys() ?? [])];
  for (const id of contacts)
    Object.assign(objects.Contact?.get(id) ?? {}, { OwnerId: owners[0], AccountId: account });
  const { crm, rt } = await vendorPorts({
    SALES_CRM: "salesforce",
    SALESFORCE_ACCESS_TOKEN: "00D-static-token",
    ...vendorEnv(fake.url),
  });
  return {
    crm,
    deals,
    contacts,
    account,
    owners,
    failNextAfterWrite: () => {
      fake.state.failAfterWrite = { status: 503, times: 1 };
    },
    ambiguous: true,
    writes: async () => fake.state.appliedUpdates.length + salesforceRecycleBin(fake.state).size,
    bin: RECYCLE_BIN.salesforce,
    close: async () => {
      await rt.close(1000);
      await fake.close();
      vi.unstubAllEnvs();
    },
  };
});

contract("HubSpot through @hubspot/api-client", async () => {
  const fake = await startHubSpotFake({
    owners: [
      { id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 },
      { id: "72", email: "bob@example.com", firstName: "Bob", lastName: "Ray", userId: 2 },
    ],
    companies: [{ name: "Initech", domain: "initech.com" }],
    deals: [1, 2, 3].map((i) => ({
      dealname: `Initech ${i}`,
      dealstage: "appointmentscheduled",
      pipeline: "default",
      amount: String(1000 * i),
      closedate: "2026-12-31T00:00:00Z",
      hubspot_owner_id: i < 3 ? "71" : "72",
    })),
    contacts: [
      { firstname: "Cy", lastname: "One", email: "cy@initech.com", jobtitle: "CFO", hubspot_owner_id: "71" },
      { firstname: "Di", lastname: "Two", email: "di@initech.com", jobtitle: "CTO", hubspot_owner_id: "71" },
    ],
  });
  const { objects } = fake.state;
  const account = [...objects.companies.keys()][0] as string;
  const deals = [...objects.deals.keys()];
  const contacts = [...objects.contacts.keys()];
  fake.state.associations.set(`companies:${account}`, { deals, contacts });
  const { crm, rt } = await vendorPorts({
    SALES_CRM: "hubspot",
    HUBSPOT_ACCESS_TOKEN: "pat-test",
    ...vendorEnv(fake.url),
  });
  return {
    crm,
    deals,
    contacts,
    account,
    owners: ["71", "72"],
    failNextAfterWrite: () => {
      fake.state.failAfterWrite = { status: 502, times: 1 };
    },
    ambiguous: true,
    writes: async () => fake.state.appliedUpdates.length + hubspotArchive(fake.state).size,
    bin: RECYCLE_BIN.hubspot,
    close: async () => {
      await rt.close(1000);
      await fake.close();
      vi.unstubAllEnvs();
    },
  };
});
