import { sandboxDatabase } from "@revops/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  confirmOnEveryPath,
  connectSalesWithSafety,
  phraseIn,
  type SalesHarness,
} from "./deal-update-harness";

let h: SalesHarness;
let dealId: string;
let deal: Record<string, unknown>;

beforeAll(async () => {
  h = await connectSalesWithSafety();
  const r = await h.call("deals_list", { status: "open", limit: 1 });
  deal = r.data.deals[0];
  dealId = deal.id as string;
});
afterAll(async () => h?.close());

const sql = async () => sandboxDatabase(h.runtime);
const row = async (id = dealId) =>
  (await sql()).one<Record<string, unknown>>(
    "SELECT stage, amount, close_date, next_step, owner_id, probability, forecast_category FROM sb_deals WHERE id = ?",
    [id],
  );

describe("deal_update on the sandbox, through the official MCP client and the safety stack", () => {
  it("is listed with the guard's arguments, a tight description and no date regex", async () => {
    const tool = (await h.list()).tools.find((t) => t.name === "deal_update");
    expect(tool?.description?.length).toBeLessThanOrEqual(120);
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining([
        "deal_id",
        "stage",
        "amount",
        "close_date",
        "next_step",
        "owner",
        "dry_run",
        "approval_id",
        "confirmation_token",
      ]),
    );
    expect(JSON.stringify(tool?.inputSchema)).not.toContain("pattern");
    expect(tool?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    });
  });

  it("shows the exact change in a dry run and changes nothing", async () => {
    const before = await row();
    const r = await h.call("deal_update", { deal_id: dealId, amount: 123_400, dry_run: true });
    expect(r.isError, r.text).toBeFalsy(); // a dry run is a normal result: the plan
    expect(r.text).toContain("Dry run, nothing was changed");
    expect(r.text).toMatch(new RegExp(`amount ${deal.amount} → 123400`));
    expect(await row()).toEqual(before);
  });

  it("names the field and the fix for bad input", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ deal_id: "deal_nope", amount: 5 }, /deal_id[\s\S]*deals_list/],
      [{ deal_id: dealId, stage: "won" }, /stage/],
      [{ deal_id: dealId }, /No field to change[\s\S]*stage, amount, close_date, next_step, owner/],
      [{ deal_id: dealId, amount: -5 }, /amount: 0 or more/],
      [{ deal_id: dealId, owner: "Nobody Here" }, /owner: no sales rep "Nobody Here"[\s\S]*sales:\/\/team/],
      [{ deal_id: dealId, close_date: "2026-02-30" }, /close_date: use a date as YYYY-MM-DD/],
      [{ deal_id: dealId, close_date: "2026-13-45" }, /close_date: use a date as YYYY-MM-DD/],
    ];
    for (const [args, message] of cases) {
      const r = await h.call("deal_update", { ...args, dry_run: true });
      expect(r.isError, JSON.stringify(args)).toBe(true);
      expect(r.text, JSON.stringify(args)).toMatch(message);
    }
  });

  it("executes exactly the confirmed plan once on every confirmation path; a changed argument is refused", async () => {
    const r = await confirmOnEveryPath(h, dealId);
    expect(r.elicitation?.isError, r.elicitation?.text).toBe(false);
    expect(h.elicited.at(-1)?.message).toContain("next_step");
    expect(phraseIn(h.elicited.at(-1)?.message ?? "")).toBe(`update ${deal.name}`);
    expect(r.elicitation?.data.deal.next_step).toBe("Elicited step");
    expect(r.changedAfterApproval?.isError).toBe(true);
    expect(r.approval?.isError, r.approval?.text).toBe(false);
    expect(r.approval?.data.changes).toEqual([
      { field: "next_step", before: "Elicited step", after: "Approved step" },
    ]);
    expect(r.replayedApproval?.isError).toBe(true);
    expect(r.token?.isError, r.token?.text).toBe(false);
    expect(r.token?.data).toMatchObject({ written: { system: "sandbox", id: dealId } });
    expect((await row())?.next_step).toBe("Token step");
    const journal = await (await sql()).query<{ after_value: string; plan_hash: string | null }>(
      "SELECT after_value, plan_hash FROM sb_changes WHERE record_id = ? AND field = 'next_step' ORDER BY at, id",
      [dealId],
    );
    // each path wrote once, "Sneaky step" never
    expect(journal.map((j) => JSON.parse(j.after_value)).sort()).toEqual(
      ["Approved step", "Elicited step", "Token step"].sort(),
    );
    expect(journal.every((j) => j.plan_hash)).toBe(true);
  });

  it("moves the stage with probability, forecast category and stage history, and audits the plan hash", async () => {
    h.answerWith((p) => ({ action: "accept", content: { confirmation: phraseIn(p.message) ?? "" } }));
    const target = deal.stage === "negotiation" ? "proposal" : "negotiation";
    const r = await h.callAsking("deal_update", { deal_id: dealId, stage: target, amount: 77_700 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.deal).toMatchObject({ stage: target, amount: 77_700 });
    expect(await row()).toMatchObject({
      stage: target,
      probability: target === "negotiation" ? 75 : 50,
      forecast_category: target === "negotiation" ? "commit" : "best_case",
    });
    const db = await sql();
    const history = await db.query<{ from_stage: string; to_stage: string; changed_at: string }>(
      "SELECT from_stage, to_stage, changed_at FROM sb_deal_stage_history WHERE deal_id = ? ORDER BY changed_at DESC LIMIT 1",
      [dealId],
    );
    expect(history[0]).toMatchObject({ from_stage: deal.stage, to_stage: target });
    expect(history[0]?.changed_at.startsWith("2026-11-23T")).toBe(true);
    const audit = await h.call("audit_query", { tool: "deal_update", limit: 100 });
    const executed = (
      audit.data.records as { outcome: string; plan_hash?: string; summary?: string }[]
    ).filter((x) => x.outcome === "ok");
    expect(executed.length).toBe(4);
    for (const x of executed) {
      expect(x.plan_hash).toMatch(/\w{16,}/);
      expect(x.summary).toBe(`written sandbox:${dealId}`);
    }
    // a move other servers see: the same database row
    const other = await h.call("deals_list", { account_id: deal.account_id, status: "open" });
    expect(other.data.deals.find((d: { id: string }) => d.id === dealId)).toMatchObject({ stage: target });
  });

  it("changes the owner by name and refuses a plan whose deal changed after approval", async () => {
    const team = await (await sql()).query<{ id: string; name: string }>(
      "SELECT id, name FROM sb_users ORDER BY id",
    );
    const current = (await row())?.owner_id;
    const to = team.find((u) => u.id !== current) as { id: string; name: string };
    h.mode("approval");
    const queued = await h.call("deal_update", { deal_id: dealId, owner: to.name });
    const id = /apr_[\w-]+/.exec(queued.text)?.[0] as string;
    await h.approve(id);
    // someone else changes the same deal's owner meanwhile: the approved plan's "before" is no longer true
    await (await sql()).run("UPDATE sb_deals SET owner_id = ? WHERE id = ?", [
      team.find((u) => u.id !== current && u.id !== to.id)?.id,
      dealId,
    ]);
    const stale = await h.call("deal_update", { deal_id: dealId, owner: to.name, approval_id: id });
    expect(stale.isError).toBe(true);
    expect(stale.text).toMatch(/data changed since the plan was confirmed/);
    expect((await row())?.owner_id).not.toBe(to.id);
    h.resetMode();
  });
});

describe("deal_update on PostgreSQL from two servers at once", () => {
  const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `deal_update_e2e_${process.pid}_${Date.now()}`;
  let admin: import("@revops/store").SqlDb;
  let a: SalesHarness;
  let b: SalesHarness;

  beforeAll(async () => {
    const { openSql } = await import("@revops/store");
    admin = await openSql({ databaseUrl: PG_URL, dataDir: (await import("node:os")).tmpdir() });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    const sep = PG_URL.includes("?") ? "&" : "?";
    const env = { DATABASE_URL: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}` };
    a = await connectSalesWithSafety(env);
    await a.call("deals_list", { limit: 1 }); // loads the sandbox company once
    b = await connectSalesWithSafety(env);
    for (const h2 of [a, b])
      h2.answerWith((p) => ({ action: "accept", content: { confirmation: phraseIn(p.message) ?? "" } }));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.close();
  });

  it("loses no update when both change the same deal concurrently, and each sees the other's change", async () => {
    const id = (await a.call("deals_list", { status: "open", limit: 1 })).data.deals[0].id as string;
    const calls = Array.from({ length: 6 }, (_, i) =>
      i % 2
        ? a.callAsking("deal_update", { deal_id: id, amount: 50_000 + i })
        : b.callAsking("deal_update", { deal_id: id, next_step: `Step ${i}` }),
    );
    const results = await Promise.all(calls);
    const db = await sandboxDatabase(a.runtime);
    const journal = await db.query<{ field: string; before_value: string | null; after_value: string }>(
      "SELECT field, before_value, after_value FROM sb_changes WHERE record_id = ? ORDER BY at, id",
      [id],
    );
    const done = results.filter((r) => !r.isError);
    // a call refused because another changed the same field after its confirmation is refused, never lost
    for (const r of results.filter((x) => x.isError))
      expect(r.text).toMatch(/data changed since the plan|changed meanwhile[\s\S]*Nothing was written/);
    expect(journal.filter((j) => j.field === "amount" || j.field === "next_step")).toHaveLength(done.length);
    for (const field of ["amount", "next_step"]) {
      const chain = journal.filter((j) => j.field === field);
      for (let i = 1; i < chain.length; i++) expect(chain[i]?.before_value).toBe(chain[i - 1]?.after_value);
    }
    const seenByB = (await b.call("deals_list", { status: "open", limit: 100 })).data.deals.find(
      (d: { id: string }) => d.id === id,
    );
    const lastAmount = journal.filter((j) => j.field === "amount").at(-1);
    if (lastAmount) expect(seenByB.amount).toBe(JSON.parse(lastAmount.after_value));
    expect(done.length).toBeGreaterThanOrEqual(2);
  });
});
