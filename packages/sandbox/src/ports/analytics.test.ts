import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../../test/db.js";
import { ensureSandboxLoaded } from "../load.js";
import { SANDBOX_INDEXES } from "../schema.js";
import { SandboxCrm } from "./crm.js";

describe("SANDBOX_INDEXES", () => {
  it("lists the indexes the migrations leave, not those a later migration dropped", () => {
    const names = SANDBOX_INDEXES.map((i) => i.name);
    expect(names).toContain("sb_tickets_account_cover_idx");
    expect(names).toContain("sb_deals_close_idx");
    expect(names).not.toContain("sb_usage_day_idx");
    expect(names).not.toContain("sb_nps_responded_idx");
    expect(new Set(names).size).toBe(names.length);
  });
});

describe.each(ENGINES)("analytics ports on %s", (engine) => {
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

  it.each([
    ["2025-10-01", "2026-10-01", undefined],
    ["2025-01-01", "2025-12-31", undefined],
    ["2025-10-01", "2026-10-01", "Kenji Sato"],
    ["2030-01-01", "2030-03-31", undefined],
  ])(
    "stageReach(%s, %s, %s) counts what the closed deals and their stage history hold",
    async (from, to, owner) => {
      const closed = (await crm.dealsClosingBetween(from, to, owner)).filter(
        (d) => d.stage === "closed_won" || d.stage === "closed_lost",
      );
      const history = await crm.dealStageHistory(closed.map((d) => d.id));
      const reached = new Map<string, Set<string>>();
      for (const h of history) reached.set(h.dealId, (reached.get(h.dealId) ?? new Set()).add(h.toStage));
      const stages: Record<string, { reached: number; won: number }> = {};
      for (const stage of ["prospecting", "qualification", "proposal", "negotiation"]) {
        const cohort = closed.filter((d) => reached.get(d.id)?.has(stage) || d.stage === stage);
        if (cohort.length > 0)
          stages[stage] = {
            reached: cohort.length,
            won: cohort.filter((d) => d.stage === "closed_won").length,
          };
      }
      expect(await crm.stageReach(from, to, owner)).toEqual({ closed: closed.length, stages });
    },
  );
});
