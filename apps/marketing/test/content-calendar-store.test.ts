import { ensureSandboxLoaded, resetSandbox, sandboxStatus } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { TEST_ENGINES, testDatabase } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqlContentCalendar } from "../src/integrations/sandbox/content-calendar";

describe.each(TEST_ENGINES)("sandbox content calendar on %s", (engine) => {
  let drop: () => Promise<void>;
  let db: SqlDb;
  let port: SqlContentCalendar;
  const origin = (key: string) => ({ principal: "ann", planHash: "h1", idempotencyKey: key });
  const snapshot = () =>
    db.query<Record<string, unknown>>(
      "SELECT id, title, type, channel, status, day, owner, campaign_id FROM sb_content_items ORDER BY id",
    );
  beforeAll(async () => {
    ({ db, drop } = await testDatabase(engine, "content_calendar"));
    await ensureSandboxLoaded(db);
    port = new SqlContentCalendar(db, async () => "2026-11-23T12:00:00.000Z");
  });
  afterAll(async () => {
    await drop?.();
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
