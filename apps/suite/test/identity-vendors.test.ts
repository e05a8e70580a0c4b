import { createCustomerSuccessServer } from "@revops/cs-mcp";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { createMarketingServer } from "@revops/marketing-mcp";
import { createSalesServer } from "@revops/sales-mcp";
import { ensureSandboxLoaded, sandboxPlantedLinks, sandboxSystemCompanies } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { type RunningFake, startSalesforceFake, startZendeskFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { customerPorts } from "../src/customer/ports";

/**
 * The identity graph over the vendors: the sandbox's accounts and its planted Zendesk organizations (clean, renamed,
 * re-domained, misspelt, look-alikes) are seeded into the Salesforce and Zendesk fakes, read back through jsforce and
 * node-zendesk, and linked; the planted truth, mapped to the vendors' ids, scores the links.
 */
let sandbox: SqlDb;
let sf: RunningFake<unknown>;
let zd: RunningFake<unknown>;
const runtimes: KitRuntime[] = [];

/** Ports of one server with the vendor fake's settings, built the way the suite builds them. */
async function portsWith<P>(make: (rt: KitRuntime) => Promise<P>, env: Record<string, string>, url: string) {
  for (const [k, v] of Object.entries({
    ...env,
    REVOPS_TEST_VENDOR_BASE_URL: url,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  }))
    vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("identity-vendors") }),
    createLogger("silent", "test"),
  );
  runtimes.push(rt);
  try {
    return { rt, ports: await make(rt) };
  } finally {
    vi.unstubAllEnvs();
  }
}

let salesforceIdOf: Map<string, string>;
let orgIdOf: Map<string, string>;

beforeAll(async () => {
  sandbox = await openSql({ dataDir: tempDataDir("identity-vendors-sandbox") });
  await ensureSandboxLoaded(sandbox);
  const accounts = await sandbox.query<{ id: string; name: string; domain: string }>(
    "SELECT id, name, domain FROM sb_accounts ORDER BY id",
  );
  const fakeSf = await startSalesforceFake({
    Account: accounts.map((a) => ({ Name: a.name, Website: `https://www.${a.domain}/` })),
    pageSize: 200,
  });
  sf = fakeSf as RunningFake<unknown>;
  // the fake numbers records in seed order
  const sfIds = [...(fakeSf.state.objects.Account?.keys() ?? [])];
  salesforceIdOf = new Map(accounts.map((a, i) => [a.id, sfIds[i] as string]));
  const planted = (await sandboxSystemCompanies(sandbox)).filter((c) => c.system === "zendesk");
  const fakeZd = await startZendeskFake({
    organizations: planted.map((c) => ({
      name: c.name,
      domain_names: c.domain ? [c.domain] : [],
      // where the sandbox's record stores the CRM id, the Zendesk organization stores the Salesforce one
      external_id: c.crmRef ? (salesforceIdOf.get(c.crmRef) ?? null) : null,
    })),
  });
  zd = fakeZd as RunningFake<unknown>;
  const zdIds = [...fakeZd.state.organizations.keys()].map(String);
  orgIdOf = new Map(planted.map((c, i) => [c.externalId, zdIds[i] as string]));
}, 180_000);

afterAll(async () => {
  for (const rt of runtimes) await rt.close(1000);
  await sf?.close();
  await zd?.close();
  await sandbox?.close();
});

describe("identity graph over Salesforce and Zendesk (real SDKs against the fakes)", () => {
  it("links Zendesk organizations to Salesforce accounts with the sandbox's precision and recall", async () => {
    const sales = await portsWith(
      (rt) => createSalesServer().ports(rt),
      { SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D-static-token" },
      sf.url,
    );
    const cs = await portsWith(
      (rt) => createCustomerSuccessServer().ports(rt),
      { CS_SUPPORT: "zendesk", ZENDESK_EMAIL: "agent@acme.test", ZENDESK_API_TOKEN: "zd-test" },
      zd.url,
    );
    const graph = await customerPorts(sales.rt, {
      sales: async () => sales.ports,
      cs: async () => cs.ports,
      marketing: (rt) => createMarketingServer().ports(rt),
    });
    const { store, stats } = await graph.identity({ fresh: true });
    const truth = (await sandboxPlantedLinks(sandbox)).filter((t) => t.system === "zendesk");
    expect(stats?.records).toBe(truth.length);
    const links = (await store.all()).filter((l) => l.system === "zendesk");
    const expected = new Map(
      truth.map((t) => [
        orgIdOf.get(t.externalId),
        { accountId: t.accountId ? salesforceIdOf.get(t.accountId) : null, kind: t.kind },
      ]),
    );
    const used = links.filter((l) => l.status === "auto");
    const correct = used.filter((l) => expected.get(l.externalId)?.accountId === l.accountId);
    const real = [...expected.values()].filter((t) => t.accountId);
    const precision = correct.length / used.length;
    const recall = correct.length / real.length;
    console.log(
      `identity graph over Salesforce + Zendesk fakes: ${links.length} organizations, ${used.length} linked automatically (precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}), ${links.filter((l) => l.status === "review").length} for review`,
    );
    expect(precision).toBe(1);
    expect(recall).toBeGreaterThanOrEqual(0.85);
    for (const l of links) {
      const t = expected.get(l.externalId);
      if (t?.kind === "typo") expect(l.status, l.externalName).toBe("review");
      if (t?.kind === "decoy") expect(l.status, l.externalName).not.toBe("auto");
    }
    // the evidence names the Salesforce id where Zendesk stored it
    const byRef = used.find((l) => l.method === "external_id");
    expect(byRef?.accountId).toMatch(/^001/);
  }, 180_000);
});
