import { createCustomerSuccessServer } from "@revops/cs-mcp";
import { createMarketingServer } from "@revops/marketing-mcp";
import { createSalesServer } from "@revops/sales-mcp";
import { ensureSandboxLoaded, sandboxPlantedLinks, sandboxSystemCompanies } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  type RunningFake,
  type RunningMixpanelFake,
  startMixpanelFake,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customer360 } from "../src/customer/customer-360";
import { type CustomerPorts, customerPorts } from "../src/customer/ports";
import { vendorRuntimes } from "./vendor-runtimes";

/**
 * Mixpanel groups in the identity graph over the vendors: the sandbox's accounts go into the Salesforce fake and its
 * planted Mixpanel companies (clean, renamed, re-domained, misspelt) become group profiles of one group key in the
 * Mixpanel fake, with two of the product's own mismatches on top: REBRANDED renamed companies that took a new name
 * and website since (nothing left to find them by), and DECOYS trial workspaces of look-alike companies that are
 * not customers. Read back through the Query API (`POST /api/query/engage`) and linked; the truth, mapped to the
 * vendors' ids, scores the links.
 */
const GROUP_KEY = "7";
const REBRANDED = 17;
const DECOYS = 24;
const DECOY_WORDS = ["Labs", "Studio", "Collective", "Trial"];
const SYLLABLES = ["ka", "zu", "ri", "vo", "xe", "lu", "mo", "tan", "qui", "dor"];
/** An invented brand no account resembles ("Kazuri Works"). */
const brand = (i: number) => {
  const word = [i % 10, (i * 3 + 1) % 10, (i * 7 + 2) % 10].map((j) => SYLLABLES[j]).join("");
  return `${word[0]?.toUpperCase()}${word.slice(1)} Works`;
};

interface Group {
  externalId: string;
  name: string;
  domain: string | null;
  crmRef: string | null;
  /** The Salesforce id the group really is; null for a look-alike. */
  truth: string | null;
  kind: string;
}
let sandbox: SqlDb;
let sf: RunningFake<unknown>;
let mp: RunningMixpanelFake;
const { portsWith, closeAll } = vendorRuntimes("identity-mixpanel");

let salesforceIdOf: Map<string, string>;
let groups: Group[];
let graph: CustomerPorts;

beforeAll(async () => {
  sandbox = await openSql({ dataDir: tempDataDir("identity-mixpanel-sandbox") });
  await ensureSandboxLoaded(sandbox);
  const accounts = await sandbox.query<{ id: string; name: string; domain: string }>(
    "SELECT id, name, domain FROM sb_accounts ORDER BY id",
  );
  const fakeSf = await startSalesforceFake({
    Account: accounts.map((a) => ({ Name: a.name, Website: `https://www.${a.domain}/` })),
    // customer_360 reads the account's owner
    User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
    pageSize: 200,
  });
  sf = fakeSf as RunningFake<unknown>;
  // the fake numbers records in seed order
  const sfIds = [...(fakeSf.state.objects.Account?.keys() ?? [])];
  salesforceIdOf = new Map(accounts.map((a, i) => [a.id, sfIds[i] as string]));
  const planted = (await sandboxSystemCompanies(sandbox)).filter((c) => c.system === "mixpanel");
  const kindOf = new Map((await sandboxPlantedLinks(sandbox)).map((t) => [t.externalId, t]));
  let rebranded = 0;
  groups = planted.map((c) => {
    const t = kindOf.get(c.externalId);
    const truth = t?.accountId ? (salesforceIdOf.get(t.accountId) ?? null) : null;
    const crmRef = c.crmRef ? (salesforceIdOf.get(c.crmRef) ?? null) : null;
    if (t?.kind === "domain" && rebranded < REBRANDED) {
      const name = brand(rebranded++);
      return {
        ...c,
        name,
        domain: `${name.split(" ")[0]?.toLowerCase()}.com`,
        crmRef,
        truth,
        kind: "rebranded",
      };
    }
    return { ...c, crmRef, truth, kind: t?.kind ?? "clean" };
  });
  const taken = new Set(accounts.map((a) => a.name.toLowerCase()));
  const lookAlikes = accounts
    .map((a, i) => `${a.name.split(" ")[0]} ${DECOY_WORDS[i % DECOY_WORDS.length]}`)
    .filter((name) => !taken.has(name.toLowerCase()))
    .slice(0, DECOYS);
  for (const [i, name] of lookAlikes.entries())
    groups.push({
      externalId: `grp_trial_${i}`,
      name,
      domain: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "")}.net`,
      crmRef: null,
      truth: null,
      kind: "decoy",
    });
  mp = await startMixpanelFake({
    groups: {
      [GROUP_KEY]: groups.map((g) => ({
        $distinct_id: g.externalId,
        $properties: {
          $name: g.name,
          ...(g.domain ? { website: `https://${g.domain}` } : {}),
          // where the sandbox's record stores the CRM id, the group profile stores the Salesforce one
          ...(g.crmRef ? { salesforce_id: g.crmRef } : {}),
          plan: "enterprise",
        },
      })),
    },
  });
}, 180_000);

afterAll(async () => {
  await closeAll();
  await sf?.close();
  await mp?.close();
  await sandbox?.close();
});

describe("identity graph over Salesforce and Mixpanel group profiles (real SDK and Query API against the fakes)", () => {
  it("links Mixpanel groups to Salesforce accounts: every auto link right, misspelt ones to review", async () => {
    const sales = await portsWith((rt) => createSalesServer().ports(rt), {
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: "00D-static-token",
      REVOPS_TEST_VENDOR_BASE_URL: sf.url,
    });
    const cs = await portsWith((rt) => createCustomerSuccessServer().ports(rt), {
      CS_USAGE: "mixpanel",
      MIXPANEL_PROJECT_ID: mp.state.projectId,
      MIXPANEL_SERVICE_ACCOUNT_USERNAME: mp.state.serviceAccount.username,
      MIXPANEL_SERVICE_ACCOUNT_SECRET: mp.state.serviceAccount.secret,
      MIXPANEL_DATA_GROUP_ID: GROUP_KEY,
      MIXPANEL_GROUP_DOMAIN_PROPERTY: "website",
      MIXPANEL_GROUP_CRM_PROPERTY: "salesforce_id",
      REVOPS_TEST_VENDOR_BASE_URL: mp.url,
      REVOPS_TEST_VENDOR_CA: mp.ca,
    });
    graph = await customerPorts(sales.rt, {
      sales: async () => sales.ports,
      cs: async () => cs.ports,
      marketing: (rt) => createMarketingServer().ports(rt),
    });
    const { store, stats } = await graph.identity({ fresh: true });
    expect(stats?.companies.records).toBe(groups.length);
    const links = (await store.all()).filter((l) => l.system === "mixpanel");
    const expected = new Map(groups.map((g) => [g.externalId, g]));
    const used = links.filter((l) => l.status === "auto");
    const review = links.filter((l) => l.status === "review");
    const right = (l: { externalId: string; accountId: string | null }) =>
      expected.get(l.externalId)?.truth === l.accountId;
    const real = groups.filter((g) => g.truth);
    const precision = used.filter(right).length / used.length;
    const recall = used.filter(right).length / real.length;
    const findable = real.filter((g) => g.kind !== "typo" && g.kind !== "rebranded").length;
    const n = (kind: string) => groups.filter((g) => g.kind === kind).length;
    console.log(
      `identity graph over Salesforce + Mixpanel fakes: ${links.length} groups (${real.length} real: ${n("clean")} with the CRM id, ${n("domain")} renamed, ${n("name")} re-domained, ${n("typo")} misspelt, ${n("rebranded")} rebranded; ${n("decoy")} look-alikes), ` +
        `${used.length} linked automatically (precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}; findable ${findable}), ` +
        `${review.length} for review (${review.filter(right).length} with the right account), ${mp.requests.filter((r) => r.path === "/api/query/engage").length} engage request(s)`,
    );
    expect(links).toHaveLength(groups.length);
    expect(used.length).toBe(findable);
    expect(precision).toBe(1);
    expect(recall).toBeCloseTo(findable / real.length, 3);
    for (const l of links) {
      const g = expected.get(l.externalId);
      if (g?.kind === "typo") expect([l.status, l.accountId], l.externalName).toEqual(["review", g.truth]);
      if (g?.kind === "decoy" || g?.kind === "rebranded") expect(l.status, l.externalName).not.toBe("auto");
    }
    // the evidence names the Salesforce id where the group profile stored it
    expect(used.find((l) => l.method === "external_id")?.accountId).toMatch(/^001/);
    expect(mp.violations).toEqual([]);
  }, 180_000);

  it("customer_360 shows a surely linked group's facts with source mixpanel, and none of a group awaiting review", async () => {
    const view = (g: Group | undefined) =>
      customer360.handler({ input: { account_id: g?.truth as string }, ctx: { ports: graph } as never });
    // linked for sure by the CRM id, the domain, the name: shown; misspelt, awaiting review: left out with a caveat
    for (const kind of ["clean", "domain", "name"]) {
      const g = groups.find((x) => x.kind === kind);
      expect((await view(g)).usage_group, kind).toEqual({
        group: g?.externalId,
        name: g?.name,
        properties: [{ name: "plan", value: "enterprise" }],
        source: `mixpanel (group ${g?.externalId})`,
      });
    }
    const typo = groups.find((g) => g.kind === "typo");
    const waiting = await view(typo);
    expect(waiting.usage_group).toBeNull();
    expect(waiting.meta.caveats.join(" ")).toContain(`the mixpanel company "${typo?.name}"`);
    // the facts come from the graph's own read of the groups
    expect(mp.requests.filter((r) => r.path === "/api/query/engage")).toHaveLength(1);
  }, 180_000);
});
