import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseConfigSchema, ConfigError, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded, sandboxToday } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadSalesCrmConfig } from "../../sales/src/integrations/config";
import { type HeldOutEvaluation, heldOutFrom, trainChurnModel } from "../src/domain/churn";
import { loadCsIntegrationsConfig } from "../src/integrations/config";
import { SandboxSupport } from "../src/integrations/sandbox/support";
import type { ChurnHistory } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";
import {
  readSandboxCompany,
  type SandboxCompany,
  seedHubSpot,
  seedSalesforce,
  seedZendesk,
} from "./crm-seed";

const dir = mkdtempSync(join(tmpdir(), "cs-churn-vendors-"));
let db: SqlDb;
let company: SandboxCompany;
let today: string;
const closers: (() => Promise<unknown>)[] = [];
/** Salesforce's held-out figures, which HubSpot's must equal: the same company in either CRM. */
let salesforceFigures: Record<string, unknown> | undefined;
const figures = (ev: HeldOutEvaluation) => {
  const { predictions: _, ...rest } = ev;
  return rest;
};

beforeAll(async () => {
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db, {});
  company = await readSandboxCompany(db);
  today = await sandboxToday(db);
}, 60_000);
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

/** The customer-success ports on the given environment, their clock pinned to the sandbox's day. */
async function portsWith(env: Record<string, string>) {
  vi.unstubAllEnvs();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("churn-vendors") }),
    createLogger("silent", "test"),
  );
  closers.push(() => rt.close(1000));
  const now = () => new Date(`${today}T12:00:00Z`);
  return { ports: await createCustomerSuccessServer({ now }).ports(rt), now };
}

const FAKES = { REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" };

/**
 * Ground truth (packages/sandbox/README.md): a cancelled term is a churned account's last term, and nothing
 * else; 463 renewed and 61 cancelled terms at seed 42.
 */
function expectPlantedLabels(h: ChurnHistory) {
  const churnedLast = new Map<string, string>();
  for (const t of company.terms) if (t.status === "cancelled") churnedLast.set(t.account_id, t.renewal_date);
  const name = new Map(company.accounts.map((a) => [a.id, a.name]));
  const expected = [...churnedLast].map(([id, day]) => `${name.get(id)}@${day}`).sort();
  const cancelled = h.terms.filter((t) => t.status === "cancelled");
  expect(cancelled.map((t) => `${t.accountName}@${t.renewalDate}`).sort()).toEqual(expected);
  expect(cancelled.length).toBe(61);
  expect(h.terms.length - cancelled.length).toBe(463);
}

/** AUC by counting pairs (independent of the kit's rank formula), from the held-out predictions. */
function pairAuc(preds: { probability: number; cancelled: boolean }[]) {
  const pos = preds.filter((p) => p.cancelled);
  const neg = preds.filter((p) => !p.cancelled);
  let wins = 0;
  for (const a of pos)
    for (const b of neg)
      wins += a.probability > b.probability ? 1 : a.probability === b.probability ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

describe("Salesforce renewals with Zendesk tickets", () => {
  let history: ChurnHistory;
  let sfUrl: string;
  let zdUrl: string;

  beforeAll(async () => {
    const sf = await seedSalesforce(company);
    const zd = await seedZendesk(company, sf.accountId);
    closers.push(
      () => sf.fake.close(),
      () => zd.fake.close(),
    );
    sfUrl = sf.fake.url;
    zdUrl = zd.fake.url;
    const { ports } = await portsWith({
      ...FAKES,
      CS_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: "sf-test",
      CS_SUPPORT: "zendesk",
      ZENDESK_EMAIL: "agent@acme.test",
      ZENDESK_API_TOKEN: "zd-test",
      REVOPS_TEST_VENDOR_BASE_URL: `salesforce=${sfUrl},zendesk=${zdUrl}`,
    });
    history = await ports.support.renewalHistory();
  }, 120_000);

  it("labels renewal opportunities as the planted churn: won = renewed, lost = the churned account's last term", () => {
    expectPlantedLabels(history);
    const renewing = new Set(company.terms.filter((t) => t.status !== "active").map((t) => t.account_id));
    expect(new Set(history.terms.map((t) => t.accountId)).size).toBe(renewing.size);
    expect(history.note).toMatch(
      /Salesforce renewal opportunities with tickets and CSAT from the help desk and CS activities/,
    );
  });

  // Zendesk ticket counts per renewal: renewals-port.test.ts (the same assertions on every provider)
  it("counts each renewal's Salesforce account tasks in the 90 days before its lead day, as the sandbox rows say", () => {
    const byName = new Map(company.accounts.map((a) => [a.name, a.id]));
    for (const t of history.terms.filter((_, i) => i % 25 === 0)) {
      const acts = company.activities.filter(
        (a) =>
          a.account_id === byName.get(t.accountName) &&
          a.occurred_at.slice(0, 10) >= t.activities.from &&
          a.occurred_at.slice(0, 10) < t.asOf,
      );
      expect(t.activities.count, t.termId).toBe(acts.length);
    }
  });

  it("holds out the latest two quarters by time and reaches the churn bars there", () => {
    const model = trainChurnModel(history);
    const ev = model?.evaluation;
    if (!ev) throw new Error("no held-out evaluation");
    const last = history.terms[history.terms.length - 1]?.renewalDate ?? "";
    expect(ev.testFrom).toBe(heldOutFrom(last));
    const test = history.terms.filter((t) => t.renewalDate >= ev.testFrom);
    expect(ev.nTest).toBe(test.length);
    expect(ev.nTrain + ev.nTest).toBe(524);
    // the labels of the held-out predictions are the planted ones
    const planted = new Set(test.filter((t) => t.status === "cancelled").map((t) => t.termId));
    expect(
      ev.predictions
        .filter((p) => p.cancelled)
        .map((p) => p.termId)
        .sort(),
    ).toEqual([...planted].sort());
    expect(pairAuc(ev.predictions)).toBeCloseTo(ev.auc, 3);
    // the bars on held-out renewals
    expect(ev.auc).toBeGreaterThanOrEqual(0.85);
    expect(ev.ece).toBeLessThanOrEqual(0.05);
    salesforceFigures = figures(ev);
    console.info("salesforce+zendesk held-out", salesforceFigures);
  });

  it("churn_risk serves the Salesforce model through the MCP client and names its source", async () => {
    const s = await connectInProcess([
      createCustomerSuccessServer({ now: () => new Date(`${today}T12:00:00Z`) }),
    ]);
    closers.push(() => s.close());
    const r = await s.call("churn_risk", { limit: 5 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toBe("zendesk+salesforce+sandbox");
    expect(r.data.meta.inputs.past_renewals).toBe(524);
    expect(r.data.meta.caveats.join(" ")).toMatch(/Salesforce renewal opportunities/);
    // the open renewals are the active terms of current customers
    expect(r.data.total.accounts).toBe(company.terms.filter((t) => t.status === "active").length);
    const atRisk = r.data.accounts.map((a: { arr_at_risk: number }) => a.arr_at_risk);
    expect(atRisk).toEqual([...atRisk].sort((a, b) => b - a));
  });
});

describe("HubSpot renewals", () => {
  let withTickets: ChurnHistory;
  let without: ChurnHistory;

  beforeAll(async () => {
    const hs = await seedHubSpot(company);
    // no external ids: Zendesk organizations find their HubSpot company by name
    const zd = await seedZendesk(company);
    closers.push(
      () => hs.fake.close(),
      () => zd.fake.close(),
    );
    const hubspot = { ...FAKES, CS_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "hs-test" };
    withTickets = await (
      await portsWith({
        ...hubspot,
        CS_SUPPORT: "zendesk",
        ZENDESK_EMAIL: "agent@acme.test",
        ZENDESK_API_TOKEN: "zd-test",
        REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hs.fake.url},zendesk=${zd.fake.url}`,
      })
    ).ports.support.renewalHistory();
    without = await (
      await portsWith({ ...hubspot, REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hs.fake.url}` })
    ).ports.support.renewalHistory();
  }, 120_000);

  it("labels existing-business deals as the planted churn", () => {
    expectPlantedLabels(withTickets);
    expect(withTickets.note).toMatch(/HubSpot renewal deals/);
  });

  it("trains the same model as on Salesforce: the same company gives the same held-out figures", async () => {
    const sandboxTerms = (await new SandboxSupport(db).renewalHistory()).terms.length;
    expect(withTickets.terms.length).toBe(sandboxTerms);
    const ev = trainChurnModel(withTickets)?.evaluation;
    if (!ev || !salesforceFigures) throw new Error("no held-out evaluation");
    expect(figures(ev)).toEqual(salesforceFigures);
  });

  it("without a help desk (ticket features unknown: renewals-port.test.ts), CRM signals alone still rank churners", () => {
    const ev = trainChurnModel(without)?.evaluation;
    if (!ev) throw new Error("no held-out evaluation");
    // CRM activity, tenure and ARR alone still rank the planted churners well above chance
    expect(ev.auc).toBeGreaterThanOrEqual(0.8);
    console.info("hubspot alone held-out", figures(ev));
  });
});

describe("CS_CRM settings", () => {
  const problem = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error("no ConfigError");
  };

  it("names the missing credential of each CRM, and both servers read Salesforce's refresh flow alike", () => {
    expect(problem(() => loadCsIntegrationsConfig({ CS_CRM: "hubspot" }))).toMatch(/HUBSPOT_ACCESS_TOKEN/);
    expect(problem(() => loadCsIntegrationsConfig({ CS_CRM: "salesforce" }))).toMatch(
      /SALESFORCE_REFRESH_TOKEN/,
    );
    const refresh = {
      SALESFORCE_REFRESH_TOKEN: "r",
      SALESFORCE_INSTANCE_URL: "https://acme.my.salesforce.com",
    };
    expect(problem(() => loadCsIntegrationsConfig({ CS_CRM: "salesforce", ...refresh }))).toMatch(
      /SALESFORCE_CLIENT_ID: is required with SALESFORCE_REFRESH_TOKEN/,
    );
    expect(problem(() => loadSalesCrmConfig({ SALES_CRM: "salesforce", ...refresh }))).toMatch(
      /SALESFORCE_CLIENT_ID: is required with SALESFORCE_REFRESH_TOKEN/,
    );
    expect(loadCsIntegrationsConfig({}).crm).toEqual({ crm: "sandbox" });
  });
});
