import { isVendorError, openCostLedger, VENDOR_PRICES } from "@revops/resilience";
import type { SqlDb } from "@revops/store";
import { APOLLO_TEST_API_KEY, type ApolloState, type RunningFake, startApolloFake } from "@revops/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type ApolloConnector,
  apolloDomain,
  checkDisplayLink,
  createApolloConnector,
  type ResilienceSetup,
} from "../src/index";
import { FAST_POLICY, ledgerOn, memoryKv, sqlite, timed } from "./helpers";

const SEED = {
  organizations: [
    {
      primary_domain: "initech.com",
      name: "Initech",
      industry: "information technology & services",
      estimated_num_employees: 320,
      annual_revenue: 48_000_000,
      founded_year: 1998,
      linkedin_url: "http://www.linkedin.com/company/initech",
    },
  ],
  people: [
    {
      name: "Peter Gibbons",
      title: "Software Engineer",
      email: "peter@initech.com",
      organization_domain: "initech.com",
    },
  ],
};
const ENRICH = "/api/v1/organizations/enrich";

let fake: RunningFake<ApolloState>;
let db: SqlDb;

async function connector(policy = {}, extra: ResilienceSetup = {}): Promise<ApolloConnector> {
  return createApolloConnector(
    {
      id: "acme-apollo",
      vendor: "apollo",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { apiKey: APOLLO_TEST_API_KEY },
    },
    { policy: { ...FAST_POLICY, ...policy }, ledger: await ledgerOn(db), ...extra },
  );
}
const hits = (path = ENRICH) => fake.requests.filter((r) => r.path === path).length;

beforeAll(async () => {
  db = await sqlite();
});
beforeEach(async () => {
  fake = await startApolloFake(SEED);
});
afterEach(async () => {
  await fake.close();
});
afterAll(async () => {
  await db.close();
});

describe("Apollo connector over HTTP", () => {
  it("enriches an organization by its normalised domain and matches people, one credit per match", async () => {
    const apollo = await connector();
    const org = await apollo.enrichOrganization("https://www.Initech.com/about");
    expect(org).toMatchObject({
      stale: false,
      value: {
        name: "Initech",
        estimated_num_employees: 320,
        annual_revenue: 48_000_000,
        founded_year: 1998,
      },
    });
    expect(fake.requests[0]?.query.get("domain")).toBe("initech.com");
    expect(fake.requests[0]?.headers["x-api-key"]).toBe(APOLLO_TEST_API_KEY);
    expect((await apollo.enrichOrganization("unknown.io")).value).toBeNull();
    const byEmail = await apollo.matchPerson({ email: "PETER@initech.com" });
    expect(byEmail).toMatchObject({ name: "Peter Gibbons", title: "Software Engineer" });
    const byName = await apollo.matchPerson({
      firstName: "Peter",
      lastName: "Gibbons",
      domain: "initech.com",
    });
    expect(byName?.id).toBe(byEmail?.id);
    expect(await apollo.matchPerson({ email: "nobody@initech.com" })).toBeNull();
    expect(JSON.parse(fake.requests.at(-1)?.body ?? "{}")).toEqual({
      email: "nobody@initech.com",
      reveal_personal_emails: false,
      reveal_phone_number: false,
    });
    expect(fake.state.creditsUsed).toBe(3);
  });

  it("refuses bad input before spending a request", async () => {
    const apollo = await connector();
    await expect(apollo.enrichOrganization("10.0.0.1")).rejects.toMatchObject({ kind: "invalid" });
    await expect(apollo.enrichOrganization("not a domain")).rejects.toThrow(/pass one like acme.com/);
    await expect(apollo.matchPerson({ firstName: "Peter" })).rejects.toThrow(/needs an email/);
    expect(fake.requests).toHaveLength(0);
    expect(apolloDomain("peter@Initech.com")).toBe("initech.com");
    expect(apolloDomain("localhost")).toBeUndefined();
  });

  it("never repeats a credit-spending call Apollo may have processed; retries 429s", async () => {
    const apollo = await connector();
    fake.faults.always({ kind: "status", status: 503 }, { path: ENRICH });
    const err = await apollo.enrichOrganization("initech.com").catch((e: unknown) => e);
    expect(isVendorError(err) && err.kind).toBe("unavailable");
    expect(hits()).toBe(1);
    fake.faults.clear();
    fake.faults.next({ kind: "resetAfterHandling" }, { path: ENRICH });
    await expect(apollo.enrichOrganization("initech.com")).rejects.toMatchObject({ kind: "unavailable" });
    expect(hits()).toBe(2);
    expect(fake.state.creditsUsed).toBe(1);
    // a 429 was surely not processed: retried up to maxAttempts
    fake.faults.next({ kind: "status", status: 429 }, { path: ENRICH, times: 2 });
    await expect(apollo.enrichOrganization("initech.com")).resolves.toMatchObject({ stale: false });
    expect(hits()).toBe(5);
  });

  it("honours Retry-After, and surfaces a spent window with its reset instead of waiting", async () => {
    const apollo = await connector();
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" }, { path: ENRICH });
    const { ms, result } = await timed(() => apollo.enrichOrganization("initech.com"));
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(hits()).toBe(2);
    // the fake's own minute window runs out: 429 with Retry-After, the seconds left in that window
    fake.state.limits.minute = fake.state.usage.minute;
    const err = await apollo.enrichOrganization("initech.com").catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate_limited", retryable: true });
    expect((err as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(58_000);
    expect((err as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((err as Error).message).toMatch(
      /^Apollo is rate limiting connection acme-apollo; try again in (59|60) s\.$/,
    );
    expect(hits()).toBe(3);
    fake.faults.next(
      { kind: "status", status: 429, headers: { "x-daily-requests-left": "0" } },
      { path: ENRICH },
    );
    fake.state.limits.minute = 50;
    await expect(apollo.enrichOrganization("initech.com")).rejects.toMatchObject({ kind: "quota_exhausted" });
    expect(hits()).toBe(4);
  });

  it("stops calling near the end of the daily allocation the headers report", async () => {
    const apollo = await connector();
    fake.state.limits.daily = 20;
    fake.state.usage.daily = 18;
    await apollo.enrichOrganization("initech.com");
    expect(apollo.sdk.quota.snapshot()).toMatchObject({ used: 19, limit: 20, remaining: 1 });
    const err = await apollo.enrichOrganization("initech.com").catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "quota_exhausted" });
    expect((err as Error).message).toMatch(/19 of 20 requests/);
    expect(hits()).toBe(1);
  });

  it("ends every call within its deadline + 250 ms (scheduling slack on a loaded machine) when Apollo hangs or trickles", async () => {
    const apollo = await connector({ attemptTimeoutMs: 300, deadlineMs: 700 });
    fake.faults.always({ kind: "hang" });
    const hang = await timed(() => apollo.enrichOrganization("initech.com"));
    expect(hang.result.status).toBe("rejected");
    expect(hang.ms).toBeLessThan(950);
    fake.faults.clear();
    fake.faults.always({ kind: "trickle", chunkDelayMs: 50 });
    const slow = await timed(() => apollo.matchPerson({ email: "peter@initech.com" }));
    expect(slow.result.status).toBe("rejected");
    expect(slow.ms).toBeLessThan(950);
  });

  it("opens the breaker, serves flagged stale reads meanwhile, and half-opens on time", async () => {
    const apollo = await connector({}, { staleCache: { cache: await memoryKv(), maxAgeMs: 60_000 } });
    expect((await apollo.enrichOrganization("initech.com")).stale).toBe(false);
    fake.faults.always({ kind: "reset" });
    for (let i = 0; i < 3; i++) expect((await apollo.enrichOrganization("initech.com")).stale).toBe(true);
    expect(apollo.sdk.runtime.policy.circuitState).toBe("open");
    const sent = fake.requests.length;
    const stale = await apollo.enrichOrganization("initech.com");
    expect(stale).toMatchObject({ stale: true, value: { name: "Initech" } });
    if (stale.stale) expect(stale.error.kind).toBe("circuit_open");
    expect(fake.requests).toHaveLength(sent);
    // person matches have no cache: the open circuit refuses them without a request
    await expect(apollo.matchPerson({ email: "peter@initech.com" })).rejects.toMatchObject({
      kind: "circuit_open",
    });
    fake.faults.clear();
    await new Promise((r) => setTimeout(r, 320));
    expect((await apollo.enrichOrganization("initech.com")).stale).toBe(false);
    expect(apollo.sdk.runtime.policy.circuitState).toBe("closed");
  });

  it("words 401 and 422 so they can be fixed, and keeps an exact cost ledger", async () => {
    const local = await sqlite();
    const ledger = await openCostLedger({ db: local, prices: VENDOR_PRICES, batchSize: 1 });
    const apollo = await createApolloConnector(
      {
        id: "ledger-apollo",
        vendor: "apollo",
        baseUrl: fake.url,
        allowInsecureTestBaseUrl: true,
        credentials: { apiKey: APOLLO_TEST_API_KEY },
      },
      { policy: FAST_POLICY, ledger },
    );
    await apollo.enrichOrganization("initech.com");
    await apollo.enrichOrganization("unknown.io");
    fake.faults.next({ kind: "status", status: 429 }, { path: "/api/v1/people/match" });
    await apollo.matchPerson({ email: "peter@initech.com" });
    fake.faults.next(
      { kind: "status", status: 422, body: { error: "Invalid email format" } },
      { path: "/api/v1/people/match" },
    );
    const invalid = await apollo.matchPerson({ email: "peter@" }).catch((e: unknown) => e);
    expect((invalid as Error).message).toBe(
      "Apollo refused the person peter@ for connection ledger-apollo: Invalid email format.",
    );
    fake.state.apiKeys.clear();
    const auth = await apollo.enrichOrganization("initech.com").catch((e: unknown) => e);
    expect(auth).toMatchObject({ kind: "auth", retryable: false });
    expect((auth as Error).message).toMatch(
      /^Apollo rejected the API key of connection ledger-apollo.*APOLLO_API_KEY/,
    );
    const rows = await local.query<Record<string, unknown>>(
      "SELECT operation, units, attempts, cost_micros, outcome FROM vendor_calls ORDER BY id",
    );
    expect(rows.map((r) => ({ ...r, cost_micros: Number(r.cost_micros) }))).toEqual([
      { operation: "organizations.enrich", units: 1, attempts: 1, cost_micros: 200_000, outcome: "ok" },
      { operation: "organizations.enrich", units: 1, attempts: 1, cost_micros: 0, outcome: "not_found" },
      { operation: "people.match", units: 1, attempts: 2, cost_micros: 200_000, outcome: "ok" },
      { operation: "people.match", units: 1, attempts: 1, cost_micros: 0, outcome: "invalid" },
      { operation: "organizations.enrich", units: 1, attempts: 1, cost_micros: 0, outcome: "auth" },
    ]);
    // what the ledger charged is what Apollo counted
    expect(fake.state.creditsUsed).toBe(2);
    await local.close();
  });

  it("refuses malformed JSON and redirects without retrying", async () => {
    const apollo = await connector();
    fake.faults.next({ kind: "malformed" }, { path: ENRICH });
    await expect(apollo.enrichOrganization("initech.com")).rejects.toMatchObject({ kind: "unavailable" });
    fake.faults.next({ kind: "redirect", location: "http://169.254.169.254/" }, { path: ENRICH });
    await expect(apollo.enrichOrganization("initech.com")).rejects.toThrow(/redirect .* never followed/);
    expect(hits()).toBe(2);
  });
});

describe("Apollo URL safety", () => {
  const conn = { id: "u", vendor: "apollo" as const, credentials: { apiKey: "k" } };
  const publicDns = { resolve: async () => ["104.18.20.1"] };

  it.each([
    [{ baseUrl: "http://api.apollo.io" }, /only https/],
    [{ baseUrl: "https://evil.example.com" }, /not one of api.apollo.io/],
    [{ baseUrl: "http://10.0.0.5", allowInsecureTestBaseUrl: true }, /only permits a fake on 127.0.0.1/],
    [{ credentials: { apiKey: " " } }, /set APOLLO_API_KEY/],
  ])("refuses %o", async (override, reason) => {
    await expect(createApolloConnector({ ...conn, ...override }, publicDns)).rejects.toThrow(reason);
  });

  it("defaults to https://api.apollo.io", async () => {
    expect((await createApolloConnector(conn, publicDns)).sdk.baseUrl.origin).toBe("https://api.apollo.io");
  });

  it("accepts only https links on the allowed hosts for display", () => {
    const hosts = ["linkedin.com", "*.linkedin.com"];
    expect(checkDisplayLink("https://www.linkedin.com/company/initech", hosts).href).toBe(
      "https://www.linkedin.com/company/initech",
    );
    for (const bad of [
      "http://www.linkedin.com/company/x",
      "javascript:alert(1)",
      "https://user:pw@www.linkedin.com/x",
      "https://www.linkedin.com:8443/x",
      "https://linkedin.com.evil.io/x",
      "https://127.0.0.1/x",
    ]) {
      expect(() => checkDisplayLink(bad, hosts), bad).toThrow(/Refused outbound URL/);
    }
  });
});
