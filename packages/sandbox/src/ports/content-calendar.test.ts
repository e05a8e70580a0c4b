import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../../test/db.js";
import { sandboxStatus } from "../changes.js";
import { ensureSandboxLoaded, resetSandbox } from "../load.js";
import { SqlContentCalendar } from "./content-calendar.js";

describe.each(ENGINES)("sandbox content calendar on %s", (engine) => {
  let target: TestTarget;
  let db: SqlDb;
  let port: SqlContentCalendar;
  const origin = (key: string) => ({ principal: "ann", planHash: "h1", idempotencyKey: key });
  const snapshot = () =>
    db.query<Record<string, unknown>>(
      "SELECT id, title, type, channel, status, day, owner, campaign_id FROM sb_content_items ORDER BY id",
    );
  beforeAll(async () => {
    target = await makeTarget(engine);
    db = await target.open();
    await ensureSandboxLoaded(db);
    port = new SqlContentCalendar(db, async () => "2026-11-23T12:00:00.000Z");
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

  it("adds once per key and moves once per key, journalled; a reset restores the seeded calendar", async () => {
    const seeded = await snapshot();
    const item = {
      title: "Forecasting guide",
      type: "blog" as const,
      channel: "blog",
      status: "idea" as const,
      day: "2026-12-10",
      owner: "Nina Patel",
      campaignId: "cmp_0001",
    };
    const first = await port.add(item, origin("add-1"));
    const again = await port.add(item, origin("add-1"));
    expect(first.created).toBe(true);
    expect(again).toEqual({ item: first.item, created: false });
    expect(first.item).toMatchObject({ ...item, publishAt: null, body: null });
    const moved = await port.move(first.item.id, { day: "2026-12-12", status: "draft" }, origin("mv-1"));
    expect(moved.changed).toBe(true);
    expect(moved.item).toMatchObject({ day: "2026-12-12", status: "draft" });
    // the same key again (a retry after an ambiguous failure) changes nothing, even with other values
    const retry = await port.move(first.item.id, { day: "2027-01-05" }, origin("mv-1"));
    expect(retry).toEqual({ item: moved.item, changed: false });
    expect(await port.items({ from: "2026-12-12", to: "2026-12-12" })).toContainEqual(moved.item);
    // the add's status and the move's day and status
    expect((await sandboxStatus(db)).changes).toEqual([{ entity: "content_item", records: 1, fields: 3 }]);
    await resetSandbox(db);
    await ensureSandboxLoaded(db);
    expect(await snapshot()).toEqual(seeded);
    expect(Number((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_content_moves"))?.n)).toBe(0);
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
