import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTarget, type TestTarget } from "../../test/db.js";
import { ensureSandboxLoaded } from "../load.js";
import { SandboxCrm } from "./crm.js";

describe.each(["sqlite", "postgres"] as const)("SandboxCrm.updateDeal on %s", (engine) => {
  let target: TestTarget;
  let a: SqlDb;
  let b: SqlDb;
  let dealId: string;
  beforeAll(async () => {
    target = await makeTarget(engine);
    a = await target.open();
    await ensureSandboxLoaded(a, { scale: 0.05 });
    b = await target.open();
    const open = await new SandboxCrm(a).listDeals({ status: "open", limit: 1 });
    dealId = open.rows[0]?.id as string;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await target?.cleanup();
  });

  it("writes only the changed fields, journals them and appends the stage history", async () => {
    const crm = new SandboxCrm(a);
    const before = (await crm.getDeal(dealId)) as NonNullable<Awaited<ReturnType<SandboxCrm["getDeal"]>>>;
    const stage = before.stage === "negotiation" ? "proposal" : "negotiation";
    const w = await crm.updateDeal(
      dealId,
      { stage, amount: before.amount, nextStep: "Call the CFO" },
      { principal: "ann", planHash: "h1" },
    );
    expect(w).toMatchObject({ system: "sandbox", id: dealId });
    expect(w?.deal).toMatchObject({ stage, amount: before.amount, nextStep: "Call the CFO" });
    expect(w?.deal.probability).toBe(stage === "negotiation" ? 75 : 50);
    const journal = await a.query<{ field: string; plan_hash: string }>(
      "SELECT field, plan_hash FROM sb_changes WHERE record_id = ? ORDER BY field",
      [dealId],
    );
    expect(journal.map((j) => j.field)).toEqual(
      expect.arrayContaining(
        ["stage", "next_step", "probability", "forecast_category"].filter(
          (f) => f !== "forecast_category" || before.forecastCategory !== w?.deal.forecastCategory,
        ),
      ),
    );
    expect(journal.map((j) => j.field)).not.toContain("amount");
    expect(journal.every((j) => j.plan_hash === "h1")).toBe(true);
    const hist = await a.query<{ from_stage: string; to_stage: string }>(
      "SELECT from_stage, to_stage FROM sb_deal_stage_history WHERE deal_id = ? AND id LIKE 'dsh_%-%'",
      [dealId],
    );
    expect(hist).toEqual([{ from_stage: before.stage, to_stage: stage }]);
    expect(await crm.updateDeal("deal_missing", { amount: 1 }, { principal: "ann" })).toBeUndefined();
    await expect(crm.updateDeal(dealId, { ownerId: "usr_nobody" }, { principal: "ann" })).rejects.toThrow(
      RangeError,
    );
  });

  it("loses no update when two writers change the same deal at once", async () => {
    const one = new SandboxCrm(a);
    const two = new SandboxCrm(b);
    const start = (await one.getDeal(dealId))?.amount ?? 0;
    // 20 writers on two connections: each sets a distinct amount and a distinct next step
    const writes = Array.from({ length: 20 }, (_, i) =>
      (i % 2 ? one : two).updateDeal(
        dealId,
        i % 4 < 2 ? { amount: start + i + 1 } : { nextStep: `step ${i}` },
        { principal: `writer${i}` },
      ),
    );
    await Promise.all(writes);
    const journal = await a.query<{ field: string; before_value: string; after_value: string; at: string }>(
      "SELECT field, before_value, after_value FROM sb_changes WHERE record_id = ? AND principal LIKE 'writer%' ORDER BY at, id",
      [dealId],
    );
    // every write is journalled, and each one's "before" is the value the previous writer left: a chain, no gaps
    for (const field of ["amount", "next_step"]) {
      const chain = journal.filter((j) => j.field === field);
      expect(chain).toHaveLength(10);
      const afters = new Set(chain.map((j) => j.after_value));
      const befores = chain.map((j) => j.before_value);
      const roots = befores.filter((v) => !afters.has(v));
      expect(roots).toHaveLength(1); // only the very first write started from a value no writer set
      expect(new Set(befores).size).toBe(10);
    }
    const now = await one.getDeal(dealId);
    const lastAmount = journal.filter((j) => j.field === "amount");
    const finalAfters = new Set(lastAmount.map((j) => j.after_value));
    expect(finalAfters.has(JSON.stringify(now?.amount))).toBe(true);
  });
});
