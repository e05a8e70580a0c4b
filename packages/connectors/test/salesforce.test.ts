import { randomBytes } from "node:crypto";
import {
  authMigrations,
  CredentialVault,
  masterKeyFromBytes,
  TokenRefresher,
  vendorRefresher,
} from "@revops/auth";
import { isVendorError } from "@revops/resilience";
import { migrate, type SqlDb } from "@revops/store";
import { type RunningFake, type SalesforceState, startSalesforceFake } from "@revops/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSalesforceConnector, type SalesforceConnector, type SalesforceSetup } from "../src/index";
import { FAST_POLICY, ledgerOn, ledgerRows, memoryKv, sqlite, timed } from "./helpers";

const OPPS = Array.from({ length: 5 }, (_, i) => ({
  Name: `Opp ${i + 1}`,
  StageName: i % 2 === 0 ? "Prospecting" : "Closed Won",
  Amount: (i + 1) * 1000,
  CloseDate: `2025-0${i + 1}-15`,
}));
const ACCOUNT_ID = "001000000000000001";

let fake: RunningFake<SalesforceState>;
let db: SqlDb;

async function connector(extra: Partial<SalesforceSetup> = {}, policy = {}): Promise<SalesforceConnector> {
  return createSalesforceConnector(
    {
      id: "acme-sf",
      vendor: "salesforce",
      allowInsecureTestBaseUrl: true,
      credentials: { instanceUrl: fake.url, accessToken: "00D-static" },
    },
    { policy: { ...FAST_POLICY, ...policy }, ledger: await ledgerOn(db), ...extra },
  );
}
const dataRequests = () => fake.requests.filter((r) => r.path.startsWith("/services/data/"));

beforeAll(async () => {
  db = await sqlite();
});
beforeEach(async () => {
  fake = await startSalesforceFake({
    Account: [{ Name: "Acme", Industry: "Retail" }],
    Opportunity: OPPS,
    pageSize: 2,
  });
});
afterEach(async () => {
  await fake.close();
});
afterAll(async () => {
  await db.close();
});

describe("Salesforce connector over real jsforce", () => {
  it("a multi-currency org through jsforce: raw Amount filters, ISO-coded ones, convertCurrency() and CurrencyType", async () => {
    await fake.close();
    fake = await startSalesforceFake({
      Opportunity: [
        {
          Name: "Yen",
          Amount: 300_000,
          CurrencyIsoCode: "JPY",
          StageName: "Prospecting",
          CloseDate: "2025-01-15",
        },
        { Name: "Dollar", Amount: 4_000, StageName: "Prospecting", CloseDate: "2025-01-15" },
      ],
      currencies: { corporate: "USD", rates: { USD: 1, JPY: 150 } },
    });
    const sf = await connector();
    const names = async (soql: string) => (await sf.query(soql)).records.map((r) => r.Name);
    expect(await names("SELECT Name FROM Opportunity WHERE Amount >= 5000")).toEqual(["Yen"]);
    expect(await names("SELECT Name FROM Opportunity WHERE Amount >= USD3000")).toEqual(["Dollar"]);
    const converted = await sf.query(
      "SELECT Name, convertCurrency(Amount), CurrencyIsoCode FROM Opportunity",
    );
    expect(converted.records.map((r) => [r.Name, r.Amount, r.CurrencyIsoCode])).toEqual([
      ["Yen", 2000, "JPY"],
      ["Dollar", 4000, "USD"],
    ]);
    const rates = await sf.query(
      "SELECT IsoCode, ConversionRate, IsCorporate FROM CurrencyType WHERE IsActive = true",
    );
    expect(rates.records.map((r) => [r.IsoCode, r.ConversionRate, r.IsCorporate])).toEqual([
      ["USD", 1, true],
      ["JPY", 150, false],
    ]);
  });

  it("a single-currency org refuses CurrencyIsoCode, convertCurrency() and CurrencyType, as Salesforce does", async () => {
    const sf = await connector();
    for (const soql of [
      "SELECT Name, CurrencyIsoCode FROM Opportunity",
      "SELECT Name, convertCurrency(Amount) FROM Opportunity",
      "SELECT IsoCode FROM CurrencyType",
    ])
      await expect(sf.query(soql)).rejects.toMatchObject({ kind: "invalid", status: 400 });
  });

  it("queries with automatic queryMore up to a cap, lists opportunities and reads an account", async () => {
    const sf = await connector();
    const all = await sf.query("SELECT Id, Name FROM Opportunity ORDER BY Name ASC");
    expect(all.records.map((r) => r.Name)).toEqual(["Opp 1", "Opp 2", "Opp 3", "Opp 4", "Opp 5"]);
    expect(all.complete).toBe(true);
    expect(dataRequests().map((r) => r.path.split("/").pop())).toEqual([
      "query",
      "01g000000000001-2",
      "01g000000000001-4",
    ]);
    const capped = await sf.query("SELECT Id FROM Opportunity", { maxRecords: 3 });
    expect(capped.records).toHaveLength(3);
    expect(capped.complete).toBe(false);
    const won = await sf.listOpportunities({ stageName: "Closed Won", minAmount: 3000 });
    expect(won.value.records.map((r) => r.Name)).toEqual(["Opp 4"]);
    const account = await sf.getAccount(ACCOUNT_ID);
    expect(account.value).toMatchObject({ Id: ACCOUNT_ID, Name: "Acme" });
    expect(await sf.sdk.runtime.caller.remainingQuota()).toMatchObject({ daily: { limit: 15000 } });
  });

  it("makes exactly maxAttempts requests per call: jsforce's own GET retries are off", async () => {
    const sf = await connector();
    fake.faults.always({ kind: "status", status: 503 });
    const err = await sf.getAccount(ACCOUNT_ID).catch((e: unknown) => e);
    expect(isVendorError(err) && err.kind).toBe("unavailable");
    expect(dataRequests()).toHaveLength(3);
    fake.faults.clear();
    fake.faults.always({ kind: "reset" });
    await sf.getAccount(ACCOUNT_ID).catch(() => undefined);
    expect(dataRequests()).toHaveLength(6);
  });

  it("honours Retry-After and ends hung or trickling calls within the deadline + 250 ms (scheduling slack on a loaded machine)", async () => {
    const sf = await connector({}, { attemptTimeoutMs: 300, deadlineMs: 700 });
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" });
    const waited = await timed(() => sf.getAccount(ACCOUNT_ID));
    expect(waited.result.status).toBe("rejected"); // a 1 s wait does not fit a 700 ms deadline: surfaced at once
    expect(waited.ms).toBeLessThan(200);
    fake.faults.always({ kind: "hang" });
    const hang = await timed(() => sf.getAccount(ACCOUNT_ID));
    expect(hang.ms).toBeLessThan(950);
    fake.faults.clear();
    fake.faults.always({ kind: "trickle", chunkDelayMs: 60 });
    const slow = await timed(() => sf.getAccount(ACCOUNT_ID));
    expect(slow.result.status).toBe("rejected");
    expect(slow.ms).toBeLessThan(950);
  });

  it("waits out Retry-After when it fits the deadline", async () => {
    const sf = await connector({}, { deadlineMs: 3000 });
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" });
    const { ms, result } = await timed(() => sf.getAccount(ACCOUNT_ID));
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(dataRequests()).toHaveLength(2);
  });

  it("treats REQUEST_LIMIT_EXCEEDED as quota_exhausted and does not retry it", async () => {
    fake.state.dailyAllocation = 1;
    fake.state.apiUsage = 1;
    const sf = await connector();
    const err = await sf.getAccount(ACCOUNT_ID).catch((e: unknown) => e);
    expect(isVendorError(err) && err.kind).toBe("quota_exhausted");
    expect((err as Error).message).toContain("daily API allocation of connection acme-sf is used up");
    expect(dataRequests()).toHaveLength(1);
  });

  it("opens the breaker, serves stale reads while open, and half-opens on time", async () => {
    const sf = await connector(
      { staleCache: { cache: await memoryKv(), maxAgeMs: 60_000 } },
      { maxAttempts: 1 },
    );
    await sf.getAccount(ACCOUNT_ID);
    fake.faults.always({ kind: "status", status: 500 });
    for (let i = 0; i < 3; i++) expect((await sf.getAccount(ACCOUNT_ID)).stale).toBe(true);
    expect(sf.sdk.runtime.policy.circuitState).toBe("open");
    const sent = dataRequests().length;
    expect((await sf.getAccount(ACCOUNT_ID)).stale).toBe(true);
    expect(dataRequests()).toHaveLength(sent);
    fake.faults.clear();
    await new Promise((r) => setTimeout(r, 320));
    expect((await sf.getAccount(ACCOUNT_ID)).stale).toBe(false);
  });

  it("refreshes an expired token once through the token endpoint (vault on SQLite), then succeeds", async () => {
    const vaultDb = await sqlite();
    await migrate(vaultDb, authMigrations);
    const vault = new CredentialVault(vaultDb, { current: masterKeyFromBytes(randomBytes(32)) });
    const tokens = new TokenRefresher({
      vault,
      kv: await memoryKv(),
      refreshers: {
        salesforce: vendorRefresher("salesforce", {
          tokenUrl: `${fake.url}/services/oauth2/token`,
          clientId: "c",
          clientSecret: "s",
        }),
      },
    });
    await tokens.save("acme-sf", {
      vendor: "salesforce",
      accessToken: "00D-old",
      refreshToken: "refresh-1",
      expiresAt: Date.now() + 3_600_000,
      instanceUrl: fake.url,
    });
    const sf = await createSalesforceConnector(
      { id: "acme-sf", vendor: "salesforce", allowInsecureTestBaseUrl: true, credentials: {} },
      { policy: FAST_POLICY, tokens },
    );
    fake.faults.expireTokens("00D-old");
    const account = await sf.getAccount(ACCOUNT_ID);
    expect(account.value.Name).toBe("Acme");
    expect(fake.requests.filter((r) => r.path === "/services/oauth2/token")).toHaveLength(1);
    expect(dataRequests().map((r) => r.headers.authorization)).toEqual([
      "Bearer 00D-old",
      "Bearer 00D-access-1",
    ]);
    expect(JSON.parse((await vault.get("acme-sf")) ?? "{}").accessToken).toBe("00D-access-1");
    await vaultDb.close();
  });

  it("refuses an instance_url from the token endpoint that points outside Salesforce", async () => {
    const vaultDb = await sqlite();
    await migrate(vaultDb, authMigrations);
    const vault = new CredentialVault(vaultDb, { current: masterKeyFromBytes(randomBytes(32)) });
    const tokens = new TokenRefresher({ vault, kv: await memoryKv(), refreshers: {} });
    await tokens.save("evil-sf", {
      vendor: "salesforce",
      accessToken: "t",
      expiresAt: Date.now() + 3_600_000,
      instanceUrl: "https://evil.example.com",
    });
    const sf = await createSalesforceConnector(
      { id: "evil-sf", vendor: "salesforce", credentials: {} },
      { tokens },
    );
    await expect(sf.getAccount(ACCOUNT_ID)).rejects.toThrow(/host evil.example.com is not one of/);
    await vaultDb.close();
  });

  it("records one ledger row per HTTP request with exact attempts", async () => {
    const local = await sqlite();
    const sf = await createSalesforceConnector(
      {
        id: "ledger-sf",
        vendor: "salesforce",
        allowInsecureTestBaseUrl: true,
        credentials: { instanceUrl: fake.url, accessToken: "x" },
      },
      { policy: FAST_POLICY, ledger: await ledgerOn(local) },
    );
    fake.faults.next({ kind: "status", status: 500 });
    await sf.query("SELECT Id FROM Opportunity");
    await sf.updateOpportunity("006000000000000002", { StageName: "Closed Won" });
    expect(fake.state.objects.Opportunity?.get("006000000000000002")?.StageName).toBe("Closed Won");
    expect(await ledgerRows(local)).toEqual([
      { operation: "query", attempts: 2, outcome: "ok" },
      { operation: "query.more", attempts: 1, outcome: "ok" },
      { operation: "query.more", attempts: 1, outcome: "ok" },
      { operation: "opportunities.update", attempts: 1, outcome: "ok" },
    ]);
    await local.close();
  });
});
