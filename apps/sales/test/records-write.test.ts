import { sandboxDatabase } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalIdIn, type Call, connectSalesWithSafety, type SalesHarness } from "./deal-update-harness";

/** records_bulk_update and records_delete on the sandbox through the MCP client, the guard and the approval queue. */
let h: SalesHarness;
let db: SqlDb;

beforeAll(async () => {
  h = await connectSalesWithSafety();
  expect((await h.call("deals_list", { limit: 1 })).isError).toBe(false); // loads the sandbox
  db = await sandboxDatabase(h.runtime);
  h.mode("approval");
}, 120_000);
afterAll(async () => h?.close());

/** Queues the plan, a human approves it out of band, the same call runs it. */
async function approved(tool: string, args: Record<string, unknown>): Promise<Call> {
  const queued = await h.call(tool, args);
  expect(queued.text).toMatch(/approval/i);
  const id = approvalIdIn(queued.text) as string;
  await h.approve(id);
  return h.call(tool, { ...args, approval_id: id });
}
const count = async (sql: string, args: unknown[] = []) =>
  Number((await db.one<{ n: number }>(sql, args))?.n ?? 0);

describe("records_bulk_update on the sandbox", () => {
  it("plans the exact change by filter (count recomputed in SQL), runs it once after approval, journalled", async () => {
    const busiest = await db.one<{ owner_id: string; name: string; stage: string }>(
      `SELECT d.owner_id, u.name, d.stage FROM sb_deals d JOIN sb_users u ON u.id = d.owner_id
       GROUP BY d.owner_id, u.name, d.stage ORDER BY COUNT(*) DESC, d.owner_id, d.stage LIMIT 1`,
    );
    const owner = String(busiest?.owner_id);
    const want = await db.query<{ id: string; next_step: string | null }>(
      "SELECT id, next_step FROM sb_deals WHERE owner_id = ? AND stage = ? ORDER BY id",
      [owner, busiest?.stage],
    );
    expect(want.length).toBeGreaterThan(1);
    const args = {
      record_type: "deal",
      where: { owner: String(busiest?.name), stage: String(busiest?.stage) },
      set: { next_step: "Send pricing v2" },
    };
    const dry = await h.call("records_bulk_update", { ...args, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    const plan = dry.data.plan;
    expect(plan).toMatchObject({
      action: "update",
      record_type: "deal",
      count: want.length,
      system: "sandbox",
    });
    expect(plan.records.map((r: { id: string }) => r.id)).toEqual(want.slice(0, 5).map((w) => w.id));
    expect(plan.changes[0]).toEqual({
      id: want[0]?.id,
      name: expect.any(String),
      field: "next_step",
      before: want[0]?.next_step ?? null,
      after: "Send pricing v2",
    });
    expect(plan.selection_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(await count("SELECT COUNT(*) AS n FROM sb_deals WHERE next_step = 'Send pricing v2'")).toBe(0);

    const r = await approved("records_bulk_update", args);
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ matched: want.length, updated: want.length, recovered: false });
    expect(
      await count("SELECT COUNT(*) AS n FROM sb_deals WHERE owner_id = ? AND next_step = 'Send pricing v2'", [
        owner,
      ]),
    ).toBe(want.length);
    expect(
      await count(
        "SELECT COUNT(DISTINCT record_id) AS n FROM sb_changes WHERE entity = 'deal' AND field = 'next_step' AND after_value = ?",
        [JSON.stringify("Send pricing v2")],
      ),
    ).toBe(want.length);
    const again = await h.call("records_bulk_update", { ...args, dry_run: true });
    expect(again.text).toMatch(/nothing to change/);
  });

  it("refuses a plan whose selection changed between approval and execution", async () => {
    const ids = (await db.query<{ id: string }>("SELECT id FROM sb_contacts ORDER BY id LIMIT 3")).map(
      (r) => r.id,
    );
    const args = { record_type: "contact", where: ids, set: { title: "VP Revenue" } };
    const queued = await h.call("records_bulk_update", args);
    const id = approvalIdIn(queued.text) as string;
    await h.approve(id);
    await db.run("UPDATE sb_contacts SET title = 'Changed meanwhile' WHERE id = ?", [ids[1]]);
    const r = await h.call("records_bulk_update", { ...args, approval_id: id });
    expect(r.isError).toBe(true);
    expect(await count("SELECT COUNT(*) AS n FROM sb_contacts WHERE title = 'VP Revenue'")).toBe(0);
  });

  it("sets a contact's owner and title by ids", async () => {
    const ids = (await db.query<{ id: string }>("SELECT id FROM sb_contacts ORDER BY id DESC LIMIT 4")).map(
      (r) => r.id,
    );
    const rep = await db.one<{ id: string; email: string }>(
      "SELECT id, email FROM sb_users ORDER BY id LIMIT 1",
    );
    const r = await approved("records_bulk_update", {
      record_type: "contact",
      where: ids,
      set: { owner: rep?.email, title: "Head of Ops" },
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.updated).toBe(4);
    const rows = await db.query<{ owner_id: string; title: string }>(
      `SELECT owner_id, title FROM sb_contacts WHERE id IN (${ids.map(() => "?").join(", ")})`,
      ids,
    );
    expect(rows).toEqual(ids.map(() => ({ owner_id: rep?.id, title: "Head of Ops" })));
  });

  it("names the field and the fix on bad input", async () => {
    const many = Array.from({ length: 501 }, (_, i) => `deal_${i}`);
    const big = await h.call("records_bulk_update", {
      record_type: "deal",
      where: many,
      set: { stage: "proposal" },
    });
    expect(big.isError).toBe(true);
    expect(big.text).toMatch(/where: 501 records; at most 500/);
    const bigDelete = await h.call("records_delete", { record_type: "deal", ids: many });
    expect(bigDelete.text).toMatch(/ids: 501 records; at most 500/);
    const field = await h.call("records_bulk_update", {
      record_type: "deal",
      where: ["deal_0001"],
      set: { amount: "5" },
      dry_run: true,
    });
    expect(field.text).toMatch(/set: amount cannot be changed in bulk/);
    const both = await h.call("records_bulk_update", {
      record_type: "contact",
      set: { title: "x" },
      dry_run: true,
    });
    expect(both.text).toMatch(/where: /);
    const wrong = await h.call("records_bulk_update", {
      record_type: "contact",
      where: 5,
      set: { title: "x" },
    });
    expect(wrong.text).toMatch(/where: a list of record ids, or a filter/);
    const stage = await h.call("records_bulk_update", {
      record_type: "contact",
      where: { stage: "proposal" },
      set: { title: "x" },
      dry_run: true,
    });
    expect(stage.text).toMatch(/where.stage: only deals/);
    const missing = await h.call("records_delete", {
      record_type: "deal",
      ids: ["deal_nope"],
      dry_run: true,
    });
    expect(missing.text).toMatch(/ids: no deal deal_nope/);
    const tooMany = await db.one<{ owner_id: string; n: number }>(
      "SELECT owner_id, COUNT(*) AS n FROM sb_deals GROUP BY owner_id ORDER BY COUNT(*) DESC LIMIT 1",
    );
    if (Number(tooMany?.n) > 500) {
      const f = await h.call("records_bulk_update", {
        record_type: "deal",
        where: { owner: tooMany?.owner_id },
        set: { next_step: "x" },
        dry_run: true,
      });
      expect(f.text).toMatch(/where: matches more than 500/);
    }
  });
});

describe("records_delete on the sandbox", () => {
  it("moves contacts into the recycle bin after approval; read tools no longer list them; once per plan", async () => {
    const rows = await db.query<{ id: string; email: string; name: string }>(
      "SELECT id, email, name FROM sb_contacts ORDER BY id LIMIT 2 OFFSET 10",
    );
    const ids = rows.map((r) => r.id);
    const dry = await h.call("records_delete", { record_type: "contact", ids, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    expect(dry.data.plan).toMatchObject({
      action: "delete",
      record_type: "contact",
      count: 2,
      records: rows.map((r) => ({ id: r.id, name: r.name })),
      side_effects: [expect.stringMatching(/recycle bin/)],
    });
    const r = await approved("records_delete", { record_type: "contact", ids });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ deleted: 2, recovered: false, bin: expect.stringMatching(/recycle bin/) });
    expect(await count("SELECT COUNT(*) AS n FROM sb_contacts WHERE id IN (?, ?)", ids)).toBe(0);
    expect(
      await count("SELECT COUNT(*) AS n FROM sb_recycle_bin WHERE entity = 'contact' AND principal != ''"),
    ).toBe(2);
    expect(
      await count("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'contact' AND field = 'deleted'"),
    ).toBe(2);
    const search = await h.call("contacts_search", { email: rows[0]?.email });
    expect(JSON.stringify(search.data)).not.toContain(String(rows[0]?.email));
  });

  it("deletes a deal (deals_list no longer lists it) and refuses an account that still has deals", async () => {
    const deal = await db.one<{ id: string; account_id: string }>(
      "SELECT id, account_id FROM sb_deals ORDER BY close_date DESC, id LIMIT 1",
    );
    const r = await approved("records_delete", { record_type: "deal", ids: [deal?.id] });
    expect(r.isError, r.text).toBe(false);
    const list = await h.call("deals_list", { account_id: deal?.account_id, limit: 100 });
    expect(list.data.deals.map((d: { id: string }) => d.id)).not.toContain(deal?.id);
    const held = await db.one<{ account_id: string }>("SELECT account_id FROM sb_deals LIMIT 1");
    const refused = await approved("records_delete", { record_type: "account", ids: [held?.account_id] });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/ids: 1 account\(s\) still have deals or contacts/);
    expect(await count("SELECT COUNT(*) AS n FROM sb_accounts WHERE id = ?", [held?.account_id])).toBe(1);
  });
});
