import { sandboxDatabase } from "@revops/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalIdIn, connectSalesWithSafety, type SalesHarness } from "./deal-update-harness";

let h: SalesHarness;
beforeAll(async () => {
  h = await connectSalesWithSafety();
});
afterAll(async () => h?.close());

const sql = async () => sandboxDatabase(h.runtime);

describe("prospects_find on the sandbox directory", () => {
  it("finds people by seniority and title, free, masked, each marked against the CRM recomputed in SQL", async () => {
    const r = await h.call("prospects_find", { seniority: "vp,c_suite", titles: "sales, revenue" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ find: "people", credits_spent: 0, source: "sandbox" });
    expect(r.data.people.length).toBeGreaterThan(0);
    expect(r.data.total).toBeGreaterThanOrEqual(r.data.people.length);
    const db = await sql();
    for (const p of r.data.people as Record<string, string>[]) {
      expect(p.title).toMatch(/sales|revenue/i);
      expect(["vp", "c_suite"]).toContain(p.seniority);
      expect(p.name).toMatch(/^\S+ \S{2}\*\*\*\S$/);
      const account = await db.one<{ id: string }>("SELECT id FROM sb_accounts WHERE lower(domain) = ?", [
        p.domain,
      ]);
      const [first, masked] = String(p.name).split(" ") as [string, string];
      const contacts = account
        ? await db.query<{ first_name: string; last_name: string }>(
            "SELECT first_name, last_name FROM sb_contacts WHERE account_id = ?",
            [account.id],
          )
        : [];
      const known = contacts.some(
        (c) => c.first_name === first && `${c.last_name.slice(0, 2)}***${c.last_name.slice(-1)}` === masked,
      );
      expect(p.in_crm, p.name).toBe(known ? "contact" : account ? "account" : null);
    }
    // the directory holds both: people the CRM knows and people it does not
    const all = await h.call("prospects_find", { seniority: "vp", page: 1 });
    const marks = new Set((all.data.people as { in_crm: string | null }[]).map((p) => p.in_crm));
    expect(marks.has("contact") || marks.has("account")).toBe(true);
    expect(r.text).not.toMatch(/@/);
  });

  it("finds companies (a credit for a page with results, none for no match) and tells CRM accounts from new ones", async () => {
    const r = await h.call("prospects_find", { companies: true, employees: "1-100000" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.credits_spent).toBe(1);
    const db = await sql();
    const { n } = (await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_accounts")) as { n: number };
    // every CRM account and half as many new companies
    expect(r.data.total).toBe(Number(n) + Math.ceil(Number(n) / 2));
    for (const c of r.data.companies as { domain: string; account_id: string | null }[]) {
      const a = await db.one<{ id: string }>("SELECT id FROM sb_accounts WHERE lower(domain) = ?", [
        c.domain,
      ]);
      expect(c.account_id).toBe(a?.id ?? null);
    }
    const none = await h.call("prospects_find", { companies: true, location: "Atlantis" });
    expect(none.data).toMatchObject({ total: 0, credits_spent: 0 });
    const last = Math.ceil(r.data.total / 25);
    const newOnes = await h.call("prospects_find", { companies: true, page: last });
    expect(newOnes.data.companies.some((c: { in_crm: string | null }) => c.in_crm === null)).toBe(true);
  });

  it("teaches bad input: the field and the form it takes", async () => {
    const bad = await h.call("prospects_find", { seniority: "boss" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/seniority: boss .*c_suite, vp/s);
    const range = await h.call("prospects_find", { employees: "lots" });
    expect(range.text).toMatch(/employees: .*"50-500"/s);
    const mixed = await h.call("prospects_find", { companies: true, titles: "VP" });
    expect(mixed.text).toMatch(/titles and seniority filter people/);
  });
});

describe("account_enrich on the sandbox directory", () => {
  const account = async (id: string) =>
    (await sql()).one<{ industry: string; employees: number; country: string }>(
      "SELECT industry, employees, country FROM sb_accounts WHERE id = ?",
      [id],
    );

  it("shows CRM before → directory after for one credit, without asking anyone under the configured size", async () => {
    const r = await h.call("account_enrich", { account_id: "acc_0001" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ found: true, credits_spent: 1, written: null, source: "sandbox" });
    const crm = await account("acc_0001");
    const employees = r.data.changes.find((c: { field: string }) => c.field === "employees");
    if (employees) expect(employees.before).toBe(Number(crm?.employees));
    expect(r.data.changes.map((c: { field: string }) => c.field)).toEqual(
      expect.arrayContaining(["revenue_band", "technologies"]),
    );
    // bought once: the same enrichment again is reused and spends nothing
    const again = await h.call("account_enrich", { account_id: "acc_0001" });
    expect(again.data.credits_spent).toBe(0);
  });

  it("makes a spend above APOLLO_CREDIT_CONFIRM_ABOVE a plan for a human, then reveals people", async () => {
    const dry = await h.call("account_enrich", { account_id: "acc_0002", people: 5, dry_run: true });
    expect(dry.data.plan).toMatchObject({ action: "spend", credits: 6, counts_toward_caps: false });
    const queued = await h.call("account_enrich", { account_id: "acc_0002", people: 5 });
    const id = approvalIdIn(queued.text) as string;
    expect(id, queued.text).toBeDefined();
    await h.approve(id);
    const r = await h.call("account_enrich", { account_id: "acc_0002", people: 5, approval_id: id });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.people.length).toBeGreaterThan(0);
    expect(r.data.credits_spent).toBe(1 + r.data.people.length);
    for (const p of r.data.people) {
      const known = await (await sql()).one("SELECT id FROM sb_contacts WHERE lower(email) = ?", [p.email]);
      expect(p.in_crm).toBe(!!known);
    }
  });

  it("writes the enriched fields back only through a confirmed update plan, journalled, once", async () => {
    const target = await (await sql()).one<{ id: string }>(
      "SELECT id FROM sb_accounts WHERE id IN ('acc_0003','acc_0004','acc_0005','acc_0006','acc_0007','acc_0008') ORDER BY id LIMIT 1",
    );
    const id = target?.id as string;
    const before = await account(id);
    const dry = await h.call("account_enrich", { account_id: id, write_back: true, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    expect(dry.data.plan).toMatchObject({ action: "update", record_type: "account" });
    expect(await account(id)).toEqual(before);
    const queued = await h.call("account_enrich", { account_id: id, write_back: true });
    const approval = approvalIdIn(queued.text) as string;
    await h.approve(approval);
    const r = await h.call("account_enrich", { account_id: id, write_back: true, approval_id: approval });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.written).toEqual({ system: "sandbox", id });
    const after = await account(id);
    for (const c of dry.data.plan.changes as {
      field: "industry" | "employees" | "country";
      after: unknown;
    }[])
      expect(after?.[c.field] === c.after || Number(after?.[c.field]) === c.after).toBe(true);
    const journal = await (await sql()).query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE entity = 'account' AND record_id = ?",
      [id],
    );
    expect(journal.map((j) => j.field).sort()).toEqual(
      (dry.data.plan.changes as { field: string }[]).map((c) => c.field).sort(),
    );
    const replay = await h.call("account_enrich", {
      account_id: id,
      write_back: true,
      approval_id: approval,
    });
    expect(replay.isError).toBe(true);
  });
});
