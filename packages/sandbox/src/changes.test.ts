import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTarget, type TestTarget } from "../test/db.js";
import { journalChanges, landedWrite, sandboxStatus } from "./changes.js";
import { ensureSandboxLoaded, resetSandbox } from "./load.js";
import { SandboxCrm } from "./ports/crm.js";

describe.each(["sqlite", "postgres"] as const)("the change journal on %s", (engine) => {
  let target: TestTarget;
  beforeAll(async () => {
    target = await makeTarget(engine);
  });
  afterAll(async () => target?.cleanup());

  it("says what changed since the seed, newest first, and forgets it on reset", async () => {
    const db = await target.open();
    await ensureSandboxLoaded(db, { scale: 0.05 });
    expect((await sandboxStatus(db)).changes).toEqual([]);
    await db.transaction((tx) =>
      journalChanges(
        tx,
        [
          { entity: "deal", recordId: "deal_1", field: "stage", before: "proposal", after: "negotiation" },
          { entity: "deal", recordId: "deal_1", field: "amount", before: 1000, after: 1200 },
        ],
        { principal: "ann", planHash: "h1" },
      ),
    );
    const status = await sandboxStatus(db);
    expect(status.today).toBe("2026-11-23");
    expect(status.changes).toEqual([{ entity: "deal", records: 1, fields: 2 }]);
    expect(status.recent[0]).toMatchObject({ principal: "ann", recordId: "deal_1" });
    expect(status.recent.every((r) => r.at.startsWith("2026-11-23T"))).toBe(true);
    await resetSandbox(db);
    await ensureSandboxLoaded(db, { scale: 0.05 });
    expect((await sandboxStatus(db)).changes).toEqual([]);
    await db.close();
  });

  it("journals a write's idempotency key in its own transaction, so a resumed execution finds it", async () => {
    const db = await target.open();
    await ensureSandboxLoaded(db, { scale: 0.05 });
    const crm = new SandboxCrm(db);
    const deal = (await crm.listDeals({ status: "open", limit: 1 })).rows[0];
    if (!deal) throw new Error("no open deal");
    const origin = { principal: "ann", planHash: "h2", idempotencyKey: "k-landed" };
    expect(await landedWrite(db, "k-landed")).toBeUndefined();
    await crm.updateDeal(deal.id, { nextStep: "call the CFO" }, origin);
    expect(await landedWrite(db, "k-landed")).toEqual({ recordId: `sandbox:${deal.id}` });
    // a process that died before its commit left nothing behind: the write did not happen and may run
    await expect(
      db.transaction(async (tx) => {
        await journalChanges(tx, [{ entity: "deal", recordId: deal.id, field: "x", before: 1, after: 2 }], {
          principal: "ann",
          idempotencyKey: "k-died",
        });
        throw new Error("killed before commit");
      }),
    ).rejects.toThrow("killed before commit");
    expect(await landedWrite(db, "k-died")).toBeUndefined();
    await db.close();
  });
});
