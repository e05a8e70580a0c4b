import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTarget, type TestTarget } from "../test/db.js";
import { ensureSandboxLoaded } from "./load.js";

// A lone connection loads through a rollback journal (rows written once); the file must be back in WAL after.
describe("SQLite load journal", () => {
  let target: TestTarget;
  beforeAll(async () => {
    target = await makeTarget("sqlite");
  });
  afterAll(async () => {
    await target?.cleanup();
  });

  it("loads on the only connection and leaves the file in WAL", async () => {
    const db = await target.open();
    try {
      expect((await ensureSandboxLoaded(db, { scale: 0.05 })).loaded).toBe(true);
      expect(await db.one("PRAGMA journal_mode")).toEqual({ journal_mode: "wal" });
      expect(await db.one("PRAGMA busy_timeout")).toEqual({ timeout: 5000 });
    } finally {
      await db.close();
    }
  });
});
