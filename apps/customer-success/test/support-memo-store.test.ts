import { ensureSandboxLoaded, sandboxToday } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { TEST_ENGINES, testDatabase } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxSupport } from "../src/integrations/sandbox/support";

describe.each(TEST_ENGINES)("analytics reads kept while the data is unchanged, on %s", (engine) => {
  let drop: () => Promise<void>;
  let db: SqlDb;
  let other: SqlDb;
  beforeAll(async () => {
    const target = await testDatabase(engine, "support_memo");
    ({ db, drop } = target);
    other = await target.open();
    await ensureSandboxLoaded(db, { scale: 0.05 });
  });
  afterAll(async () => {
    await other?.close();
    await drop?.();
  });

  it("gives each caller its own list with the same rows", async () => {
    const port = new SandboxSupport(db);
    const a = await port.upcomingRenewals();
    const b = await port.upcomingRenewals();
    expect(b).not.toBe(a);
    expect(b).toEqual(a);
  });

  const daysBefore = (day: string, n: number) =>
    new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

  /** An open low or normal ticket of a customer created in [from, to). */
  async function openTicket(from: string, to: string) {
    const t = await db.one<{ id: string; account_id: string }>(
      `SELECT t.id, t.account_id FROM sb_tickets t JOIN sb_accounts a ON a.id = t.account_id
       WHERE a.lifecycle = 'customer' AND t.priority IN ('low', 'normal') AND t.status <> 'closed'
         AND t.created_at >= ? AND t.created_at < ? ORDER BY t.id LIMIT 1`,
      [from, to],
    );
    if (!t) throw new Error(`no open ticket of a customer created in [${from}, ${to})`);
    return t;
  }

  it("sees a write made through another connection (another replica) on the next read", async () => {
    const reader = new SandboxSupport(db);
    const writer = new SandboxSupport(other);
    const today = await sandboxToday(db);
    const t = await openTicket(daysBefore(today, 80), daysBefore(today, -1));
    const urgent = async () =>
      (await reader.accountSignals()).find((s) => s.accountId === t.account_id)?.urgentTicketsLast90;
    const before = await urgent();
    await writer.updateTicket(t.id, { priority: "urgent" }, { principal: "alice", planHash: "p" });
    expect(await urgent()).toBe((before ?? 0) + 1);
  });

  it("keeps a past day's whole book: the rows of asking for every id, until a write changes them", async () => {
    const reader = new SandboxSupport(db);
    const asOf = daysBefore(await sandboxToday(db), 5);
    const book = await reader.accountSignals({ asOf });
    const again = await reader.accountSignals({ asOf });
    expect(again).not.toBe(book);
    expect(again).toEqual(book);
    expect(book.length).toBeGreaterThan(0);
    expect(await reader.accountSignals({ asOf, accountIds: book.map((s) => s.accountId) })).toEqual(book);
    const t = await openTicket(daysBefore(asOf, 80), asOf);
    const urgent = async () =>
      (await reader.accountSignals({ asOf })).find((s) => s.accountId === t.account_id)?.urgentTicketsLast90;
    const before = await urgent();
    await new SandboxSupport(other).updateTicket(
      t.id,
      { priority: "urgent" },
      { principal: "bob", planHash: "p" },
    );
    expect(await urgent()).toBe((before ?? 0) + 1);
  });
});
