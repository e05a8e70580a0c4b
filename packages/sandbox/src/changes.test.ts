import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTarget, type TestTarget } from "../test/db.js";
import { journalChanges, sandboxStatus } from "./changes.js";
import { ensureSandboxLoaded, resetSandbox } from "./load.js";

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
});
