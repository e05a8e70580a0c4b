import type { Page } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../test/db.js";
import { encodeCursor, INVALID_CURSOR } from "./cursor.js";
import { collectCompany, planCompany } from "./generate/index.js";
import { ensureSandboxLoaded } from "./load.js";
import { SandboxCrm } from "./ports/crm.js";
import { TABLE_COLUMNS } from "./schema.js";

const data = collectCompany({});
const col = (table: keyof typeof TABLE_COLUMNS, name: string) =>
  (TABLE_COLUMNS[table] as readonly string[]).indexOf(name);
const deals = data.sb_deals;
const D = (name: string) => col("sb_deals", name);
const plan = planCompany({});
/** Results must be identical on both engines. */
const seen = new Map<string, unknown>();
function sameOnBothEngines(key: string, value: unknown): void {
  if (seen.has(key)) expect(value, key).toEqual(seen.get(key));
  else seen.set(key, value);
}

async function allPages<T extends { id: string }>(
  fetch: (cursor?: string) => Promise<Page<T>>,
): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | undefined;
  let total = -1;
  for (let i = 0; i < 1000; i++) {
    const page = await fetch(cursor);
    if (total >= 0) expect(page.total).toBe(total);
    total = page.total;
    rows.push(...page.rows);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  expect(rows.length).toBe(total);
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  return rows;
}

describe.each(ENGINES)("ports on %s", (engine) => {
  let target: TestTarget;
  let db: SqlDb;
  let crm: SandboxCrm;

  beforeAll(async () => {
    target = await makeTarget(engine);
    db = await target.open();
    await ensureSandboxLoaded(db);
    crm = new SandboxCrm(db);
  });
  afterAll(async () => {
    await db?.close();
    await target?.cleanup();
  });

  describe("SandboxCrm", () => {
    it("listDeals pages over every deal exactly once, newest close date first", async () => {
      const rows = await allPages((cursor) => crm.listDeals({ cursor, limit: 100 }));
      expect(rows.length).toBe(800);
      for (let i = 1; i < rows.length; i++) {
        const [p, c] = [rows[i - 1], rows[i]] as [(typeof rows)[0], (typeof rows)[0]];
        expect(p.closeDate > c.closeDate || (p.closeDate === c.closeDate && p.id > c.id)).toBe(true);
      }
      const first = await crm.listDeals({});
      expect(first.rows.length).toBe(25);
      sameOnBothEngines("deals-first-page", first);
      expect(first.rows[0]).toMatchObject({ accountName: expect.any(String), ownerName: expect.any(String) });
    });

    it("listDeals filters", async () => {
      const won = await allPages((cursor) => crm.listDeals({ status: "won", cursor, limit: 100 }));
      expect(won.length).toBe(deals.filter((d) => d[D("stage")] === "closed_won").length);
      const open = await crm.listDeals({ status: "open", limit: 100 });
      expect(open.total).toBe(deals.filter((d) => !String(d[D("stage")]).startsWith("closed")).length);
      const lost = await crm.listDeals({ status: "lost" });
      expect(lost.rows.every((d) => d.stage === "closed_lost" && d.probability === 0)).toBe(true);
      const neg = await crm.listDeals({ stage: "negotiation", limit: 100 });
      expect(neg.rows.every((d) => d.stage === "negotiation" && d.probability === 75)).toBe(true);
      const byName = await crm.listDeals({ owner: "maya CHEN", limit: 100 });
      const byId = await crm.listDeals({ owner: "usr_01", limit: 100 });
      expect(byName.total).toBe(deals.filter((d) => d[D("owner_id")] === "usr_01").length);
      expect(byId.total).toBe(byName.total);
      expect(byName.rows.every((d) => d.ownerName === "Maya Chen")).toBe(true);
      const q = await crm.listDeals({
        closeFrom: "2026-01-01",
        closeTo: "2026-03-31",
        minAmount: 20000,
        limit: 100,
      });
      const expected = deals.filter(
        (d) =>
          String(d[D("close_date")]) >= "2026-01-01" &&
          String(d[D("close_date")]) <= "2026-03-31" &&
          Number(d[D("amount")]) >= 20000,
      );
      expect(q.total).toBe(expected.length);
      const acc = String(deals[0]?.[D("account_id")]);
      const forAccount = await crm.listDeals({ accountId: acc });
      expect(forAccount.rows.every((d) => d.accountId === acc)).toBe(true);
      expect((await crm.listDeals({ owner: "nobody" })).total).toBe(0);
    });

    it("limits are clamped and bad cursors rejected", async () => {
      expect((await crm.listDeals({ limit: 1000 })).rows.length).toBe(100);
      expect((await crm.listDeals({ limit: 0 })).rows.length).toBe(1);
      for (const cursor of ["garbage!", "bm9wZQ", encodeCursor("tickets", ["2026-01-01", "x"]), "e30"]) {
        await expect(crm.listDeals({ cursor })).rejects.toThrow(INVALID_CURSOR);
      }
      // the next cursor of the ticket list's first page (SandboxSupport now lives in apps/customer-success)
      const last = await db.one<{ created_at: string; id: string }>(
        "SELECT created_at, id FROM sb_tickets ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET 24",
      );
      const page = { nextCursor: encodeCursor("tickets", [String(last?.created_at), String(last?.id)]) };
      await expect(crm.listDeals({ cursor: page.nextCursor ?? "" })).rejects.toThrow(INVALID_CURSOR);
    });

    it("dealsClosingBetween returns open and closed deals in range", async () => {
      const rows = await crm.dealsClosingBetween("2026-10-01", "2026-12-31");
      const expected = deals.filter(
        (d) => String(d[D("close_date")]) >= "2026-10-01" && String(d[D("close_date")]) <= "2026-12-31",
      );
      expect(rows.length).toBe(expected.length);
      expect(new Set(rows.map((d) => d.stage)).size).toBeGreaterThan(3);
      const mine = await crm.dealsClosingBetween("2025-01-01", "2027-03-31", "Kenji Sato");
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((d) => d.ownerId === "usr_10")).toBe(true);
      sameOnBothEngines("closing", rows);
    });

    it("dealStageHistory", async () => {
      const ids = deals.slice(0, 3).map((d) => String(d[0]));
      const hist = await crm.dealStageHistory([...ids, ids[0] as string, "deal_nope"]);
      expect(new Set(hist.map((h) => h.dealId))).toEqual(new Set(ids));
      expect(hist.filter((h) => h.fromStage === null).length).toBe(3);
      expect(await crm.dealStageHistory([])).toEqual([]);
    });

    it("getAccount returns the account with contacts, open deals, activities and subscription", async () => {
      const customer = plan.accounts.find((a) => a.lifecycle === "customer" && a.contactCount >= 6);
      const acc = await crm.getAccount(customer?.id ?? "");
      expect(acc).toMatchObject({ id: customer?.id, lifecycle: "customer", arr: customer?.contractArr });
      expect(acc?.contacts.total).toBe(customer?.contactCount);
      expect(acc?.contacts.top.length).toBe(5);
      expect(acc?.subscription?.status).toBe("active");
      expect(acc?.recentActivities.length).toBe(10);
      const times = acc?.recentActivities.map((a) => a.occurredAt) ?? [];
      expect([...times].sort().reverse()).toEqual(times);
      expect(acc?.openDeals.every((d) => !d.stage.startsWith("closed"))).toBe(true);
      const prospect = await crm.getAccount(plan.accounts.find((a) => a.lifecycle === "prospect")?.id ?? "");
      expect(prospect?.subscription).toBeUndefined();
      expect(await crm.getAccount("acc_nope")).toBeUndefined();
      sameOnBothEngines("account", acc);
    });

    it("searchAccounts and listOwners", async () => {
      const name = plan.accounts[0]?.name ?? "";
      const hits = await crm.searchAccounts(name.slice(0, 3).toUpperCase(), 50);
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.every((h) => h.name.toLowerCase().startsWith(name.slice(0, 3).toLowerCase()))).toBe(true);
      expect(hits.some((h) => h.name === name)).toBe(true);
      expect(await crm.searchAccounts("%", 10)).toEqual([]);
      expect((await crm.searchAccounts("", 500)).length).toBe(100);
      const owners = await crm.listOwners();
      expect(owners.length).toBe(12);
      expect(owners[0]).toEqual({
        id: "usr_01",
        name: "Maya Chen",
        email: "maya.chen@northwind-analytics.com",
        region: "NA",
      });
    });
  });
});
