import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { budgetMigrations, ensureSandboxLoaded, sandboxNow } from "@revops/sandbox";
import { migrate, openSql, type SqlDb } from "@revops/store";
import { pgSchema } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqlBudgetLedger } from "../src/integrations/sandbox/budgets";
import type { BudgetPort } from "../src/ports";

/** What the contract needs of a provider: the port and, where it journals, the journal. */
interface Fixture {
  port: BudgetPort;
  journal?: () => Promise<{ record_id: string; plan_hash: string | null }[]>;
  close(): Promise<void>;
}

const plan = (campaignId: string, amount: number) => ({
  campaignId,
  channel: "paid_social",
  amount,
  currency: "USD",
  periodStart: "2026-11-23",
  periodEnd: "2027-01-13",
});

/** One budget port contract, the same assertions on every store. */
function describeBudgetPortContract(name: string, make: () => Promise<Fixture>) {
  describe(`budget port contract: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    }, 120_000);
    afterAll(async () => f?.close());

    it("stores an allocation and reads it back by campaign", async () => {
      const { allocation, created } = await f.port.allocate(
        { ...plan("cmp_a", 400), note: "Q4 push" },
        { principal: "ann", planHash: "hash-1", idempotencyKey: "key-1" },
      );
      expect(created).toBe(true);
      expect(allocation).toMatchObject({
        campaignId: "cmp_a",
        channel: "paid_social",
        amount: 400,
        currency: "USD",
        periodStart: "2026-11-23",
        periodEnd: "2027-01-13",
        note: "Q4 push",
        principal: "ann",
      });
      expect(allocation.id).toMatch(/^alc_/);
      expect(await f.port.allocations(["cmp_a"])).toEqual([allocation]);
      expect(await f.port.allocations(["cmp_none"])).toEqual([]);
      expect(await f.port.allocations([])).toEqual([]);
    });

    it("the same idempotency key again returns the first allocation and adds nothing, even concurrently", async () => {
      const origin = { principal: "ann", planHash: "hash-2", idempotencyKey: "key-2" };
      const runs = await Promise.all([1, 2, 3, 4, 5].map(() => f.port.allocate(plan("cmp_b", 250), origin)));
      expect(new Set(runs.map((r) => r.allocation.id)).size).toBe(1);
      expect(runs.filter((r) => r.created)).toHaveLength(1);
      expect((await f.port.allocations(["cmp_b"])).map((a) => a.amount)).toEqual([250]);
    });

    it("concurrent allocations with their own keys are all kept", async () => {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          f.port.allocate(plan("cmp_c", 10 + i), { principal: "bo", idempotencyKey: `key-c-${i}` }),
        ),
      );
      const rows = await f.port.allocations(["cmp_c"]);
      expect(rows).toHaveLength(8);
      expect(rows.reduce((s, a) => s + a.amount, 0)).toBe(8 * 10 + 28);
      expect((await f.port.allocations()).length).toBe(10);
    });

    it("journals each new allocation once with its plan hash, where the store journals", async () => {
      if (!f.journal) return;
      const rows = await f.journal();
      expect(rows).toHaveLength(10);
      expect(rows.filter((r) => r.plan_hash === "hash-2")).toHaveLength(1);
    });
  });
}

async function sandboxFixture(db: SqlDb, close: () => Promise<void>): Promise<Fixture> {
  await ensureSandboxLoaded(db, { seed: 42, scale: 0.2 });
  return {
    port: new SqlBudgetLedger(db, () => sandboxNow(db)),
    journal: () => db.query("SELECT record_id, plan_hash FROM sb_changes WHERE entity = 'budget_allocation'"),
    close,
  };
}

describeBudgetPortContract("sandbox on SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "budget-port-"));
  const db = await openSql({ dataDir: dir });
  return sandboxFixture(db, async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describeBudgetPortContract("sandbox on PostgreSQL", async () => {
  const { db, drop } = await pgSchema("budget_port");
  return sandboxFixture(db, drop);
});

describeBudgetPortContract("beside a vendor on PostgreSQL (no sandbox company)", async () => {
  const { db, drop } = await pgSchema("budget_port_vendor");
  await migrate(db, budgetMigrations);
  return { port: new SqlBudgetLedger(db, async () => "2026-11-23T09:00:00.000Z", false), close: drop };
});
