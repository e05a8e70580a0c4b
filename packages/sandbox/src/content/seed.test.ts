import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../../test/db.js";
import { ensureSandboxLoaded, resetSandbox } from "../load.js";

describe.each(ENGINES)("seeded content calendar on %s", (engine) => {
  let target: TestTarget;
  let db: SqlDb;
  const snapshot = () => db.query<Record<string, unknown>>("SELECT * FROM sb_content_items ORDER BY id");
  beforeAll(async () => {
    target = await makeTarget(engine);
    db = await target.open();
    await ensureSandboxLoaded(db);
  });
  afterAll(async () => {
    await db?.close();
    await target?.cleanup();
  });

  it("seeds the documented calendar for the campaigns around today (README ground truth)", async () => {
    const by = async (col: string) =>
      Object.fromEntries(
        (
          await db.query<{ k: string; n: number }>(
            `SELECT ${col} AS k, COUNT(*) AS n FROM sb_content_items GROUP BY ${col} ORDER BY ${col}`,
          )
        ).map((r) => [r.k, Number(r.n)]),
      );
    expect(await by("type")).toEqual(SEEDED.byType);
    expect(await by("status")).toEqual(SEEDED.byStatus);
    const linked = await db.one<{ n: number; c: number }>(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT i.campaign_id) AS c FROM sb_content_items i JOIN sb_campaigns c ON c.id = i.campaign_id",
    );
    expect({ n: Number(linked?.n), c: Number(linked?.c) }).toEqual({ n: SEEDED.items, c: SEEDED.campaigns });
    const range = await db.one<{ lo: string; hi: string }>(
      "SELECT MIN(day) AS lo, MAX(day) AS hi FROM sb_content_items",
    );
    expect(range).toEqual({ lo: SEEDED.from, hi: SEEDED.to });
    const past = await db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_content_items WHERE day >= '2026-11-23' AND status = 'published'",
    );
    expect(Number(past?.n)).toBe(0);
  });

  it("seeds the same calendar again after a reset", async () => {
    const seeded = await snapshot();
    await resetSandbox(db);
    expect(await snapshot()).toEqual([]);
    await ensureSandboxLoaded(db);
    expect(await snapshot()).toEqual(seeded);
  });
});

/** Measured by SQL at seed 42, scale 1 (packages/sandbox/README.md). */
const SEEDED = {
  items: 23,
  campaigns: 7,
  from: "2026-08-26",
  to: "2027-02-13",
  byType: { blog: 8, email: 7, social: 7, webinar: 1 },
  byStatus: { draft: 4, idea: 5, published: 9, review: 3, scheduled: 2 },
};
