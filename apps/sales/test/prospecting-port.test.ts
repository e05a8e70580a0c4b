import { connectorSetup } from "@revops/connectors";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  APOLLO_TEST_API_KEY,
  type ApolloState,
  type RunningFake,
  startApolloFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSalesEnrichmentConfig } from "../src/integrations/config";
import { type Directory, sandboxDirectory } from "../src/integrations/sandbox/directory";
import { SandboxProspecting } from "../src/integrations/sandbox/prospecting";
import { vendorEnrichment } from "../src/integrations/vendor-ports";
import type { ProspectingPort } from "../src/ports-prospecting";

// One contract for ProspectingPort: the sandbox's directory, and Apollo over HTTP (its fake seeded with the same
// directory), give the same answers and charge the same credits.

let db: SqlDb;
let dir: Directory;
let fake: RunningFake<ApolloState>;
let rt: KitRuntime;
const providers: Record<string, ProspectingPort> = {};

beforeAll(async () => {
  db = await openSql({ dataDir: tempDataDir("prospecting-port") });
  await ensureSandboxLoaded(db, { scale: 0.05 });
  dir = await sandboxDirectory(db);
  providers.sandbox = new SandboxProspecting(db);
  fake = await startApolloFake({
    organizations: dir.companies.map((c) => ({
      primary_domain: c.domain,
      name: c.name,
      industry: c.industry,
      estimated_num_employees: c.employees,
      annual_revenue: c.annualRevenue,
      country: c.country,
      technology_names: c.technologies,
    })),
    people: dir.people.map((p) => ({
      first_name: p.firstName,
      last_name: p.lastName,
      name: `${p.firstName} ${p.lastName}`,
      title: p.title,
      seniority: p.seniority,
      email: p.email,
      organization_domain: p.domain,
    })),
  });
  rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("prospecting-apollo") }),
    createLogger("silent", "test"),
  );
  const config = loadSalesEnrichmentConfig({
    SALES_ENRICHMENT: "apollo",
    APOLLO_API_KEY: APOLLO_TEST_API_KEY,
    REVOPS_TEST_ENRICHMENT_BASE_URL: fake.url,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  });
  if (config.enrichment !== "apollo") throw new Error("expected the Apollo config");
  providers.apollo = (await vendorEnrichment(rt, config)).prospecting;
});

afterAll(async () => {
  await fake?.close();
  await rt?.close(1000);
  await db?.close();
});

const each = (name: string, fn: (p: ProspectingPort) => Promise<unknown>) =>
  it(name, async () => {
    const [sandbox, apollo] = [
      await fn(providers.sandbox as ProspectingPort),
      await fn(providers.apollo as ProspectingPort),
    ];
    expect(apollo).toEqual(sandbox);
  });

describe("ProspectingPort: the sandbox directory and Apollo (fake over HTTP) agree", () => {
  each("people search: filters, total, masked names, no emails, no credit", async (p) => {
    const page = await p.findPeople({ seniorities: ["vp"], titles: ["sales"], page: 1, perPage: 10 });
    expect(page.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(page)).not.toMatch(/@/);
    return { total: page.total, credits: page.credits, rows: page.rows.map(({ id: _id, ...r }) => r) };
  });

  each("company search: a credit for a page with results, none for no match", async (p) => {
    const page = await p.findCompanies({ employeesMin: 500, page: 1, perPage: 5 });
    const none = await p.findCompanies({ locations: ["Atlantis"], page: 1, perPage: 5 });
    return {
      total: page.total,
      credits: page.credits,
      names: page.rows.map((c) => [c.name, c.domain, c.employees]),
      none: { total: none.total, credits: none.credits },
    };
  });

  each(
    "enrichment: the same profile and revealed people, a credit each; an unknown domain costs nothing",
    async (p) => {
      const domain = dir.companies[0]?.domain as string;
      const got = await p.enrich(domain, 2);
      expect(got.people.every((x) => x.email?.endsWith(`@${domain}`))).toBe(true);
      const unknown = await p.enrich("no-such-company.com", 2);
      return {
        profile: { ...got.profile, location: undefined, name: got.profile?.name },
        people: got.people.map((x) => x.email).sort(),
        credits: got.credits,
        unknown: unknown.credits,
      };
    },
  );

  it("Apollo charged exactly the credits the port reported, and the ledger metered them", async () => {
    // people search 0 + company page 1 + enrichment 1 + two people 2 (no-matches free)
    expect(fake.state.creditsUsed).toBe(4);
    await (await connectorSetup(rt, { staleMaxAgeMs: 0 })).ledger?.flush();
    const rows = await (await rt.sql()).query<{
      operation: string;
      outcome: string;
      n: number;
      micros: number;
    }>(
      "SELECT operation, outcome, COUNT(*) AS n, SUM(cost_micros) AS micros FROM vendor_calls GROUP BY operation, outcome ORDER BY operation, outcome",
    );
    expect(rows.map((r) => [r.operation, r.outcome, Number(r.n), Number(r.micros)])).toEqual([
      ["organizations.enrich", "not_found", 1, 0],
      ["organizations.enrich", "ok", 1, 200_000],
      ["organizations.search", "not_found", 1, 0],
      ["organizations.search", "ok", 1, 200_000],
      ["people.match", "ok", 2, 400_000],
      ["people.search", "ok", 2, 0],
    ]);
  });
});
