import { tmpdir } from "node:os";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded, SandboxCrm, sandboxDatabase } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { type RunningFake, startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort, NewDeal } from "../src/ports";
import { createSalesServer } from "../src/server";
import {
  approvalIdIn,
  connectSalesWithSafety,
  phraseIn,
  type SalesHarness,
  tokenIn,
} from "./deal-update-harness";

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

// ---------------------------------------------------------------------------------------------------------------
// One contract for CrmPort.createDeal, the same assertions on every provider.

interface Provider {
  crm: CrmPort;
  system: string;
  deal: Omit<NewDeal, "name">;
  /** How many deals the system of record holds with this name. */
  count(name: string): Promise<number>;
  /** The next create is applied, then its answer is lost (reset) or fails (5xx). */
  failAfterWrite(): void;
  close(): Promise<void>;
}

function describeCreateDealContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort.createDeal contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    }, 60_000);
    afterAll(async () => p?.close());

    it("creates the deal with every field and reads it back", async () => {
      const w = await p.crm.createDeal(
        { ...p.deal, name: "Contract pilot" },
        { principal: "ann", idempotencyKey: "k-1" },
      );
      expect(w.system).toBe(p.system);
      expect(w.recovered ?? false).toBe(false);
      expect(await p.crm.getDeal(w.id)).toEqual(w.deal);
      expect(w.deal).toMatchObject({
        name: "Contract pilot",
        accountId: p.deal.accountId,
        amount: p.deal.amount,
        stage: p.deal.stage,
        closeDate: p.deal.closeDate,
        ownerId: p.deal.ownerId,
        type: p.deal.type,
      });
    });

    it("runs once per idempotency key: the same confirmed plan again finds the deal", async () => {
      const first = await p.crm.createDeal(
        { ...p.deal, name: "Once" },
        { principal: "ann", idempotencyKey: "k-2" },
      );
      const again = await p.crm.createDeal(
        { ...p.deal, name: "Once" },
        { principal: "ann", idempotencyKey: "k-2" },
      );
      expect(again.id).toBe(first.id);
      expect(await p.count("Once")).toBe(1);
    });

    it("looks a create up after an ambiguous failure instead of making it twice", async () => {
      p.failAfterWrite();
      const w = await p.crm.createDeal(
        { ...p.deal, name: "Ambiguous" },
        { principal: "ann", idempotencyKey: "k-3" },
      );
      expect(w.recovered).toBe(true);
      expect(await p.count("Ambiguous")).toBe(1);
      expect((await p.crm.getDeal(w.id))?.name).toBe("Ambiguous");
    });

    it("refuses an unknown account or owner, naming the field", async () => {
      await expect(
        p.crm.createDeal(
          { ...p.deal, name: "Nope", accountId: "999999999999999999" },
          { principal: "ann", idempotencyKey: "k-4" },
        ),
      ).rejects.toThrow(/^account_id:/);
      await expect(
        p.crm.createDeal(
          { ...p.deal, name: "Nope", ownerId: "not an id" },
          { principal: "ann", idempotencyKey: "k-5" },
        ),
      ).rejects.toThrow(/^owner:/);
      expect(await p.count("Nope")).toBe(0);
    });
  });
}

async function sandboxProvider(db: SqlDb, close: () => Promise<void>): Promise<Provider> {
  await ensureSandboxLoaded(db, { scale: 0.05 });
  const account = await db.one<{ id: string; owner_id: string }>(
    "SELECT id, owner_id FROM sb_accounts ORDER BY id LIMIT 1",
  );
  const crm = new SandboxCrm(db) as CrmPort;
  let fail = false;
  return {
    // the sandbox's write is a transaction: "applied, answer lost" is the same plan run a second time
    crm: {
      ...crm,
      getDeal: (id: string) => crm.getDeal(id),
      createDeal: async (d, origin) => {
        if (!fail) return crm.createDeal(d, origin);
        fail = false;
        await crm.createDeal(d, origin);
        return crm.createDeal(d, origin);
      },
    } as CrmPort,
    system: "sandbox",
    deal: {
      accountId: account?.id as string,
      amount: 25_000,
      stage: "qualification",
      closeDate: "2027-01-29",
      type: "new_business",
      ownerId: account?.owner_id as string,
    },
    count: async (name) =>
      Number((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_deals WHERE name = ?", [name]))?.n),
    failAfterWrite: () => {
      fail = true;
    },
    close,
  };
}

describeCreateDealContract("sandbox on SQLite", async () => {
  const db = await openSql({ dataDir: tempDataDir("deal-create") });
  return sandboxProvider(db, () => db.close());
});

describeCreateDealContract("sandbox on PostgreSQL", async () => {
  const schema = `deal_create_${process.pid}_${Date.now()}`;
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

async function vendorPort(env: Record<string, string>): Promise<{ crm: CrmPort; rt: KitRuntime }> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("deal-create-port") }),
    createLogger("silent", "test"),
  );
  try {
    return { rt, crm: (await createSalesServer().ports(rt)).crm };
  } finally {
    vi.unstubAllEnvs();
  }
}
const vendorEnv = (url: string) => ({
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});
const named =
  (
    fake: RunningFake<{ objects: Record<string, Map<string, Record<string, unknown>>> }>,
    type: string,
    key: string,
  ) =>
  async (name: string) =>
    [...(fake.state.objects[type]?.values() ?? [])].filter(
      (r) =>
        (r as Record<string, unknown>)[key] === name ||
        (r as { properties?: Record<string, unknown> }).properties?.[key] === name,
    ).length;

describeCreateDealContract("Salesforce (jsforce) over its fake", async () => {
  const fake = await startSalesforceFake({
    User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
    Account: [{ Name: "Acme", OwnerId: "005000000000000001" }],
    customFields: { Opportunity: ["RevOps_Idempotency_Key__c"] },
  });
  const { crm, rt } = await vendorPort({
    SALES_CRM: "salesforce",
    SALESFORCE_ACCESS_TOKEN: "00D-static-token",
    ...vendorEnv(fake.url),
  });
  return {
    crm,
    system: "salesforce",
    deal: {
      accountId: "001000000000000002",
      amount: 25_000,
      stage: "qualification",
      closeDate: "2027-01-29",
      type: "new_business",
      ownerId: "005000000000000001",
    },
    count: named(fake as never, "Opportunity", "Name"),
    failAfterWrite: () => {
      fake.state.failAfterWrite = { status: 503, times: 1 };
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describeCreateDealContract("HubSpot (@hubspot/api-client) over its fake", async () => {
  const fake = await startHubSpotFake({
    owners: [{ id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 }],
    companies: [{ name: "Initech", hubspot_owner_id: "71" }],
    // search lags behind writes; the key property is unique in this portal, so it is read exactly instead
    searchLagMs: 300,
    uniqueProperties: { deals: ["revops_idempotency_key"] },
  });
  const { crm, rt } = await vendorPort({
    SALES_CRM: "hubspot",
    HUBSPOT_ACCESS_TOKEN: "pat-test",
    ...vendorEnv(fake.url),
  });
  return {
    crm,
    system: "hubspot",
    deal: {
      accountId: "1001",
      amount: 25_000,
      stage: "qualification",
      closeDate: "2027-01-29",
      type: "new_business",
      ownerId: "71",
    },
    count: named(fake as never, "deals", "dealname"),
    failAfterWrite: () => {
      fake.faults.next({ kind: "resetAfterHandling" }, { path: "/crm/v3/objects/deals", method: "POST" });
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

// ---------------------------------------------------------------------------------------------------------------
// The tool end to end through the official MCP client and the safety stack, on the sandbox.

describe("deal_create on the sandbox, through the official MCP client and the safety stack", () => {
  let h: SalesHarness;
  let account: { id: string; name: string; owner: string };
  const count = async (name: string) =>
    Number(
      (
        await (
          await sandboxDatabase(h.runtime)
        ).one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_deals WHERE name = ?", [name])
      )?.n,
    );
  beforeAll(async () => {
    h = await connectSalesWithSafety();
    const d = (await h.call("deals_list", { limit: 1 })).data.deals[0];
    const a = await h.call("account_get", { account_id: d.account_id });
    account = { id: d.account_id, name: a.data.name, owner: a.data.owner };
  }, 60_000);
  afterAll(async () => h?.close());
  const args = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    account_id: account.id,
    amount: 42_000,
    close_date: "2027-02-26",
    stage: "proposal",
    ...extra,
  });

  it("is listed in deals_write with the guard's arguments", async () => {
    const tool = (await h.list()).tools.find((t) => t.name === "deal_create");
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining([
        "name",
        "account_id",
        "amount",
        "close_date",
        "stage",
        "type",
        "owner",
        "dry_run",
      ]),
    );
    expect(tool?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it("shows the record to be created in a dry run and creates nothing", async () => {
    const r = await h.call("deal_create", { ...args("Dry pilot"), dry_run: true });
    expect(r.isError, r.text).toBeFalsy();
    expect(r.data.plan).toMatchObject({
      action: "create",
      record_type: "deal",
      record: {
        name: "Dry pilot",
        account_id: account.id,
        account: account.name,
        amount: 42_000,
        stage: "proposal",
        close_date: "2027-02-26",
        type: "new_business",
        owner: account.owner,
      },
    });
    expect(await count("Dry pilot")).toBe(0);
  });

  it("names the field and the fix for bad input", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [args("Bad", { account_id: "acc_nope" }), /account_id[\s\S]*accounts_search/],
      [
        args("Bad", { stage: "closed_won" }),
        /stage: one of prospecting, qualification, proposal, negotiation/,
      ],
      [args("Bad", { type: "upsell" }), /type: one of new_business, expansion, renewal/],
      [args("Bad", { amount: 10.5 }), /amount: whole US dollars/],
      [args("Bad", { owner: "Nobody Here" }), /owner: no sales rep/],
      [args("Bad", { close_date: "2027-02-30" }), /close_date/],
      [args(""), /name/],
    ];
    for (const [a, message] of cases) {
      const r = await h.call("deal_create", { ...a, dry_run: true });
      expect(r.isError, JSON.stringify(a)).toBe(true);
      expect(r.text, JSON.stringify(a)).toMatch(message);
    }
  });

  it("creates exactly the confirmed record once on every path; a changed argument is refused", async () => {
    h.resetMode();
    h.answerWith((p) => ({ action: "accept", content: { confirmation: phraseIn(p.message) ?? "" } }));
    const elicited = await h.callAsking("deal_create", args("Elicited pilot"));
    expect(elicited.isError, elicited.text).toBe(false);
    expect(phraseIn(h.elicited.at(-1)?.message ?? "")).toBe("create Elicited pilot");
    expect(elicited.data.deal).toMatchObject({ name: "Elicited pilot", amount: 42_000, stage: "proposal" });

    h.mode("approval");
    const queued = await h.call("deal_create", args("Approved pilot"));
    const id = approvalIdIn(queued.text) as string;
    await h.approve(id);
    const changed = await h.call("deal_create", {
      ...args("Approved pilot", { amount: 99_000 }),
      approval_id: id,
    });
    expect(changed.isError).toBe(true);
    const approved = await h.call("deal_create", { ...args("Approved pilot"), approval_id: id });
    expect(approved.isError, approved.text).toBe(false);
    const replayed = await h.call("deal_create", { ...args("Approved pilot"), approval_id: id });
    expect(replayed.isError).toBe(true);

    h.mode("token");
    const issued = await h.call("deal_create", args("Token pilot"));
    const token = tokenIn(issued.text) as string;
    const made = await h.call("deal_create", { ...args("Token pilot"), confirmation_token: token });
    expect(made.isError, made.text).toBe(false);
    expect(made.data.written).toMatchObject({ system: "sandbox", id: made.data.deal.id });
    h.resetMode();

    for (const n of ["Elicited pilot", "Approved pilot", "Token pilot"]) expect(await count(n), n).toBe(1);
    const deal = await h.call("deal_get", { deal_id: made.data.deal.id });
    expect(deal.data.stage_history.map((s: { to: string }) => s.to)).toEqual(["proposal"]);
  });
});
