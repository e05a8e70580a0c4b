import { ConfigError } from "@revops/kit";
import {
  APOLLO_TEST_API_KEY,
  type ApolloState,
  connectInProcess,
  type RunningFake,
  startApolloFake,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadSalesEnrichmentConfig } from "../src/integrations/config";
import { createSalesServer } from "../src/server";

const ACCOUNTS = ["acc_0001", "acc_0002", "acc_0003", "acc_0004", "acc_0005"] as const;
const ENRICH = "/api/v1/organizations/enrich";

let fake: RunningFake<ApolloState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;
let plain: Record<string, unknown>;
const domains: Record<string, string> = {};

const org = (primary_domain: string, extra: Record<string, unknown> = {}) => ({
  primary_domain,
  name: "Seeded",
  industry: "computer software",
  estimated_num_employees: 420,
  annual_revenue: 61_500_000,
  founded_year: 2009,
  linkedin_url: "http://www.linkedin.com/company/seeded",
  ...extra,
});

beforeAll(async () => {
  // the sandbox's own answers first: no enrichment configured, and the domains to seed Apollo with
  const sandbox = await connectInProcess([createSalesServer()]);
  for (const id of ACCOUNTS) {
    const r = await sandbox.call("account_get", { account_id: id });
    domains[id] = r.data.domain;
    if (id === "acc_0001") plain = r.data;
  }
  await sandbox.close();
  fake = await startApolloFake({
    organizations: [
      org(domains.acc_0001 as string),
      org(domains.acc_0002 as string, {
        linkedin_url: "javascript:alert(1)",
        founded_year: 3000,
        estimated_num_employees: -5,
      }),
      org("unrelated-company.com", { domains: [domains.acc_0003] }),
    ],
  });
  vi.stubEnv("SALES_ENRICHMENT", "apollo");
  vi.stubEnv("APOLLO_API_KEY", APOLLO_TEST_API_KEY);
  vi.stubEnv("REVOPS_TEST_ENRICHMENT_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  s = await connectInProcess([createSalesServer()]);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
  vi.unstubAllEnvs();
});

describe("account_get with Apollo enrichment", () => {
  it("adds checked firmographics for the account's domain, one credit per account", async () => {
    expect(plain.firmographics).toBeUndefined();
    expect(plain.note).toBeUndefined();
    const r = await s.call("account_get", { account_id: "acc_0001" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.name).toBe(plain.name);
    expect(r.data.firmographics).toEqual({
      industry: "computer software",
      employees: 420,
      annual_revenue: 61_500_000,
      founded_year: 2009,
      // Apollo sends http:// LinkedIn pages; shown only as https
      linkedin_url: "https://www.linkedin.com/company/seeded",
      source: "apollo",
    });
    expect(r.data.note).toBeUndefined();
    expect(fake.requests.map((q) => [q.path, q.query.get("domain")])).toEqual([[ENRICH, domains.acc_0001]]);
    expect(fake.state.creditsUsed).toBe(1);
  });

  it("drops values that fail the checks and refuses a match to another company's domain", async () => {
    const odd = await s.call("account_get", { account_id: "acc_0002" });
    expect(odd.data.firmographics).toEqual({
      industry: "computer software",
      employees: null,
      annual_revenue: 61_500_000,
      founded_year: null,
      linkedin_url: null,
      source: "apollo",
    });
    const other = await s.call("account_get", { account_id: "acc_0003" });
    expect(other.isError, other.text).toBe(false);
    expect(other.data.firmographics).toBeUndefined();
    expect(other.data.note).toBe(
      `No firmographics: Apollo matched ${domains.acc_0003} to another company's domain (unrelated-company.com).`,
    );
    const none = await s.call("account_get", { account_id: "acc_0004" });
    expect(none.data.note).toBe(`No firmographics: Apollo has no company at ${domains.acc_0004}.`);
    expect(fake.state.creditsUsed).toBe(3);
  });

  it("still answers while Apollo is down: cached firmographics flagged, otherwise none and why", async () => {
    fake.faults.always({ kind: "status", status: 503 }, { path: ENRICH });
    try {
      const before = fake.requests.length;
      const cached = await s.call("account_get", { account_id: "acc_0001" });
      expect(cached.isError, cached.text).toBe(false);
      expect(cached.data.firmographics.employees).toBe(420);
      expect(cached.data.note).toMatch(
        /^Apollo is unavailable \(Apollo is having trouble \(HTTP 503\).*firmographics are cached from \d{4}-/,
      );
      const uncached = await s.call("account_get", { account_id: "acc_0005" });
      expect(uncached.isError, uncached.text).toBe(false);
      expect(uncached.data.name).toEqual(expect.any(String));
      expect(uncached.data.firmographics).toBeUndefined();
      expect(uncached.data.note).toBe(
        "No firmographics: Apollo is having trouble (HTTP 503); try again in a moment. No cached copy younger than 60 min is available for Apollo.",
      );
      // a 503 may have spent a credit: never retried
      expect(fake.requests.length - before).toBe(2);
    } finally {
      fake.faults.clear();
    }
  });

  it("says to fix APOLLO_API_KEY when Apollo rejects it", async () => {
    fake.state.apiKeys.clear();
    try {
      const r = await s.call("account_get", { account_id: "acc_0005" });
      expect(r.isError, r.text).toBe(false);
      expect(r.data.firmographics).toBeUndefined();
      expect(r.data.note).toMatch(
        /^No firmographics: Apollo rejected the API key of connection sales-apollo .*APOLLO_API_KEY/,
      );
    } finally {
      fake.state.apiKeys.add(APOLLO_TEST_API_KEY);
    }
  });
});

describe("enrichment configuration", () => {
  const load = (env: Record<string, string>) => () =>
    loadSalesEnrichmentConfig({ REVOPS_ENV_FILE: "/nonexistent", ...env });

  it("is off by default and names the variable and the fix", () => {
    expect(load({ APOLLO_API_KEY: "k" })()).toEqual({ enrichment: "none" });
    expect(load({ SALES_ENRICHMENT: "apollo" })).toThrow(
      /APOLLO_API_KEY: is required when SALES_ENRICHMENT=apollo/,
    );
    expect(load({ SALES_ENRICHMENT: "clearbit" })).toThrow(ConfigError);
    expect(load({ SALES_ENRICHMENT: "clearbit" })).toThrow(/SALES_ENRICHMENT/);
    expect(
      load({
        SALES_ENRICHMENT: "apollo",
        APOLLO_API_KEY: "k",
        REVOPS_TEST_ENRICHMENT_BASE_URL: "http://127.0.0.1:9",
      }),
    ).toThrow(/REVOPS_TEST_ENRICHMENT_BASE_URL.*REVOPS_ALLOW_INSECURE_TEST_VENDOR=true/);
    expect(load({ SALES_ENRICHMENT: "apollo", APOLLO_API_KEY: " k " })()).toEqual({
      enrichment: "apollo",
      apiKey: "k",
      connectionId: "sales-apollo",
      staleMaxAgeMs: 3_600_000,
      allowInsecureTestBaseUrl: false,
    });
  });
});
