import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../../test/db.js";
import { journalChanges } from "../changes.js";
import { OPEN_STAGES } from "../generate/deals.js";
import { ensureSandboxLoaded } from "../load.js";
import { daysBetween, median, medianOfCounts, sandboxRiskInputs, stageTimings } from "./crm-risk.js";

describe("risk arithmetic", () => {
  it("counts whole days between dates, timestamps by their UTC date", () => {
    expect(daysBetween("2026-11-01", "2026-11-23")).toBe(22);
    expect(daysBetween("2026-11-23T23:59:00Z", "2026-11-24T00:01:00Z")).toBe(1);
    expect(daysBetween("2026-03-01", "2026-02-27")).toBe(-2);
  });

  it("takes the median of a list and of (value, count) pairs alike", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const pairs = [
      { value: 10, count: 1 },
      { value: 2, count: 2 },
      { value: 7, count: 1 },
    ];
    expect(medianOfCounts(pairs)).toBe(median([10, 2, 2, 7]));
    expect(medianOfCounts([...pairs, { value: 1, count: 1 }])).toBe(median([10, 2, 2, 7, 1]));
  });
});

describe.each(ENGINES)("sandbox deal risk inputs on %s", (engine) => {
  let target: TestTarget;
  let db: SqlDb;
  beforeAll(async () => {
    target = await makeTarget(engine);
    db = await target.open();
    await ensureSandboxLoaded(db, { scale: 0.3 });
  });
  afterAll(async () => {
    await db?.close();
    await target?.cleanup();
  });

  it("reads every open deal with its stage entry and engaged contacts", async () => {
    const { deals, caveats } = await sandboxRiskInputs(db);
    const open = await db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_deals WHERE stage NOT IN ('closed_won', 'closed_lost')",
    );
    expect(deals).toHaveLength(Number(open?.n));
    expect(deals.every((d) => (OPEN_STAGES as readonly string[]).includes(d.stage))).toBe(true);
    expect(deals.every((d) => d.stageEnteredAt !== null && (d.contactsEngaged ?? 0) >= 0)).toBe(true);
    expect(deals.some((d) => (d.contactsEngaged ?? 0) > 0)).toBe(true);
    // nothing was written through the suite yet: no pushes, no cuts
    expect(deals.every((d) => d.closeDatePushes === 0 && d.amountCut === 0)).toBe(true);
    expect(caveats).toHaveLength(1);
  });

  it("narrows by owner (id, name or email, any case) and by deal type", async () => {
    const { deals } = await sandboxRiskInputs(db);
    const first = deals[0];
    if (!first) throw new Error("no open deal");
    const user = await db.one<{ name: string; email: string }>(
      "SELECT name, email FROM sb_users WHERE id = ?",
      [first.ownerId],
    );
    const mine = deals.filter((d) => d.ownerId === first.ownerId).map((d) => d.id);
    for (const owner of [first.ownerId, ` ${user?.name.toUpperCase()} `, String(user?.email)])
      expect((await sandboxRiskInputs(db, { owner })).deals.map((d) => d.id)).toEqual(mine);
    const renewals = (await sandboxRiskInputs(db, { type: "renewal" })).deals;
    expect(renewals.map((d) => d.id)).toEqual(deals.filter((d) => d.type === "renewal").map((d) => d.id));
  });

  it("gives each open stage the median days closed deals spent in it, kept while the history is unchanged", async () => {
    const timings = await stageTimings(db);
    expect(timings.map((t) => t.stage)).toEqual(
      OPEN_STAGES.filter((s) => timings.some((t) => t.stage === s)),
    );
    expect(timings.length).toBeGreaterThan(0);
    for (const t of timings) expect(t.samples > 0 && t.medianDays >= 0).toBe(true);
    expect(await stageTimings(db)).toBe(timings);
  });

  it("counts close-date pushes and the amount cut from the change journal", async () => {
    const { deals } = await sandboxRiskInputs(db);
    const deal = deals[0];
    if (!deal) throw new Error("no open deal");
    const origin = { principal: "ann", planHash: "h1", idempotencyKey: "risk-1" };
    const change = (field: string, before: unknown, after: unknown) => ({
      entity: "deal",
      recordId: deal.id,
      field,
      before,
      after,
    });
    await journalChanges(
      db,
      [
        change("close_date", "2026-12-01", "2026-12-20"),
        change("close_date", "2026-12-20", "2027-01-15"),
        // pulled in again: not a push
        change("close_date", "2027-01-15", "2027-01-05"),
        change("amount", deal.amount + 5000, deal.amount + 2000),
        change("amount", deal.amount + 2000, deal.amount),
      ],
      origin,
    );
    const after = (await sandboxRiskInputs(db)).deals.find((d) => d.id === deal.id);
    expect(after).toMatchObject({ closeDatePushes: 2, amountCut: 5000 });
  });
});
