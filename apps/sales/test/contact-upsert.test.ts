import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort } from "../src/ports";
import { createSalesServer } from "../src/server";
import { connectSalesWithSafety, phraseIn, type SalesHarness } from "./deal-update-harness";

// ---------------------------------------------------------------------------------------------------------------
// One contract for CrmPort.contactByEmail / upsertContact, the same assertions on every provider.

interface Provider {
  crm: CrmPort;
  system: string;
  accountId: string;
  accountName: string;
  /** How many contacts the system of record holds with this email. */
  count(email: string): Promise<number>;
  close(): Promise<void>;
}

function describeUpsertContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort.upsertContact contract: ${name}`, () => {
    let p: Provider;
    const origin = { principal: "ann", idempotencyKey: "k-1" };
    beforeAll(async () => {
      p = await setup();
    }, 60_000);
    afterAll(async () => p?.close());

    it("creates a contact when the email is new, and reads it back by email in any case", async () => {
      expect(await p.crm.contactByEmail("new.buyer@contract.test")).toBeUndefined();
      const w = await p.crm.upsertContact(
        "New.Buyer@contract.test",
        { name: "Ana Lopez", title: "VP of Sales", accountId: p.accountId },
        origin,
        null,
      );
      expect(w).toMatchObject({ system: p.system, created: true });
      expect(w.contact).toMatchObject({
        name: "Ana Lopez",
        title: "VP of Sales",
        email: "new.buyer@contract.test",
        accountId: p.accountId,
        accountName: p.accountName,
      });
      expect(await p.crm.contactByEmail("NEW.BUYER@contract.test")).toEqual(w.contact);
    });

    it("is idempotent: the same create again finds the contact; there is one contact per email", async () => {
      const again = await p.crm.upsertContact(
        "new.buyer@contract.test",
        { name: "Ana Lopez", title: "VP of Sales", accountId: p.accountId },
        origin,
        null,
      );
      expect(again.recovered).toBe(true);
      expect(await p.count("new.buyer@contract.test")).toBe(1);
    });

    it("updates only the given fields when the email exists, and refuses a stale plan", async () => {
      const w = await p.crm.upsertContact("new.buyer@contract.test", { title: "CRO" }, origin, {
        title: "VP of Sales",
      });
      expect(w).toMatchObject({ created: false, contact: { title: "CRO", name: "Ana Lopez" } });
      await expect(
        p.crm.upsertContact("new.buyer@contract.test", { title: "CEO" }, origin, { title: "VP of Sales" }),
      ).rejects.toThrow(/^conflict:/);
      await expect(
        p.crm.upsertContact("other@contract.test", { name: "No Account" }, origin, null),
      ).rejects.toThrow(/^account_id:/);
      expect(await p.count("new.buyer@contract.test")).toBe(1);
    });
  });
}

describeUpsertContract("sandbox", async () => {
  const db: SqlDb = await openSql({ dataDir: tempDataDir("contact-upsert") });
  await ensureSandboxLoaded(db, { scale: 0.1 });
  const a = await db.one<{ id: string; name: string }>(
    "SELECT id, name FROM sb_accounts ORDER BY id LIMIT 1",
  );
  return {
    crm: new SandboxCrm(db) as unknown as CrmPort,
    system: "sandbox",
    accountId: a?.id as string,
    accountName: a?.name as string,
    count: async (email) =>
      Number(
        (await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_contacts WHERE lower(email) = ?", [email]))
          ?.n,
      ),
    close: () => db.close(),
  };
});

/** The CRM port of the vendor the environment names (ports are built lazily, so the stub is read now). */
async function vendorPort(env: Record<string, string>) {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("contact-upsert-vendor") }),
    createLogger("silent", "test"),
  );
  const crm = (await createSalesServer().ports(rt)).crm;
  vi.unstubAllEnvs();
  return { crm, rt };
}
const vendorEnv = (url: string) => ({
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});

describeUpsertContract("Salesforce (jsforce)", async () => {
  const fake = await startSalesforceFake({
    Account: [{ Name: "Northwind Traders", Website: "northwind.test" }],
  });
  const accountId = [...(fake.state.objects.Account?.keys() ?? [])][0] as string;
  const { crm, rt } = await vendorPort({
    SALES_CRM: "salesforce",
    SALESFORCE_ACCESS_TOKEN: "00D-static-token",
    ...vendorEnv(fake.url),
  });
  return {
    crm,
    system: "salesforce",
    accountId,
    accountName: "Northwind Traders",
    count: async (email) =>
      [...(fake.state.objects.Contact?.values() ?? [])].filter((c) => String(c.Email).toLowerCase() === email)
        .length,
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describeUpsertContract("HubSpot (@hubspot/api-client)", async () => {
  const fake = await startHubSpotFake({
    companies: [{ name: "Northwind Traders", domain: "northwind.test" }],
  });
  const accountId = [...fake.state.objects.companies.keys()][0] as string;
  const { crm, rt } = await vendorPort({
    SALES_CRM: "hubspot",
    HUBSPOT_ACCESS_TOKEN: "pat-test",
    ...vendorEnv(fake.url),
  });
  return {
    crm,
    system: "hubspot",
    accountId,
    accountName: "Northwind Traders",
    count: async (email) =>
      [...fake.state.objects.contacts.values()].filter(
        (c) => String(c.properties.email).toLowerCase() === email,
      ).length,
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

// ---------------------------------------------------------------------------------------------------------------
// contact_upsert through the MCP client on the sandbox, with the safety stack the bin runs.

describe("contact_upsert through the MCP client on the sandbox (guarded, journalled)", () => {
  let h: SalesHarness;
  let db: SqlDb;
  let known: { id: string; email: string; title: string; name: string };
  let account: { id: string; name: string };
  beforeAll(async () => {
    h = await connectSalesWithSafety();
    await h.call("contacts_search", { name: "x" }); // loads the company
    db = await h.runtime.sql();
    known = (await db.one(
      "SELECT id, email, title, name FROM sb_contacts ORDER BY id LIMIT 1 OFFSET 5",
    )) as typeof known;
    account = (await db.one("SELECT id, name FROM sb_accounts ORDER BY id LIMIT 1")) as typeof account;
  }, 120_000);
  afterAll(async () => h?.close());

  it("plans an update of the contact with that email, before → after, and writes nothing on a dry run", async () => {
    const r = await h.call("contact_upsert", {
      email: known.email.toUpperCase(),
      title: "Chief Data Officer",
      dry_run: true,
    });
    expect(r.isError, r.text).toBeFalsy();
    expect(r.data.plan).toMatchObject({
      action: "update",
      record_type: "contact",
      records: [{ id: known.id, name: known.name }],
      changes: [{ field: "title", before: known.title, after: "Chief Data Officer" }],
    });
    const row = await db.one<{ title: string }>("SELECT title FROM sb_contacts WHERE id = ?", [known.id]);
    expect(row?.title).toBe(known.title);
  });

  it("plans a create for a new email, and names the fields a create needs", async () => {
    const missing = await h.call("contact_upsert", { email: "fresh@birchwise.test", dry_run: true });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain("name and account_id");
    const r = await h.call("contact_upsert", {
      email: "fresh@birchwise.test",
      name: "Rosa Diaz",
      account_id: account.id,
      dry_run: true,
    });
    expect(r.data.plan).toMatchObject({
      action: "create",
      records: [{ id: "(new)", name: "Rosa Diaz" }],
      changes: [
        { field: "name", before: null, after: "Rosa Diaz" },
        { field: "account_id", before: null, after: account.id },
      ],
    });
  });

  it("writes the confirmed update once, journalled in sb_changes; the same call again has nothing to change", async () => {
    h.resetMode();
    h.answerWith((p) => ({ action: "accept", content: { confirmation: phraseIn(p.message) ?? "" } }));
    const r = await h.callAsking("contact_upsert", { email: known.email, title: "Chief Data Officer" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ action: "update", written: { system: "sandbox", id: known.id } });
    const row = await db.one<{ title: string; seniority: number }>(
      "SELECT title, seniority FROM sb_contacts WHERE id = ?",
      [known.id],
    );
    expect(row).toMatchObject({ title: "Chief Data Officer", seniority: 1 });
    const journal = await db.query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE entity = 'contact' AND record_id = ?",
      [known.id],
    );
    expect(journal.map((j) => j.field)).toEqual(["title"]);
    const again = await h.callAsking("contact_upsert", { email: known.email, title: "Chief Data Officer" });
    expect(again.isError).toBe(true);
    expect(again.text).toContain("already has these values");
  });

  it("creates a new contact on confirmation, findable by contacts_search", async () => {
    const r = await h.callAsking("contact_upsert", {
      email: "Rosa.Diaz@birchwise.test",
      name: "Rosa Diaz",
      title: "VP of Sales",
      account_id: account.id,
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({
      action: "create",
      contact: { email: "rosa.diaz@birchwise.test", account: account.name },
    });
    const found = await h.call("contacts_search", { email: "rosa.diaz@birchwise.test" });
    expect(found.data.contacts.map((c: { id: string }) => c.id)).toEqual([r.data.written.id]);
  });
});
