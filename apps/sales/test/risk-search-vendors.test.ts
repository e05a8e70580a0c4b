import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import {
  connectInProcess,
  type HubSpotState,
  type RunningFake,
  type SalesforceState,
  startHubSpotFake,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RISK_WEIGHTS } from "../src/domain/risk";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";

// Vendor "today" is the real date: every seeded date is relative to it, so no figure depends on when this runs.
const TODAY = new Date().toISOString().slice(0, 10);
const ago = (n: number) => new Date(Date.parse(TODAY) - n * 86_400_000).toISOString().slice(0, 10);
const sfTime = (n: number) => `${ago(n)}T10:00:00.000+0000`;
const riskOf = (weights: number[]) => 1 - weights.reduce((k, w) => k * (1 - w), 1);

type Server = Awaited<ReturnType<typeof connectInProcess>>;

/** The server and its CRM port on a vendor; the environment stays stubbed until the block's afterAll (ports are lazy). */
async function serve(env: Record<string, string>): Promise<{ s: Server; crm: CrmPort; rt: KitRuntime }> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const s = await connectInProcess([createSalesServer()], { env: { REVOPS_TOOLSETS: "all" } });
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("risk-vendor") }),
    createLogger("silent", "test"),
  );
  return { s, rt, crm: (await createSalesServer().ports(rt)).crm };
}

const vendorEnv = (url: string) => ({
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});

describe("Salesforce: accounts_search, deals_at_risk and richer deals_list through jsforce", () => {
  let fake: RunningFake<SalesforceState>;
  let sf: Awaited<ReturnType<typeof serve>>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    fake = await startSalesforceFake({
      User: [
        { Name: "Ada Lovelace", Email: "ada@example.com" },
        { Name: "Brian Kernighan", Email: "bk@example.com" },
      ],
      Account: [
        {
          Name: "Northwind Traders",
          Website: "https://www.northwind.test",
          Industry: "Software",
          Type: "Customer - Direct",
        },
        { Name: "Northwest Logistics", Website: "northwest.test", Industry: "Logistics", Type: "Prospect" },
        { Name: "Globex", Website: "globex.test", Industry: "Energy", Type: "Prospect" },
      ],
      Opportunity: [
        {
          Name: "Northwind expansion",
          StageName: "Negotiation/Review",
          Amount: 100_000,
          CloseDate: ago(5),
          Type: "Existing Customer - Upgrade",
          NextStep: "Legal review",
          LastActivityDate: ago(40),
          LastStageChangeDate: ago(60),
        },
        {
          Name: "Globex platform",
          StageName: "Proposal/Price Quote",
          Amount: 50_000,
          CloseDate: ago(-30),
          Type: "New Customer",
          LastActivityDate: ago(2),
          LastStageChangeDate: ago(3),
        },
        {
          Name: "Old win",
          StageName: "Closed Won",
          Amount: 10_000,
          CloseDate: ago(110),
          Type: "New Customer",
        },
        {
          Name: "Old loss",
          StageName: "Closed Lost",
          Amount: 10_000,
          CloseDate: ago(70),
          Type: "New Customer",
        },
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
    const byName = (type: string) =>
      Object.fromEntries([...(fake.state.objects[type]?.values() ?? [])].map((r) => [String(r.Name), r.Id]));
    ids = { ...byName("User"), ...byName("Account"), ...byName("Opportunity") };
    // owners and accounts, now that their ids are known
    const opp = (name: string) => fake.state.objects.Opportunity?.get(ids[name] as string);
    Object.assign(opp("Northwind expansion") ?? {}, {
      AccountId: ids["Northwind Traders"],
      OwnerId: ids["Ada Lovelace"],
    });
    Object.assign(opp("Globex platform") ?? {}, { AccountId: ids.Globex, OwnerId: ids["Brian Kernighan"] });
    for (const n of ["Old win", "Old loss"])
      Object.assign(opp(n) ?? {}, { AccountId: ids.Globex, OwnerId: ids["Brian Kernighan"] });
    const acct = (name: string) => fake.state.objects.Account?.get(ids[name] as string);
    Object.assign(acct("Northwind Traders") ?? {}, { OwnerId: ids["Ada Lovelace"] });
    Object.assign(acct("Northwest Logistics") ?? {}, { OwnerId: ids["Brian Kernighan"] });
    Object.assign(acct("Globex") ?? {}, { OwnerId: ids["Brian Kernighan"] });
    sf = await serve({
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: "00D-static-token",
      ...vendorEnv(fake.url),
    });
  });
  afterAll(async () => {
    await sf?.s.close();
    await sf?.rt.close(1000);
    await fake?.close();
    vi.unstubAllEnvs();
  });

  it("finds an account by a misspelt name (SOQL LIKE candidates, ranked), by domain and by owner", async () => {
    const r = await sf.s.call("accounts_search", { name: "Northwnd" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.accounts[0]).toEqual({
      id: ids["Northwind Traders"],
      name: "Northwind Traders",
      domain: "northwind.test",
      industry: "Software",
      owner: "Ada Lovelace",
      arr: null,
      lifecycle: "customer",
      match: expect.any(Number),
    });
    const byDomain = await sf.s.call("accounts_search", { domain: "northwind.test" });
    expect(byDomain.data.accounts.map((a: { name: string }) => a.name)).toEqual(["Northwind Traders"]);
    const byOwner = await sf.s.call("accounts_search", { owner: "Brian Kernighan" });
    expect(byOwner.data.accounts.map((a: { name: string }) => a.name).sort()).toEqual([
      "Globex",
      "Northwest Logistics",
    ]);
  });

  it("ranks risks from OpportunityHistory, contact roles and the deal's own dates", async () => {
    const r = await sf.s.call("deals_at_risk", {});
    expect(r.isError, r.text).toBe(false);
    expect(r.data.totals.open_deals).toBe(2);
    expect(r.data.totals.at_risk).toBe(1);
    const [d] = r.data.deals;
    expect(d.id).toBe(ids["Northwind expansion"]);
    expect(d.days_in_stage).toBe(60);
    expect(d.reasons).toEqual([
      "stalled: 60d in negotiation, typical 25d",
      "no_activity: no activity for 40d",
      `past_due: close date ${ago(5)} passed`,
      "pushed: close date pushed 2×",
      "single_threaded: 1 contact engaged",
      "amount_cut: amount cut by $20,000",
    ]);
    const W = RISK_WEIGHTS;
    const risk = riskOf([
      W.stalled,
      W.no_activity,
      W.past_due,
      2 * W.pushed,
      W.single_threaded,
      W.amount_cut,
    ]);
    expect(d.risk).toBe(Math.round(risk * 1000) / 1000);
    expect(d.score).toBe(Math.round(100_000 * risk));
    expect(r.data.meta.inputs.typical_days_negotiation).toBe(25);
    expect(r.data.meta.inputs.typical_days_proposal).toBe(20);
    expect(r.data.meta.source).toBe("salesforce");
  });

  it("says so when OpportunityHistory and contact roles cannot be read", async () => {
    const history = fake.state.objects.OpportunityHistory;
    const roles = fake.state.objects.OpportunityContactRole;
    delete fake.state.objects.OpportunityHistory;
    delete fake.state.objects.OpportunityContactRole;
    try {
      const inputs = await sf.crm.openDealRisks({});
      expect(inputs.typical).toEqual([]);
      expect(inputs.deals.every((d) => d.closeDatePushes === null && d.contactsEngaged === null)).toBe(true);
      expect(inputs.caveats.join(" ")).toMatch(/OpportunityHistory is not readable/);
    } finally {
      fake.state.objects.OpportunityHistory = history as NonNullable<typeof history>;
      fake.state.objects.OpportunityContactRole = roles as NonNullable<typeof roles>;
    }
  });

  it("lists deals by type with last activity, next step and days in stage", async () => {
    const r = await sf.s.call("deals_list", { type: "expansion" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.deals).toHaveLength(1);
    expect(r.data.deals[0]).toMatchObject({
      name: "Northwind expansion",
      type: "expansion",
      last_activity: ago(40),
      next_step: "Legal review",
      days_in_stage: 60,
    });
    const closed = await sf.s.call("deals_list", { status: "won" });
    expect(closed.data.deals[0].days_in_stage).toBeNull();
  });
});

describe("HubSpot: accounts_search, deals_at_risk and richer deals_list through @hubspot/api-client", () => {
  let fake: RunningFake<HubSpotState>;
  let hs: Awaited<ReturnType<typeof serve>>;
  const iso = (n: number) => `${ago(n)}T09:00:00.000Z`;
  // the fake numbers records from 1001 in seed order: deals, then companies, then contacts
  const NORTHWIND_DEAL = "1001";
  const GLOBEX_DEAL = "1002";
  const NORTHWIND = "1004";

  beforeAll(async () => {
    fake = await startHubSpotFake({
      owners: [
        { id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 },
        { id: "72", email: "bob@example.com", firstName: "Bob", lastName: "Ray", userId: 2 },
      ],
      deals: [
        {
          dealname: "Northwind expansion",
          dealstage: "contractsent",
          pipeline: "default",
          amount: "100000",
          closedate: `${ago(5)}T00:00:00Z`,
          hubspot_owner_id: "71",
          dealtype: "existingbusiness",
          hs_next_step: "Legal review",
          notes_last_updated: iso(40),
          hs_v2_date_entered_current_stage: iso(60),
        },
        {
          dealname: "Globex platform",
          dealstage: "presentationscheduled",
          pipeline: "default",
          amount: "50000",
          closedate: `${ago(-30)}T00:00:00Z`,
          hubspot_owner_id: "72",
          dealtype: "newbusiness",
          notes_last_updated: iso(2),
          hs_v2_date_entered_current_stage: iso(3),
        },
        {
          dealname: "Old win",
          dealstage: "closedwon",
          pipeline: "default",
          amount: "10000",
          closedate: `${ago(100)}T00:00:00Z`,
          hubspot_owner_id: "72",
          dealtype: "newbusiness",
        },
      ],
      companies: [
        {
          name: "Northwind Traders",
          domain: "northwind.test",
          industry: "COMPUTER_SOFTWARE",
          hubspot_owner_id: "71",
          lifecyclestage: "customer",
        },
        {
          name: "Northwest Logistics",
          domain: "northwest.test",
          industry: "LOGISTICS_AND_SUPPLY_CHAIN",
          hubspot_owner_id: "72",
          lifecyclestage: "lead",
        },
        {
          name: "Globex",
          domain: "globex.test",
          industry: "UTILITIES",
          hubspot_owner_id: "72",
          lifecyclestage: "lead",
        },
      ],
      contacts: [
        { firstname: "Pat", lastname: "One", email: "pat@northwind.test" },
        { firstname: "Sam", lastname: "Two", email: "sam@globex.test" },
      ],
      associations: [
        ["deals", NORTHWIND_DEAL, "companies", NORTHWIND],
        ["deals", NORTHWIND_DEAL, "contacts", "1007"],
        ["deals", GLOBEX_DEAL, "companies", "1006"],
        ["deals", GLOBEX_DEAL, "contacts", "1007"],
        ["deals", GLOBEX_DEAL, "contacts", "1008"],
      ],
    });
    hs = await serve({ SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test", ...vendorEnv(fake.url) });
  });
  afterAll(async () => {
    await hs?.s.close();
    await hs?.rt.close(1000);
    await fake?.close();
    vi.unstubAllEnvs();
  });

  it("finds a company by a misspelt name (CRM search CONTAINS_TOKEN, ≤5 groups), by domain and industry", async () => {
    const r = await hs.s.call("accounts_search", { name: "Northwnd" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.accounts[0]).toMatchObject({
      id: NORTHWIND,
      name: "Northwind Traders",
      domain: "northwind.test",
      owner: "Ann Lee",
      arr: null,
      lifecycle: "customer",
    });
    const byDomain = await hs.s.call("accounts_search", { domain: "https://northwind.test" });
    expect(byDomain.data.accounts.map((a: { id: string }) => a.id)).toEqual([NORTHWIND]);
    const byIndustry = await hs.s.call("accounts_search", { industry: "utilities", owner: "Bob Ray" });
    expect(byIndustry.data.accounts.map((a: { name: string }) => a.name)).toEqual(["Globex"]);
  });

  it("ranks risks from the deal's own dates and associated contacts, and says what history it lacks", async () => {
    const r = await hs.s.call("deals_at_risk", {});
    expect(r.isError, r.text).toBe(false);
    expect(r.data.totals).toMatchObject({ open_deals: 2, at_risk: 1 });
    const [d] = r.data.deals;
    expect(d.id).toBe(NORTHWIND_DEAL);
    expect(d.days_in_stage).toBe(60);
    expect(d.reasons).toEqual([
      "no_activity: no activity for 40d",
      `past_due: close date ${ago(5)} passed`,
      "single_threaded: 1 contact engaged",
    ]);
    const W = RISK_WEIGHTS;
    expect(d.score).toBe(Math.round(100_000 * riskOf([W.no_activity, W.past_due, W.single_threaded])));
    expect(r.data.meta.caveats.join(" ")).toMatch(
      /stalled deals, close-date pushes and amount cuts are not checked/,
    );
  });

  it("lists deals by type with last activity, next step and days in stage", async () => {
    const r = await hs.s.call("deals_list", { type: "expansion" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.deals.map((d: { id: string }) => d.id)).toEqual([NORTHWIND_DEAL]);
    expect(r.data.deals[0]).toMatchObject({
      last_activity: ago(40),
      next_step: "Legal review",
      days_in_stage: 60,
    });
  });
});
