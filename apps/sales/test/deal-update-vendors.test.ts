import { tmpdir } from "node:os";
import { createHubSpotConnector, createSalesforceConnector } from "@revops/connectors";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  type HubSpotState,
  type RunningFake,
  type SalesforceState,
  type SObjectRow,
  startHubSpotFake,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { StageMap } from "../src/integrations/stages";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";
import {
  confirmOnEveryPath,
  connectSalesWithSafety,
  phraseIn,
  type SalesHarness,
} from "./deal-update-harness";

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: each vendor fake seeded with its own stage names / ids and owners, plus a custom won stage.

const ADA = "005000000000000101";
const BRIAN = "005000000000000102";
const SF_STAGES = [
  {
    MasterLabel: "Prospecting",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 10,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Qualification",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 20,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Proposal/Price Quote",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 60,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Verbal Commit",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 85,
    ForecastCategoryName: "Commit",
  },
  {
    MasterLabel: "Negotiation/Review",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 80,
    ForecastCategoryName: "Commit",
  },
  {
    MasterLabel: "Signed",
    IsClosed: true,
    IsWon: true,
    DefaultProbability: 100,
    ForecastCategoryName: "Closed",
  },
  {
    MasterLabel: "Closed Won",
    IsClosed: true,
    IsWon: true,
    DefaultProbability: 100,
    ForecastCategoryName: "Closed",
  },
  {
    MasterLabel: "Closed Lost",
    IsClosed: true,
    IsWon: false,
    DefaultProbability: 0,
    ForecastCategoryName: "Omitted",
  },
];

async function salesforceFake(hidden: string[] = []) {
  const fake = await startSalesforceFake({
    stages: SF_STAGES,
    hiddenFields: { Opportunity: hidden },
    Account: [{ Name: "Acme", OwnerId: ADA }],
    Opportunity: [
      {
        Name: "Acme pilot",
        AccountId: "001000000000000001",
        StageName: "Qualification",
        Amount: 10_000,
        CloseDate: "2026-12-15",
        OwnerId: ADA,
        NextStep: "Demo",
        Type: "New Customer",
      },
      {
        Name: "Acme signed",
        AccountId: "001000000000000001",
        StageName: "Signed",
        Amount: 5_000,
        CloseDate: "2026-11-01",
        OwnerId: ADA,
        Type: "New Customer",
      },
    ],
  });
  const rows = (list: SObjectRow[]) => new Map(list.map((r) => [r.Id, r]));
  fake.state.objects.User = rows([
    { Id: ADA, Name: "Ada Lovelace", Email: "ada@example.com" },
    { Id: BRIAN, Name: "Brian Kernighan", Email: "bk@example.com" },
  ]);
  return fake;
}
const SF_DEAL = "006000000000000002"; // the fake numbers Account 1, then the opportunities
const SF_SIGNED = "006000000000000003";

const ENTERPRISE = {
  id: "12345",
  label: "Enterprise",
  displayOrder: 1,
  stages: [
    ["1001001", "Discovery", "0.1", "false"],
    ["1001002", "Solution fit", "0.5", "false"],
    ["1001003", "Signed", "1.0", "true"],
    ["1001004", "Lost", "0.0", "true"],
  ].map(([id, label, probability, isClosed], i) => ({
    id: id as string,
    label: label as string,
    displayOrder: i,
    metadata: { isClosed: isClosed as string, probability: probability as string },
  })),
};

async function hubspotFake(extra: { searchLagMs?: number; searchPerSecond?: number } = {}) {
  return startHubSpotFake({
    pipelines: [ENTERPRISE], // beside HubSpot's default pipeline
    owners: [
      { id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 },
      { id: "72", email: "bob@example.com", firstName: "Bob", lastName: "Ray", userId: 2 },
    ],
    deals: [
      {
        dealname: "Initech rollout",
        dealstage: "qualifiedtobuy",
        pipeline: "default",
        amount: "10000",
        closedate: "2026-12-15T00:00:00Z",
        hubspot_owner_id: "71",
        hs_next_step: "Demo",
        dealtype: "newbusiness",
      },
      {
        dealname: "Hooli suite",
        dealstage: "1001001",
        pipeline: "12345",
        amount: "90000",
        closedate: "2026-12-20T00:00:00Z",
        hubspot_owner_id: "71",
        dealtype: "newbusiness",
      },
      {
        dealname: "Hooli signed",
        dealstage: "1001003",
        pipeline: "12345",
        amount: "7000",
        closedate: "2026-11-02T00:00:00Z",
        hubspot_owner_id: "72",
        dealtype: "newbusiness",
      },
    ],
    ...extra,
  });
}

/** The sales server's CRM port for a vendor fake, exactly as the server builds it from its environment. */
async function vendorPort(env: Record<string, string>): Promise<{ crm: CrmPort; rt: KitRuntime }> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("deal-port") }),
    createLogger("silent", "test"),
  );
  try {
    return { rt, crm: (await createSalesServer().ports(rt)).crm };
  } finally {
    vi.unstubAllEnvs();
  }
}
const sfEnv = (url: string) => ({
  SALES_CRM: "salesforce",
  SALESFORCE_ACCESS_TOKEN: "00D-static-token",
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});
const hsEnv = (url: string) => ({
  SALES_CRM: "hubspot",
  HUBSPOT_ACCESS_TOKEN: "pat-test",
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});

// ---------------------------------------------------------------------------------------------------------------
// One contract for CrmPort.updateDeal, the same assertions on every provider.

interface Provider {
  crm: CrmPort;
  system: string;
  dealId: string;
  /** A second deal of a custom pipeline / stage set, where there is one. */
  customDealId?: string;
  missingId: string;
  close(): Promise<void>;
}

function describeUpdateDealContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort.updateDeal contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    });
    afterAll(async () => p?.close());

    it("reads the deal fresh and changes only the given fields", async () => {
      const before = await p.crm.getDeal(p.dealId);
      expect(before).toBeDefined();
      const w = await p.crm.updateDeal(
        p.dealId,
        { amount: 12_345, nextStep: "Send proposal" },
        { principal: "ann" },
      );
      expect(w).toMatchObject({ system: p.system, id: p.dealId });
      const after = await p.crm.getDeal(p.dealId);
      expect(after).toMatchObject({ amount: 12_345, nextStep: "Send proposal" });
      expect(after).toMatchObject({
        stage: before?.stage,
        closeDate: before?.closeDate,
        ownerId: before?.ownerId,
        name: before?.name,
      });
      expect(w?.deal).toEqual(after);
    });

    it("moves the stage in the vendor's own names and reads it back; closing won means probability 100", async () => {
      await p.crm.updateDeal(p.dealId, { stage: "proposal" }, { principal: "ann" });
      expect((await p.crm.getDeal(p.dealId))?.stage).toBe("proposal");
      await p.crm.updateDeal(
        p.dealId,
        { stage: "closed_won", closeDate: "2026-12-01" },
        { principal: "ann" },
      );
      expect(await p.crm.getDeal(p.dealId)).toMatchObject({
        stage: "closed_won",
        probability: 100,
        closeDate: "2026-12-01",
      });
      await p.crm.updateDeal(p.dealId, { stage: "negotiation" }, { principal: "ann" });
      expect((await p.crm.getDeal(p.dealId))?.stage).toBe("negotiation");
    });

    it("moves a deal of a custom pipeline or stage set within it", async () => {
      if (!p.customDealId) return;
      await p.crm.updateDeal(p.customDealId, { stage: "closed_won" }, { principal: "ann" });
      expect(await p.crm.getDeal(p.customDealId)).toMatchObject({ stage: "closed_won", probability: 100 });
    });

    it("changes the owner to another rep of the directory and clears the next step", async () => {
      const owners = await p.crm.listOwners();
      const now = await p.crm.getDeal(p.dealId);
      const other = owners.find((o) => o.id !== now?.ownerId);
      expect(other).toBeDefined();
      await p.crm.updateDeal(
        p.dealId,
        { ownerId: other?.id as string, nextStep: null },
        { principal: "ann" },
      );
      expect(await p.crm.getDeal(p.dealId)).toMatchObject({
        ownerId: other?.id,
        ownerName: other?.name,
        nextStep: null,
      });
    });

    it("writes nothing when the deal no longer holds the confirmed plan's before values", async () => {
      const now = await p.crm.getDeal(p.dealId);
      const stale = { amount: (now?.amount ?? 0) + 1 };
      await expect(
        p.crm.updateDeal(p.dealId, { amount: 777, nextStep: "x" }, { principal: "ann" }, stale),
      ).rejects.toThrow(/^conflict: .*amount is now/);
      expect(await p.crm.getDeal(p.dealId)).toEqual(now);
      const ok = await p.crm.updateDeal(
        p.dealId,
        { amount: 778 },
        { principal: "ann" },
        { amount: now?.amount },
      );
      expect(ok?.deal.amount).toBe(778);
    });

    it("answers undefined for an unknown deal and refuses an unknown owner", async () => {
      expect(await p.crm.getDeal(p.missingId)).toBeUndefined();
      expect(await p.crm.updateDeal(p.missingId, { amount: 1 }, { principal: "ann" })).toBeUndefined();
      await expect(
        p.crm.updateDeal(p.dealId, { ownerId: "999999999" }, { principal: "ann" }),
      ).rejects.toThrow();
    });
  });
}

async function sandboxProvider(db: SqlDb, close: () => Promise<void>): Promise<Provider> {
  await ensureSandboxLoaded(db, { scale: 0.05 });
  const crm = new SandboxCrm(db) as CrmPort;
  const open = await crm.listDeals({ status: "open", limit: 1 });
  return { crm, system: "sandbox", dealId: open.rows[0]?.id as string, missingId: "deal_nope", close };
}

describeUpdateDealContract("sandbox on SQLite", async () => {
  const db = await openSql({ dataDir: tempDataDir("deal-contract") });
  return sandboxProvider(db, () => db.close());
});

describeUpdateDealContract("sandbox on PostgreSQL", async () => {
  const schema = `deal_contract_${process.pid}_${Date.now()}`;
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

describeUpdateDealContract("Salesforce (jsforce) over its fake", async () => {
  const fake = await salesforceFake();
  const { crm, rt } = await vendorPort(sfEnv(fake.url));
  return {
    crm,
    system: "salesforce",
    dealId: SF_DEAL,
    missingId: "006000000000000999",
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describeUpdateDealContract("HubSpot (@hubspot/api-client) over its fake", async () => {
  const fake = await hubspotFake({ searchLagMs: 60_000 });
  const { crm, rt } = await vendorPort(hsEnv(fake.url));
  return {
    crm,
    system: "hubspot",
    dealId: "1001",
    customDealId: "1002",
    missingId: "999999",
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

// ---------------------------------------------------------------------------------------------------------------
// Stage semantics both ways.

describe("stage mapping", () => {
  it("judges unmapped custom stages by their metadata and writes the org's own value", () => {
    const map = new StageMap({ Prospecting: "prospecting", "Closed Won": "closed_won" });
    const meta = [
      { id: "Prospecting", label: "Prospecting", isClosed: false, isWon: false, probability: 10 },
      { id: "Signed", label: "Signed", isClosed: true, isWon: true, probability: 100 },
      { id: "Dead", label: "Dead", isClosed: true, isWon: false, probability: 0 },
      { id: "Verbal Commit", label: "Verbal Commit", isClosed: false, isWon: false, probability: 85 },
    ];
    expect(map.toSuite("Signed", meta)).toBe("closed_won");
    expect(map.toSuite("Dead", meta)).toBe("closed_lost");
    expect(map.toSuite("Verbal Commit", meta)).toBe("negotiation");
    expect(map.toSuite("Signed")).toBe("prospecting"); // no metadata: understate, never inflate
    expect(map.toVendor("closed_won", meta)?.id).toBe("Signed"); // the org has no "Closed Won"
    expect(
      map.toVendor("closed_won", [
        ...meta,
        { id: "Closed Won", label: "Closed Won", isClosed: true, isWon: true },
      ])?.id,
    ).toBe("Closed Won");
    expect(map.toVendor("qualification", meta)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Salesforce: what the fake refuses, field-level security, custom stages, and the write that must not repeat.

describe("Salesforce fake and adapter", () => {
  let fake: RunningFake<SalesforceState>;
  let port: { crm: CrmPort; rt: KitRuntime };
  beforeAll(async () => {
    fake = await salesforceFake(["Probability", "ForecastCategoryName"]);
    port = await vendorPort(sfEnv(fake.url));
  });
  afterAll(async () => {
    await port?.rt.close(1000);
    await fake?.close();
  });

  it("rejects unknown, hidden and computed fields and off-picklist stages, as Salesforce does", async () => {
    const sf = await createSalesforceConnector({
      id: "t",
      vendor: "salesforce",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { accessToken: "00D-static-token" },
    });
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => "accepted",
        (e: unknown) =>
          `${isVendorError(e) ? e.status : "?"} ${String((e as { cause?: { body?: string } }).cause?.body ?? (e as Error).message)}`,
      );
    expect(await refusal(sf.updateOpportunity(SF_DEAL, { Bogus__c: 1 }))).toMatch(/^400 .*INVALID_FIELD/);
    expect(await refusal(sf.updateOpportunity(SF_DEAL, { Probability: 50 }))).toMatch(
      /^400 .*No such column 'Probability'.*INVALID_FIELD/,
    );
    expect(await refusal(sf.updateOpportunity(SF_DEAL, { IsWon: true }))).toMatch(
      /INVALID_FIELD_FOR_INSERT_UPDATE/,
    );
    expect(await refusal(sf.updateOpportunity(SF_DEAL, { StageName: "Won-ish" }))).toMatch(
      /^400 .*INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST/,
    );
    expect(await refusal(sf.updateOpportunity(SF_DEAL, { OwnerId: "005000000000000999" }))).toMatch(
      /INVALID_CROSS_REFERENCE_KEY/,
    );
    // one hidden field in a query fails the whole query
    expect(await refusal(sf.query("SELECT Id, Probability FROM Opportunity"))).toMatch(
      /^400 .*No such column 'Probability'/,
    );
    expect(fake.state.appliedUpdates).toEqual([]);
  });

  it("reads deals with fields hidden by field-level security left out, and custom won stages as won", async () => {
    const page = await port.crm.listDeals({});
    expect(page.rows.map((d) => [d.name, d.stage])).toEqual(
      expect.arrayContaining([
        ["Acme pilot", "qualification"],
        ["Acme signed", "closed_won"],
      ]),
    );
    expect(await port.crm.getDeal(SF_SIGNED)).toMatchObject({ stage: "closed_won", probability: 100 });
  });

  it("does not apply an update twice when Salesforce answers 5xx after applying it", async () => {
    const before = fake.state.appliedUpdates.length;
    fake.state.failAfterWrite = { status: 503, times: 1 };
    const w = await port.crm.updateDeal(
      SF_DEAL,
      { amount: 4242 },
      { principal: "ann", idempotencyKey: "k1" },
    );
    expect(w).toMatchObject({ recovered: true, deal: { amount: 4242 } });
    expect(fake.state.appliedUpdates.slice(before)).toEqual([
      { type: "Opportunity", id: SF_DEAL, fields: { Amount: 4242 } },
    ]);
  });

  it("retries once when the 5xx came before the write landed", async () => {
    const before = fake.state.appliedUpdates.length;
    fake.faults.next({ kind: "status", status: 503 }, { method: "PATCH" });
    const w = await port.crm.updateDeal(SF_DEAL, { amount: 4343 }, { principal: "ann" });
    expect(w).toMatchObject({ recovered: false, deal: { amount: 4343 } });
    expect(fake.state.appliedUpdates.slice(before)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// HubSpot: properties, pipelines, owners, search lag, SECONDLY 429s, and the write that must not repeat.

describe("HubSpot fake and adapter", () => {
  let fake: RunningFake<HubSpotState>;
  let port: { crm: CrmPort; rt: KitRuntime };
  beforeAll(async () => {
    fake = await hubspotFake({ searchLagMs: 60_000, searchPerSecond: 5 });
    port = await vendorPort(hsEnv(fake.url));
  });
  afterAll(async () => {
    await port?.rt.close(1000);
    await fake?.close();
  });

  const connector = () =>
    createHubSpotConnector({
      id: "t",
      vendor: "hubspot",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { accessToken: "pat-test" },
    });

  it("rejects unknown and calculated properties, stages of another pipeline and unknown owners", async () => {
    const hs = await connector();
    const refusal = (props: Record<string, string>) =>
      hs.sdk.runtime
        .attempt("t", () => hs.sdk.apis.deals.basicApi.update("1002", { properties: props }), {
          idempotent: false,
        })
        .then(
          () => "accepted",
          (e: { status?: number; message: string; cause?: { body?: unknown } }) =>
            `${e.status} ${JSON.stringify(e.cause?.body ?? e.message)}`,
        );
    expect(await refusal({ favourite_colour: "blue" })).toMatch(/^400 .*PROPERTY_DOESNT_EXIST/);
    expect(await refusal({ hs_deal_stage_probability: "0.5" })).toMatch(/^400 .*READ_ONLY_VALUE/);
    expect(await refusal({ dealstage: "closedwon" })).toMatch(/^400 .*INVALID_OPTION.*1001001/); // default-pipeline stage
    expect(await refusal({ hubspot_owner_id: "99" })).toMatch(/^400 .*INVALID_OPTION/);
    expect(fake.state.appliedUpdates).toEqual([]);
    const pipelines = await hs.dealPipelines();
    expect(pipelines.map((p) => p.id)).toEqual(["default", "12345"]);
    expect(pipelines[1]?.stages[2]).toMatchObject({
      id: "1001003",
      metadata: { isClosed: "true", probability: "1.0" },
    });
  });

  it("reads custom numeric stage ids by their pipeline's metadata, and owners by name", async () => {
    const rows = (await port.crm.listDeals({})).rows;
    expect(rows.find((d) => d.name === "Hooli signed")).toMatchObject({
      stage: "closed_won",
      ownerName: "Bob Ray",
    });
    expect(rows.find((d) => d.name === "Hooli suite")).toMatchObject({ stage: "prospecting" });
    expect((await port.crm.listOwners()).map((o) => o.name)).toEqual(["Ann Lee", "Bob Ray"]);
  });

  it("plans from the record, not the lagging search index, and writes once after a 5xx that applied it", async () => {
    const before = fake.state.appliedUpdates.length;
    fake.state.failAfterWrite = { status: 502, times: 1 };
    const w = await port.crm.updateDeal("1002", { stage: "proposal", amount: 91_000 }, { principal: "ann" });
    expect(w).toMatchObject({ recovered: true, deal: { stage: "proposal", amount: 91_000 } });
    expect(fake.state.appliedUpdates.slice(before)).toEqual([
      { id: "1002", properties: { dealstage: "1001002", amount: "91000" } },
    ]);
    // search still shows the old values for a while; the record itself is current
    const hs = await connector();
    const found = await hs.searchDeals({
      filters: [{ property: "dealname", operator: "EQ", value: "Hooli suite" }],
    });
    expect(found.value.results[0]?.properties.amount).toBe("90000");
    expect((await port.crm.getDeal("1002"))?.amount).toBe(91_000);
  });

  it("answers a burst of searches over 5 per second with 429 SECONDLY and Retry-After", async () => {
    const hs = await connector();
    const started = fake.requests.length;
    const body = { filterGroups: [], properties: ["dealname"], limit: 1 };
    const answers = await Promise.all(
      Array.from({ length: 7 }, () =>
        fetch(`${fake.url}/crm/v3/objects/deals/search`, {
          method: "POST",
          headers: { authorization: "Bearer pat-test", "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get("retry-after"),
          body: await r.text(),
        })),
      ),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ retryAfter: "1" });
    expect(limited[0]?.body).toContain("SECONDLY");
    expect(fake.requests.length - started).toBe(7);
    void hs;
  });
});

// ---------------------------------------------------------------------------------------------------------------
// End to end through the official MCP client: the tool on each vendor.

describe.each([
  ["salesforce", SF_DEAL],
  ["hubspot", "1001"],
] as const)("deal_update end to end on %s", (vendor, dealId) => {
  let fake: RunningFake<SalesforceState> | RunningFake<HubSpotState>;
  let h: SalesHarness;
  const applied = () => (fake.state as { appliedUpdates: unknown[] }).appliedUpdates.length;
  beforeAll(async () => {
    fake = vendor === "salesforce" ? await salesforceFake() : await hubspotFake({ searchLagMs: 60_000 });
    const env = vendor === "salesforce" ? sfEnv(fake.url) : hsEnv(fake.url);
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    h = await connectSalesWithSafety();
    await h.call("deals_list", { limit: 1 }); // the ports are built on the first call, from this environment
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("dry-runs the exact change, then writes it once in the vendor after a 5xx that applied it", async () => {
    const dry = await h.call("deal_update", {
      deal_id: dealId,
      stage: "negotiation",
      amount: 55_000,
      dry_run: true,
    });
    expect(dry.text).toMatch(/stage qualification → negotiation; amount 10000 → 55000/);
    expect(applied()).toBe(0);
    (fake.state as { failAfterWrite?: object }).failAfterWrite = { status: 503, times: 1 };
    h.resetMode();
    h.answerWith((p) => ({ action: "accept", content: { confirmation: phraseIn(p.message) ?? "" } }));
    const r = await h.callAsking("deal_update", { deal_id: dealId, stage: "negotiation", amount: 55_000 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({
      deal: { stage: "negotiation", amount: 55_000 },
      written: { system: vendor, id: dealId },
    });
    expect(r.data.note).toMatch(/not sent again/);
    expect(applied()).toBe(1);
    const audit = await h.call("audit_query", { tool: "deal_update", limit: 20 });
    const ok = (audit.data.records as { outcome: string; plan_hash?: string; summary?: string }[]).filter(
      (x) => x.outcome === "ok",
    );
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ summary: `written ${vendor}:${dealId}` });
    expect(ok[0]?.plan_hash).toMatch(/\w{16,}/);
  });

  it("executes exactly the confirmed plan once on each confirmation path, in the vendor", async () => {
    const before = applied();
    const r = await confirmOnEveryPath(h, dealId);
    for (const path of ["elicitation", "approval", "token"] as const)
      expect(r[path]?.isError, `${path}: ${r[path]?.text}`).toBe(false);
    expect(r.changedAfterApproval?.isError).toBe(true);
    expect(r.replayedApproval?.isError).toBe(true);
    expect(applied() - before).toBe(3);
    const written = JSON.stringify(
      (fake.state as { appliedUpdates: unknown[] }).appliedUpdates.slice(before),
    );
    expect(written).toContain("Token step");
    expect(written).not.toContain("Sneaky step");
  });

  it("changes the owner by the vendor's user name, and names a bad field", async () => {
    const owner = vendor === "salesforce" ? "Brian Kernighan" : "Bob Ray";
    const r = await h.callAsking("deal_update", { deal_id: dealId, owner });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.deal.owner).toBe(owner);
    const bad = await h.call("deal_update", { deal_id: dealId, owner: "Nobody" });
    expect(bad.text).toMatch(/owner: no sales rep "Nobody"/);
  });

  it("refuses to plan from a cached record while the vendor is down", async () => {
    fake.faults.always({ kind: "status", status: 503 });
    try {
      const r = await h.callAsking("deal_update", { deal_id: dealId, amount: 1, dry_run: true });
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/Could not read deal .* just now, so no plan was made/);
    } finally {
      fake.faults.clear();
    }
  });
});
