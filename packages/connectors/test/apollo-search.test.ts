import { openCostLedger, VENDOR_PRICES } from "@revops/resilience";
import { APOLLO_TEST_API_KEY, type ApolloState, type RunningFake, startApolloFake } from "@revops/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApolloConnector } from "../src/index";
import { FAST_POLICY, sqlite } from "./helpers";

const org = (primary_domain: string, name: string, employees: number, country: string) => ({
  primary_domain,
  name,
  industry: "computer software",
  estimated_num_employees: employees,
  country,
  keywords: ["saas"],
});
const SEED = {
  organizations: [
    org("initech.com", "Initech", 320, "United States"),
    org("globex.com", "Globex", 4_000, "Germany"),
  ],
  people: [
    {
      first_name: "Peter",
      last_name: "Gibbons",
      name: "Peter Gibbons",
      title: "VP Sales",
      seniority: "vp",
      email: "peter@initech.com",
      organization_domain: "initech.com",
    },
    {
      first_name: "Hank",
      last_name: "Scorpio",
      name: "Hank Scorpio",
      title: "Chief Executive Officer",
      seniority: "c_suite",
      organization_domain: "globex.com",
    },
  ],
};
const PEOPLE = "/api/v1/mixed_people/api_search";
const COMPANIES = "/api/v1/mixed_companies/search";

let fake: RunningFake<ApolloState>;
beforeEach(async () => {
  fake = await startApolloFake(SEED);
});
afterEach(async () => {
  await fake.close();
});

async function connector() {
  const db = await sqlite();
  const ledger = await openCostLedger({ db, prices: VENDOR_PRICES, batchSize: 1 });
  const apollo = await createApolloConnector(
    {
      id: "search-apollo",
      vendor: "apollo",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { apiKey: APOLLO_TEST_API_KEY },
    },
    { policy: FAST_POLICY, ledger },
  );
  const ledgerRows = () =>
    db.query<{ operation: string; cost_micros: number; outcome: string }>(
      "SELECT operation, cost_micros, outcome FROM vendor_calls ORDER BY id",
    );
  return { apollo, db, ledgerRows };
}

describe("Apollo searches over HTTP", () => {
  it("searches people for free (masked names, no emails) and companies at a credit per page with results", async () => {
    const { apollo, db, ledgerRows } = await connector();
    const people = await apollo.searchPeople({
      seniorities: ["vp"],
      titles: ["sales"],
      page: 1,
      perPage: 10,
    });
    expect(people.total).toBe(1);
    expect(people.rows[0]).toMatchObject({
      first_name: "Peter",
      last_name_obfuscated: "Gi***s",
      has_email: true,
      organization: { name: "Initech", primary_domain: "initech.com" },
    });
    expect(JSON.stringify(people)).not.toContain("peter@initech.com");
    expect(JSON.parse(fake.requests[0]?.body ?? "{}")).toEqual({
      person_titles: ["sales"],
      person_seniorities: ["vp"],
      page: 1,
      per_page: 10,
    });
    const companies = await apollo.searchOrganizations({ employeesMin: 1_000, page: 1, perPage: 5 });
    expect(companies.rows.map((o) => o.name)).toEqual(["Globex"]);
    expect(companies.total).toBe(1);
    // no company matches: Apollo charges nothing and neither does the ledger
    expect(await apollo.searchOrganizations({ locations: ["Peru"], page: 1, perPage: 5 })).toEqual({
      total: 0,
      rows: [],
    });
    expect(fake.state.creditsUsed).toBe(1);
    const rows = await ledgerRows();
    expect(rows.map((r) => [r.operation, Number(r.cost_micros), r.outcome])).toEqual([
      ["people.search", 0, "ok"],
      ["organizations.search", 200_000, "ok"],
      ["organizations.search", 0, "not_found"],
    ]);
    await db.close();
  });

  it("keeps the searches' rate windows apart from enrichment's, as Apollo does, and waits out a spent one", async () => {
    const { apollo, db } = await connector();
    fake.state.search.limits.minute = 0;
    // the spent search window answers 429 with Retry-After; enrichment still answers
    const err = await apollo.searchPeople({ page: 1, perPage: 5 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate_limited", retryable: true });
    expect(fake.requests.find((r) => r.path === PEOPLE)).toBeDefined();
    expect((await apollo.enrichOrganization("initech.com")).value?.name).toBe("Initech");
    expect(fake.state.usage.minute).toBe(1);
    expect(fake.state.search.usage.minute).toBe(0);
    // the daily guard follows enrichment's allocation, never the search window's numbers
    expect(apollo.sdk.quota.snapshot()).toMatchObject({ limit: 300, used: 1 });
    // Retry-After is honoured for a throttled search
    fake.state.search.limits.minute = 50;
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" }, { path: COMPANIES });
    const started = performance.now();
    expect((await apollo.searchOrganizations({ page: 1, perPage: 1 })).rows).toHaveLength(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    await db.close();
  });

  it("refuses pages Apollo does not serve before calling it", async () => {
    const { apollo, db } = await connector();
    await expect(apollo.searchPeople({ page: 0, perPage: 5 })).rejects.toMatchObject({ kind: "invalid" });
    await expect(apollo.searchOrganizations({ page: 1, perPage: 101 })).rejects.toThrow(/1 to 100 rows/);
    expect(fake.requests).toHaveLength(0);
    await db.close();
  });
});
