import type { TouchPaths } from "@revops/model";
import { ensureSandboxLoaded } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { TEST_ENGINES, testDatabase } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxTouchPaths } from "../src/integrations/sandbox/attribution-paths";
import { SandboxMarketing } from "../src/integrations/sandbox/marketing";

const results = new Map<string, TouchPaths>();

describe.each(TEST_ENGINES)("touch paths on %s", (engine) => {
  let drop: () => Promise<void>;
  let db: SqlDb;

  beforeAll(async () => {
    ({ db, drop } = await testDatabase(engine, "touch_paths"));
    await ensureSandboxLoaded(db);
  });
  afterAll(async () => {
    await drop?.();
  });

  it("gives every converted deal once, its touches in time order up to its creation", async () => {
    const paths = await new SandboxMarketing(db).touchPaths();
    results.set(engine, paths);
    const [converted] = await db.query<{ n: number }>(
      "SELECT COUNT(DISTINCT converted_deal_id) AS n FROM sb_leads WHERE converted_deal_id IS NOT NULL",
    );
    expect(paths.deals.length).toBe(Number(converted?.n));
    expect(new Set(paths.deals.map((d) => d.dealId)).size).toBe(paths.deals.length);
    expect(paths.campaigns.length).toBe(30);
    for (const d of paths.deals) {
      const times = d.touches.map((t) => t.at as string);
      expect(times).toEqual([...times].sort());
      for (const t of times) expect(t <= `${d.createdDate}T23:59:59.999Z`).toBe(true);
      expect(d.won).toBe(d.stage === "closed_won");
    }
    expect(paths.deals.some((d) => d.touches.length > 1 && d.sourceCampaignId)).toBe(true);
  });

  it("agrees across engines", async () => {
    const other = results.get(engine === "sqlite" ? "postgres" : "sqlite");
    if (other) expect(await sandboxTouchPaths(db)).toEqual(other);
  });
});
