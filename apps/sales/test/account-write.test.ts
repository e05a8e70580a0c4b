import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { type RunningFake, startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubspotIndustry } from "../src/integrations/hubspot/account-write";
import { SandboxAccountWrite } from "../src/integrations/sandbox/prospecting";
import type { CrmPort } from "../src/ports";
import type { AccountWritePort } from "../src/ports-prospecting";
import { vendorPort } from "./lead-convert-vendors";

/** A CRM whose accounts take enriched fields, with one account to write on. */
interface Provider {
  system: string;
  crm: CrmPort;
  write: AccountWritePort;
  accountId: string;
  /** The CRM's own value for "software". */
  industry: string;
  /** Writes the CRM recorded for the account so far. */
  writes(): Promise<number>;
  /** The next write is applied, then its answer is lost (vendors only: the sandbox writes in one transaction). */
  loseNextAnswer?(): void;
  close(): Promise<void>;
}

const origin = (key: string) => ({ principal: "ann", idempotencyKey: key });
const firmographics = (a: { industry: string; employees: number; country: string }) => ({
  industry: a.industry,
  employees: a.employees,
  country: a.country,
});

// ---------------------------------------------------------------------------------------------------------------
// One contract for AccountWritePort.updateFirmographics (account_enrich's write-back), the same on every CRM.

function describeAccountWrite(name: string, setup: () => Promise<Provider>) {
  describe(`AccountWritePort contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    }, 60_000);
    afterAll(async () => p?.close());

    const current = async () => firmographics((await p.crm.getAccount(p.accountId)) as never);

    it("writes industry, employees and country from the plan's before → after, once per plan", async () => {
      const before = await current();
      const after = { industry: p.industry, employees: before.employees + 40, country: "Canada" };
      const w = await p.write.updateFirmographics(p.accountId, after, origin("e-1"), before);
      expect(w).toEqual({ system: p.system, id: p.accountId });
      expect(await current()).toEqual(after);
      const writes = await p.writes();
      expect(writes).toBeGreaterThan(0);
      // the same plan again finds its values in place: nothing sent
      expect(await p.write.updateFirmographics(p.accountId, after, origin("e-1"), before)).toEqual(w);
      expect(await p.writes()).toBe(writes);
    });

    it("refuses a stale plan naming the field, and answers undefined for an unknown account", async () => {
      const now = await current();
      const writes = await p.writes();
      await expect(
        p.write.updateFirmographics(p.accountId, { employees: 7 }, origin("e-2"), { employees: 1 }),
      ).rejects.toThrow(/^conflict: account .* changed meanwhile \(employees is now/);
      expect(await current()).toEqual(now);
      expect(await p.writes()).toBe(writes);
      const unknown =
        p.system === "hubspot" ? "999999999" : p.system === "sandbox" ? "acc_9999" : "001999999999999999";
      expect(await p.write.updateFirmographics(unknown, { employees: 7 }, origin("e-3"), {})).toBeUndefined();
    });

    it("after an ambiguous failure reads the account back instead of writing twice", async () => {
      if (!p.loseNextAnswer) return;
      const before = await current();
      const writes = await p.writes();
      p.loseNextAnswer();
      const after = { ...before, employees: before.employees + 1 };
      await p.write.updateFirmographics(p.accountId, after, origin("e-4"), before);
      expect(await current()).toEqual(after);
      expect(await p.writes()).toBe(writes + 1);
    });
  });
}

describeAccountWrite("sandbox on SQLite", async () => {
  const db = await openSql({ dataDir: tempDataDir("account-write") });
  await ensureSandboxLoaded(db, { scale: 0.05 });
  const account = await db.one<{ id: string }>("SELECT id FROM sb_accounts ORDER BY id LIMIT 1");
  const id = account?.id as string;
  return {
    system: "sandbox",
    crm: new SandboxCrm(db),
    write: new SandboxAccountWrite(db),
    accountId: id,
    industry: "Software",
    writes: async () =>
      Number(
        (await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_changes WHERE record_id = ?", [id]))?.n,
      ),
    close: () => db.close(),
  };
});

/** A vendor fake's account, written through the sales server's own ports; writes = PATCHes on its path. */
async function vendorProvider(
  fake: RunningFake<unknown>,
  env: Record<string, string>,
  v: { system: string; accountId: string; industry: string; path: string },
): Promise<Provider> {
  const { rt, ports } = await vendorPort(env, fake.url);
  return {
    system: v.system,
    crm: ports.crm,
    write: ports.accountWrite as AccountWritePort,
    accountId: v.accountId,
    industry: v.industry,
    writes: async () => fake.requests.filter((r) => r.method === "PATCH" && r.path.endsWith(v.path)).length,
    loseNextAnswer: () => fake.faults.next({ kind: "resetAfterHandling" }, { method: "PATCH" }),
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
}

describeAccountWrite("Salesforce (jsforce) over its fake", async () => {
  const fake = await startSalesforceFake({
    User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
    Account: [
      {
        Name: "Acme",
        Website: "acme.test",
        Industry: "Retail",
        NumberOfEmployees: 120,
        BillingCountry: "United States",
        OwnerId: "005000000000000001",
      },
    ],
  });
  const accountId = "001000000000000002";
  return vendorProvider(
    fake,
    { SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D-static-token" },
    { system: "salesforce", accountId, industry: "Software", path: `/sobjects/Account/${accountId}` },
  );
});

describeAccountWrite("HubSpot (@hubspot/api-client) over its fake", async () => {
  const fake = await startHubSpotFake({
    owners: [{ id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 }],
    companies: [
      {
        name: "Acme",
        domain: "acme.test",
        industry: "RETAIL",
        numberofemployees: "120",
        country: "United States",
        hubspot_owner_id: "71",
      },
    ],
  });
  const accountId = [...fake.state.objects.companies.keys()][0] as string;
  return vendorProvider(
    fake,
    { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test" },
    { system: "hubspot", accountId, industry: "COMPUTER_SOFTWARE", path: `/companies/${accountId}` },
  );
});

describe("HubSpot's industry enumeration", () => {
  it("maps directory industries to HubSpot's options and leaves the rest out", () => {
    expect(hubspotIndustry("Software")).toBe("COMPUTER_SOFTWARE");
    expect(hubspotIndustry("information technology & services")).toBe("INFORMATION_TECHNOLOGY_AND_SERVICES");
    expect(hubspotIndustry("Healthcare")).toBe("HOSPITAL_HEALTH_CARE");
    expect(hubspotIndustry("RETAIL")).toBe("RETAIL");
    expect(hubspotIndustry("Manufacturing")).toBeNull();
    expect(hubspotIndustry("Professional Services")).toBeNull();
  });
});
