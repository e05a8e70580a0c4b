import { freshnessOf } from "@revops/connectors/freshness";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { attributeVendorCalls } from "@revops/safety";
import type { RunningFake } from "@revops/testing";
import {
  connectInProcess,
  type SalesforceState,
  type SObjectRow,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";

const USER_A = "005000000000000101";
const USER_B = "005000000000000102";
const ACME = "001000000000000001";
const GLOBEX = "001000000000000002";
const DEAL_KEYS = [
  "account_id",
  "account_name",
  "amount",
  "close_date",
  "days_in_stage",
  "forecast_category",
  "id",
  "last_activity",
  "name",
  "next_step",
  "owner",
  "stage",
  "type",
];

const opp = (
  Name: string,
  AccountId: string,
  StageName: string,
  Amount: number,
  CloseDate: string,
  OwnerId = USER_A,
) => ({
  Name,
  AccountId,
  StageName,
  Amount,
  CloseDate,
  OwnerId,
  Type: "New Customer",
});

function seedDirectory(state: SalesforceState): void {
  const rows = (list: SObjectRow[]) => new Map(list.map((r) => [r.Id, r]));
  state.objects.User = rows([
    { Id: USER_A, Name: "Ada Lovelace", Email: "ada@example.com" },
    { Id: USER_B, Name: "Brian Kernighan", Email: "bk@example.com" },
  ]);
  state.objects.Contact = rows([
    { Id: "003000000000000001", AccountId: ACME, Name: "Carol Chen", Title: "CFO", Email: "carol@acme.test" },
    { Id: "003000000000000002", AccountId: ACME, Name: "Dan Diaz", Title: "CTO", Email: "dan@acme.test" },
  ]);
}

let fake: RunningFake<SalesforceState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;
let direct: { crm: CrmPort; rt: KitRuntime };

beforeAll(async () => {
  fake = await startSalesforceFake({
    pageSize: 3, // several queryMore pages per read
    Account: [
      {
        Name: "Acme",
        Website: "https://www.acme.test",
        Industry: "Manufacturing",
        NumberOfEmployees: 120,
        BillingCountry: "US",
        OwnerId: USER_A,
        Type: "Customer - Direct",
      },
      {
        Name: "Globex",
        Website: "globex.test",
        Industry: "Energy",
        NumberOfEmployees: 4000,
        BillingCountry: "DE",
        OwnerId: USER_B,
        Type: "Prospect",
      },
    ],
    Opportunity: [
      opp("Acme expansion", ACME, "Negotiation/Review", 50_000, "2026-03-20"),
      opp("Acme renewal", ACME, "Closed Won", 30_000, "2026-02-10"),
      opp("Acme pilot", ACME, "Prospecting", 5_000, "2026-01-15"),
      opp("Globex platform", GLOBEX, "Proposal/Price Quote", 120_000, "2026-03-31", USER_B),
      opp("Globex lost bid", GLOBEX, "Closed Lost", 40_000, "2026-02-28", USER_B),
      opp("Globex next year", GLOBEX, "Qualification", 80_000, "2026-07-01", USER_B),
      opp("Globex custom stage", GLOBEX, "Technical Win", 10_000, "2026-03-05", USER_B),
    ],
  });
  seedDirectory(fake.state);
  vi.stubEnv("SALES_CRM", "salesforce");
  vi.stubEnv("SALESFORCE_ACCESS_TOKEN", "00D-static-token");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  vi.stubEnv("SALES_STAGE_MAP", "Technical Win=proposal");
  s = await connectInProcess([createSalesServer()], { hooks: () => ({ meter: attributeVendorCalls }) });
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("sf-ports") }),
    createLogger("silent", "test"),
  );
  direct = { rt, crm: (await createSalesServer().ports(rt)).crm };
});

afterAll(async () => {
  await s?.close();
  await direct?.rt.close(1000);
  await fake?.close();
  vi.unstubAllEnvs();
});

describe("sales server on Salesforce", () => {
  it("lists deals with the sandbox's row shape, mapped stages and owner/account names", async () => {
    const r = await s.call("deals_list", { limit: 100 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.total).toBe(7);
    for (const d of r.data.deals) expect(Object.keys(d).sort()).toEqual(DEAL_KEYS);
    const byName = Object.fromEntries(r.data.deals.map((d: { name: string }) => [d.name, d]));
    expect(byName["Acme expansion"]).toMatchObject({
      stage: "negotiation",
      owner: "Ada Lovelace",
      account_name: "Acme",
      account_id: ACME,
      forecast_category: "commit",
      type: "new_business",
    });
    // list rows leave probability out (it follows the stage); the port still maps Salesforce's own
    const rows = (await direct.crm.listDeals({})).rows;
    expect(rows.find((d) => d.name === "Acme expansion")?.probability).toBe(75);
    expect(byName["Globex custom stage"].stage).toBe("proposal");
    expect(r.data.deals.map((d: { close_date: string }) => d.close_date)[0]).toBe("2026-07-01");
  });

  it("pages with opaque cursors and filters like the sandbox", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await s.call("deals_list", { status: "open", limit: 2, ...(cursor && { cursor }) });
      expect(r.isError, r.text).toBe(false);
      expect(r.data.total).toBe(5);
      seen.push(...r.data.deals.map((d: { id: string }) => d.id));
      cursor = r.data.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    const mine = await s.call("deals_list", {
      owner: "bk@example.com",
      min_amount: 50_000,
      close_to: "2026-03-31",
    });
    expect(mine.data.deals.map((d: { name: string }) => d.name)).toEqual(["Globex platform"]);
    expect((await s.call("deals_list", { cursor: "garbage" })).isError).toBe(true);
  });

  it("summarises a quarter from the vendor's deals", async () => {
    const r = await s.call("pipeline_summary", { quarter: "2026-Q1" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toBe("salesforce");
    expect(r.data.won).toEqual({ deals: 1, amount: 30_000 });
    expect(r.data.lost).toEqual({ deals: 1, amount: 40_000 });
    expect(r.data.open.amount).toBe(50_000 + 5_000 + 120_000 + 10_000);
    expect(r.data.win_rate).toBe(0.5);
    const ada = await s.call("pipeline_summary", { quarter: "2026-Q1", owner: "Ada Lovelace" });
    expect(ada.data.meta.inputs.deals).toBe(3);
  });

  it("gets an account with contacts and open deals; unknown ids are not found", async () => {
    const r = await s.call("account_get", { account_id: ACME });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({
      name: "Acme",
      domain: "acme.test",
      size_band: "51-200",
      owner: "Ada Lovelace",
      lifecycle: "customer",
    });
    expect(r.data.contacts.total).toBe(2);
    expect(r.data.open_deals.map((d: { name: string }) => d.name)).toEqual(["Acme pilot", "Acme expansion"]);
    expect((await s.call("account_get", { account_id: "acc_0001" })).text).toMatch(/No account/);
    expect((await s.call("account_get", { account_id: "001000000000000099" })).text).toMatch(/No account/);
  });

  it("retries a burst of 503s", async () => {
    fake.faults.next({ kind: "status", status: 503 }, { path: /\/query$/, times: 2 });
    const before = fake.requests.length;
    const r = await s.call("deals_list", { stage: "closed_won" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.deals).toHaveLength(1);
    expect(fake.requests.slice(before).filter((q) => q.fault === "status")).toHaveLength(2);
  });

  it("serves the last good answer, marked stale, while Salesforce is down", async () => {
    const warm = await s.call("deals_list", { status: "won" });
    const warmPort = await direct.crm.listDeals({ status: "won" });
    expect(freshnessOf(warmPort)).toBeUndefined();
    fake.faults.always({ kind: "status", status: 503 });
    try {
      const cold = await s.call("deals_list", { status: "won" });
      expect(cold.isError, cold.text).toBe(false);
      expect(cold.data.deals).toEqual(warm.data.deals);
      expect(warm.data.note).not.toMatch(/cached data/);
      expect(cold.data.note).toMatch(/Salesforce is unavailable.*cached data from/);
      expect(cold.text.split("cached data from")).toHaveLength(2);
      const stale = await direct.crm.listDeals({ status: "won" });
      expect(stale.rows.map((d) => d.id)).toEqual(warmPort.rows.map((d) => d.id));
      expect(freshnessOf(stale)?.note).toMatch(/Salesforce is unavailable.*cached data from/);
      // a query never answered before has no cached copy: the outage shows as an error
      expect((await s.call("deals_list", { close_from: "2020-01-01" })).isError).toBe(true);
    } finally {
      fake.faults.clear();
    }
  });
});
