import { Client } from "@hubspot/api-client";
import { isVendorError, VendorError } from "@revops/resilience";
import type { SqlDb } from "@revops/store";
import { type HubSpotState, type RunningFake, startHubSpotFake } from "@revops/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHubSpotConnector, type HubSpotConnector, IDEMPOTENCY_PROPERTY } from "../src/index";
import { FAST_POLICY, ledgerOn, ledgerRows, memoryKv, sqlite, timed } from "./helpers";

const SEED = {
  deals: [
    { dealname: "Acme renewal", amount: "12000", dealstage: "closedwon", closedate: "2025-03-01" },
    { dealname: "Globex pilot", amount: "5000", dealstage: "appointmentscheduled", closedate: "2025-04-01" },
    {
      dealname: "Initech expansion",
      amount: "30000",
      dealstage: "appointmentscheduled",
      closedate: "2025-05-01",
    },
  ],
  companies: [{ name: "Acme", domain: "acme.test" }],
  associations: [["deals", "1001", "companies", "1004"]] as ["deals", string, "companies", string][],
};

let fake: RunningFake<HubSpotState>;
let db: SqlDb;

async function connector(overrides: Partial<typeof FAST_POLICY> = {}, extra = {}): Promise<HubSpotConnector> {
  return createHubSpotConnector(
    {
      id: "acme-hubspot",
      vendor: "hubspot",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { accessToken: "pat-na1-test" },
    },
    { policy: { ...FAST_POLICY, ...overrides }, ledger: await ledgerOn(db), ...extra },
  );
}

const attemptsOn = (path: string) => fake.requests.filter((r) => r.path === path).length;

beforeAll(async () => {
  db = await sqlite();
});
beforeEach(async () => {
  fake = await startHubSpotFake(SEED);
});
afterEach(async () => {
  await fake.close();
});
afterAll(async () => {
  await db.close();
});

describe("HubSpot connector over the real SDK", () => {
  it("lists, pages, filters by stage, searches and reads companies and associations", async () => {
    const hs = await connector();
    const first = await hs.listDeals({ limit: 2 });
    expect(first.stale).toBe(false);
    expect(first.value.results.map((d) => d.properties.dealname)).toEqual(["Acme renewal", "Globex pilot"]);
    const second = await hs.listDeals({ limit: 2, after: first.value.nextCursor });
    expect(second.value.results).toHaveLength(1);
    expect(second.value.nextCursor).toBeUndefined();
    const staged = await hs.listDeals({ stage: "appointmentscheduled" });
    expect(staged.value.results).toHaveLength(2);
    const big = await hs.searchDeals({
      filters: [{ property: "amount", operator: "GTE", value: 10000 }],
      sort: { property: "amount", direction: "DESCENDING" },
    });
    expect(big.value.total).toBe(2);
    expect(big.value.results.map((d) => d.properties.amount)).toEqual(["30000", "12000"]);
    const company = await hs.getCompany("1004");
    expect(company.value.properties.name).toBe("Acme");
    expect(await hs.listAssociations("deals", "1001", "companies")).toEqual(["1004"]);
    const search = fake.requests.find((r) => r.path === "/crm/v3/objects/deals/search");
    expect(JSON.parse(search?.body ?? "{}").filterGroups[0].filters[0]).toEqual({
      propertyName: "dealstage",
      operator: "EQ",
      value: "appointmentscheduled",
    });
  });

  it("bounds retries: one logical call makes exactly maxAttempts requests (SDK retries are off)", async () => {
    const hs = await connector();
    fake.faults.always({ kind: "status", status: 500 }, { path: "/crm/v3/objects/deals" });
    const err = await hs.listDeals({}).catch((e: unknown) => e);
    expect(isVendorError(err) && err.kind).toBe("unavailable");
    expect(attemptsOn("/crm/v3/objects/deals")).toBe(3);
    expect(await ledgerRows(db, "deals.list").then((r) => r.at(-1))).toMatchObject({
      attempts: 3,
      outcome: "unavailable",
    });
  });

  it("keeps its own settings when another HubSpot client with SDK retries is built later in the process", async () => {
    const two = await connector({ maxAttempts: 2 });
    const four = await connector({ maxAttempts: 4 });
    // a stranger's client with SDK retries: overwrites the SDK's process-wide decorator singleton
    const stranger = new Client({ accessToken: "x", numberOfApiCallRetries: 6 });
    expect(stranger).toBeDefined();
    fake.faults.always({ kind: "status", status: 503 }, { path: "/crm/v3/objects/companies/1004" });
    await expect(two.getCompany("1004")).rejects.toBeInstanceOf(VendorError);
    expect(attemptsOn("/crm/v3/objects/companies/1004")).toBe(2);
    await expect(four.getCompany("1004")).rejects.toBeInstanceOf(VendorError);
    expect(attemptsOn("/crm/v3/objects/companies/1004")).toBe(6);
  });

  it("honours Retry-After on 429 and backs off without it", async () => {
    const hs = await connector();
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" }, { path: "/crm/v3/objects/deals" });
    const { ms, result } = await timed(() => hs.listDeals({}));
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(950);
    fake.faults.next({ kind: "status", status: 429 }, { path: "/crm/v3/objects/deals", times: 2 });
    const before = attemptsOn("/crm/v3/objects/deals");
    await hs.listDeals({});
    expect(attemptsOn("/crm/v3/objects/deals") - before).toBe(3);
  });

  it("ends every call within its deadline + 100 ms when HubSpot hangs or trickles", async () => {
    const hs = await connector({ attemptTimeoutMs: 300, deadlineMs: 700 });
    fake.faults.always({ kind: "hang" }, { path: "/crm/v3/objects/deals" });
    const hang = await timed(() => hs.listDeals({}));
    expect(hang.result.status).toBe("rejected");
    expect(hang.ms).toBeLessThan(800);
    fake.faults.clear();
    fake.faults.always({ kind: "trickle", chunkDelayMs: 50 }, { path: "/crm/v3/objects/companies/1004" });
    const slow = await timed(() => hs.getCompany("1004"));
    expect(slow.result.status).toBe("rejected");
    expect(slow.ms).toBeLessThan(800);
  });

  it("opens the breaker after the threshold and half-opens on time", async () => {
    const hs = await connector({ maxAttempts: 1 });
    fake.faults.always({ kind: "reset" }, { path: "/crm/v3/objects/deals" });
    for (let i = 0; i < 3; i++) await hs.listDeals({}).catch(() => undefined);
    expect(hs.sdk.runtime.policy.circuitState).toBe("open");
    const before = fake.requests.length;
    const refused = await hs.listDeals({}).catch((e: unknown) => e);
    expect(isVendorError(refused) && refused.kind).toBe("circuit_open");
    expect(fake.requests.length).toBe(before);
    fake.faults.clear();
    await new Promise((r) => setTimeout(r, 320));
    await expect(hs.listDeals({})).resolves.toMatchObject({ stale: false });
    expect(hs.sdk.runtime.policy.circuitState).toBe("closed");
  });

  it("serves a flagged stale answer when HubSpot is down", async () => {
    const hs = await connector(
      { maxAttempts: 1 },
      { staleCache: { cache: await memoryKv(), maxAgeMs: 60_000 } },
    );
    const fresh = await hs.getCompany("1004");
    expect(fresh.stale).toBe(false);
    fake.faults.always({ kind: "status", status: 503 });
    const stale = await hs.getCompany("1004");
    expect(stale.stale).toBe(true);
    expect(stale.value.properties.name).toBe("Acme");
    if (stale.stale) expect(stale.ageMs).toBeGreaterThanOrEqual(0);
  });

  it("does not duplicate a create when the connection resets after HubSpot stored it, despite search lag", async () => {
    await fake.close();
    // search would not see the new deal for 5 s: the unique key property is read directly instead
    fake = await startHubSpotFake({
      ...SEED,
      searchLagMs: 5000,
      uniqueProperties: { deals: [IDEMPOTENCY_PROPERTY] },
    });
    const hs = await connector();
    fake.faults.next({ kind: "resetAfterHandling" }, { path: "/crm/v3/objects/deals", method: "POST" });
    const made = await hs.createDeal({ dealname: "Umbrella" }, { idempotencyKey: "k-1" });
    expect(made.recovered).toBe(true);
    expect(
      [...fake.state.objects.deals.values()].filter((d) => d.properties.dealname === "Umbrella"),
    ).toHaveLength(1);
    expect(made.deal.properties[IDEMPOTENCY_PROPERTY]).toBe("k-1");
    // reset before HubSpot saw it: one new create, still one deal
    fake.faults.next({ kind: "reset" }, { path: "/crm/v3/objects/deals", method: "POST" });
    const again = await hs.createDeal({ dealname: "Hooli" }, { idempotencyKey: "k-2" });
    expect(again.recovered).toBe(false);
    expect(
      [...fake.state.objects.deals.values()].filter((d) => d.properties.dealname === "Hooli"),
    ).toHaveLength(1);
    expect(
      fake.requests.filter((r) => r.method === "POST" && r.path === "/crm/v3/objects/deals"),
    ).toHaveLength(3);
    const lookups = fake.requests.filter((r) => r.query.get("idProperty") === IDEMPOTENCY_PROPERTY);
    // each key is read before the create (a plan run again finds its deal) and after the ambiguous failure
    expect(lookups.map((r) => r.path)).toEqual([
      "/crm/v3/objects/deals/k-1",
      "/crm/v3/objects/deals/k-1",
      "/crm/v3/objects/deals/k-2",
      "/crm/v3/objects/deals/k-2",
    ]);
    expect(fake.requests.some((r) => r.path === "/crm/v3/objects/deals/search")).toBe(false);
  });

  it("polls search for the key until the index catches up when the property is not unique in the portal", async () => {
    await fake.close();
    fake = await startHubSpotFake({ ...SEED, searchLagMs: 800 });
    const hs = await connector();
    fake.faults.next({ kind: "resetAfterHandling" }, { path: "/crm/v3/objects/deals", method: "POST" });
    const made = await hs.createDeal({ dealname: "Umbrella" }, { idempotencyKey: "k-lag" });
    expect(made).toMatchObject({
      recovered: true,
      deal: { properties: { [IDEMPOTENCY_PROPERTY]: "k-lag" } },
    });
    expect(
      [...fake.state.objects.deals.values()].filter((d) => d.properties.dealname === "Umbrella"),
    ).toHaveLength(1);
    expect(attemptsOn("/crm/v3/objects/deals/search")).toBeGreaterThan(1);
  });

  it("turns a 401 into an actionable message naming the connection", async () => {
    const hs = await connector();
    await hs.listDeals({});
    fake.faults.expireTokens();
    const err = await hs.listDeals({}).catch((e: unknown) => e);
    expect(isVendorError(err) && err.kind).toBe("auth");
    expect((err as Error).message).toBe(
      "HubSpot rejected the token for connection acme-hubspot: reconnect it (or issue a new private-app token) in Settings → Connections.",
    );
    expect(attemptsOn("/crm/v3/objects/deals")).toBe(2);
  });

  it("records exactly one ledger row per logical call", async () => {
    const local = await sqlite();
    const hs = await createHubSpotConnector(
      {
        id: "ledger-hs",
        vendor: "hubspot",
        baseUrl: fake.url,
        allowInsecureTestBaseUrl: true,
        credentials: { accessToken: "t" },
      },
      { policy: FAST_POLICY, ledger: await ledgerOn(local) },
    );
    fake.faults.next({ kind: "status", status: 500 }, { path: "/crm/v3/objects/companies/1004" });
    await hs.getCompany("1004");
    await hs.listDeals({});
    await hs.getCompany("404").catch(() => undefined);
    expect(await ledgerRows(local)).toEqual([
      { operation: "companies.get", attempts: 2, outcome: "ok" },
      { operation: "deals.list", attempts: 1, outcome: "ok" },
      { operation: "companies.get", attempts: 1, outcome: "not_found" },
    ]);
    await local.close();
  });

  it("refuses malformed JSON without retrying it", async () => {
    const hs = await connector();
    fake.faults.next({ kind: "malformed" }, { path: "/crm/v3/objects/deals" });
    await expect(hs.listDeals({})).rejects.toBeInstanceOf(VendorError);
    expect(attemptsOn("/crm/v3/objects/deals")).toBe(1);
  });
});
