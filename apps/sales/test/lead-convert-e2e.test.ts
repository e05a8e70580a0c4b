import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSalesWithSafety, phraseIn, type SalesHarness } from "./deal-update-harness";

// ---------------------------------------------------------------------------------------------------------------
// lead_update and lead_convert through the MCP client on the sandbox, with the safety stack the bin runs.

describe("lead_update and lead_convert through the MCP client on the sandbox (guarded, journalled)", () => {
  let h: SalesHarness;
  let db: SqlDb;
  type Lead = { id: string; name: string; email: string; company: string; status: string };
  let open: Lead[];
  let known: { id: string; name: string; email: string; account_id: string; account: string };
  beforeAll(async () => {
    h = await connectSalesWithSafety();
    await h.call("leads_list", { limit: 1 }); // loads the company
    db = await h.runtime.sql();
    open = (await db.query(
      "SELECT id, name, email, company, status FROM sb_leads WHERE status IN ('new', 'working', 'mql') ORDER BY id LIMIT 3",
    )) as Lead[];
    known = (await db.one(
      `SELECT c.id, c.name, c.email, c.account_id, a.name AS account FROM sb_contacts c
       JOIN sb_accounts a ON a.id = c.account_id ORDER BY c.id LIMIT 1 OFFSET 7`,
    )) as typeof known;
    h.answerWith((p) => ({ action: "accept", content: { confirmation: phraseIn(p.message) ?? "" } }));
  }, 120_000);
  afterAll(async () => h?.close());

  it("lead_update plans before → after from a fresh read, then writes once, journalled", async () => {
    const lead = open[0] as Lead;
    const plan = await h.call("lead_update", {
      lead_id: lead.id,
      status: "SQL",
      rating: "hot",
      dry_run: true,
    });
    expect(plan.isError, plan.text).toBeFalsy();
    expect(plan.data.plan).toMatchObject({
      action: "update",
      record_type: "lead",
      records: [{ id: lead.id, name: lead.name }],
      changes: [
        { field: "status", before: lead.status, after: "sql" },
        { field: "rating", before: null, after: "hot" },
      ],
    });
    const r = await h.callAsking("lead_update", { lead_id: lead.id, status: "sql", rating: "hot" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({
      lead: { status: "sql", rating: "hot" },
      written: { system: "sandbox", id: lead.id },
    });
    const journal = await db.query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE entity = 'lead' AND record_id = ? ORDER BY field",
      [lead.id],
    );
    expect(journal.map((j) => j.field)).toEqual(["rating", "status"]);
    const again = await h.call("lead_update", { lead_id: lead.id, status: "sql", dry_run: true });
    expect(again.text).toContain("already has these values");
    const bad = await h.call("lead_update", { lead_id: lead.id, rating: "lukewarm", dry_run: true });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("rating");
  });

  it("lead_convert plans the three records in one plan and creates them on one confirmation", async () => {
    const lead = open[1] as Lead;
    const unowned = await h.call("lead_convert", {
      lead_id: lead.id,
      amount: 18_000,
      close_date: "2027-02-26",
      dry_run: true,
    });
    expect(unowned.isError).toBe(true);
    expect(unowned.text).toContain("owner");
    const owned = await h.callAsking("lead_update", { lead_id: lead.id, owner: "usr_01" });
    expect(owned.isError, owned.text).toBe(false);
    const listed = await h.call("leads_list", { owner: "usr_01", limit: 100 });
    expect(listed.data.leads.map((l: { id: string }) => l.id)).toContain(lead.id);
    const plan = await h.call("lead_convert", {
      lead_id: lead.id,
      amount: 18_000,
      close_date: "2027-02-26",
      dry_run: true,
    });
    expect(plan.isError, plan.text).toBeFalsy();
    expect(plan.data.plan).toMatchObject({
      action: "convert",
      record_type: "lead",
      records: [{ id: lead.id }],
      creates: [
        { record_type: "account", action: "create", id: "(new)", name: lead.company },
        { record_type: "contact", action: "create", id: "(new)", name: lead.name },
        { record_type: "deal", action: "create", id: "(new)" },
      ],
    });
    const r = await h.callAsking("lead_convert", {
      lead_id: lead.id,
      amount: 18_000,
      close_date: "2027-02-26",
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({
      lead_id: lead.id,
      account: { name: lead.company, created: true },
      contact: { name: lead.name, created: true },
      deal: { name: `${lead.company} - New business`, amount: 18_000, close_date: "2027-02-26" },
      written: { system: "sandbox" },
    });
    const row = await db.one<{ status: string; converted_deal_id: string }>(
      "SELECT status, converted_deal_id FROM sb_leads WHERE id = ?",
      [lead.id],
    );
    expect(row).toEqual({ status: "converted", converted_deal_id: r.data.deal.id });
    const deal = await h.call("deal_get", { deal_id: r.data.deal.id });
    expect(deal.isError).toBeFalsy();
    const twice = await h.call("lead_convert", {
      lead_id: lead.id,
      amount: 1,
      close_date: "2027-02-26",
      dry_run: true,
    });
    expect(twice.isError).toBe(true);
    expect(twice.text).toContain("lead_id");
    expect(twice.text).toContain("already converted");
  });

  it("reuses the contact with the lead's email and its account, and says so in the plan", async () => {
    const lead = open[2] as Lead;
    await db.run("UPDATE sb_leads SET email = ? WHERE id = ?", [known.email, lead.id]);
    const plan = await h.call("lead_convert", {
      lead_id: lead.id,
      amount: 9_000,
      close_date: "2027-03-31",
      dry_run: true,
    });
    expect(plan.isError, plan.text).toBeFalsy();
    expect(plan.data.plan.creates.slice(0, 2)).toEqual([
      expect.objectContaining({ record_type: "account", action: "reuse", id: known.account_id }),
      expect.objectContaining({
        record_type: "contact",
        action: "reuse",
        id: known.id,
        matched_by: `email ${known.email}`,
      }),
    ]);
    expect(plan.data.plan.summary).toContain("reuse contact");
    const r = await h.callAsking("lead_convert", {
      lead_id: lead.id,
      amount: 9_000,
      close_date: "2027-03-31",
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({
      account: { id: known.account_id, created: false },
      contact: { id: known.id, created: false },
    });
    const contacts = await db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_contacts WHERE lower(email) = ?",
      [known.email.toLowerCase()],
    );
    expect(Number(contacts?.n)).toBe(1);
  });
});
