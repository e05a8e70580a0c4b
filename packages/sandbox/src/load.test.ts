import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../test/db.js";
import { ensureSandboxLoaded, resetSandbox, sandboxToday } from "./load.js";
import { TABLE_NAMES } from "./schema.js";

async function tableCounts(db: SqlDb): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLE_NAMES)
    out[t] = Number((await db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))?.n);
  return out;
}

describe.each(ENGINES)("loader on %s", (engine) => {
  let target: TestTarget;
  let a: SqlDb;
  let b: SqlDb;

  beforeAll(async () => {
    target = await makeTarget(engine);
    a = await target.open();
    b = await target.open();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await target?.cleanup();
  });

  it("sandboxToday fails clearly before loading", async () => {
    await expect(sandboxToday(a)).rejects.toThrow(/not loaded/);
  });

  it("loads exactly once when two connections start at the same time", async () => {
    const [r1, r2] = await Promise.all([ensureSandboxLoaded(a), ensureSandboxLoaded(b)]);
    expect([r1.loaded, r2.loaded].sort()).toEqual([false, true]);
    const loaded = r1.loaded ? r1 : r2;
    console.log(`[sandbox] ${engine} load at scale 1: ${loaded.ms} ms`);
    expect(loaded.ms).toBeLessThan(engine === "sqlite" ? 6_000 : 30_000);
    expect(r1.counts).toEqual(r2.counts);
    expect(await tableCounts(a)).toEqual(loaded.counts);
    expect(loaded.dataset).toMatchObject({ seed: 42, scale: 1, today: "2026-11-23" });
    expect(await sandboxToday(b)).toBe("2026-11-23");
  });

  it("is idempotent and never replaces an existing dataset", async () => {
    const again = await ensureSandboxLoaded(a, { seed: 99, scale: 2, today: "2030-01-01" });
    expect(again.loaded).toBe(false);
    expect(again.dataset).toMatchObject({ seed: 42, scale: 1, today: "2026-11-23" });
    expect(again.counts.sb_deals).toBe(800);
    expect((await tableCounts(b)).sb_deals).toBe(800);
  });

  it("rejects invalid options before touching the database", async () => {
    await expect(ensureSandboxLoaded(a, { scale: -1 })).rejects.toThrow(/scale/);
  });

  it("resetSandbox allows regenerating with other options", async () => {
    await resetSandbox(a);
    expect((await tableCounts(a)).sb_accounts).toBe(0);
    const r = await ensureSandboxLoaded(b, { seed: 5, scale: 0.2, today: "2026-06-30" });
    expect(r.loaded).toBe(true);
    expect(r.counts.sb_accounts).toBe(100);
    expect(r.counts.sb_deals).toBe(160);
    expect(await sandboxToday(a)).toBe("2026-06-30");
  });
});
