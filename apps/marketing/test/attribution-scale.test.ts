import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { expect, it } from "vitest";
import { attribute } from "../src/domain/attribution";
import { sandboxTouchPaths } from "../src/integrations/sandbox/attribution-paths";

// Opt-in (loading a large company takes minutes): ATTRIBUTION_SCALE=100 vitest run test/attribution-scale.test.ts
const scale = Number(process.env.ATTRIBUTION_SCALE ?? 0);

it.runIf(scale > 0)(
  "reads touch paths within a second and attributes them at scale",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "attr-scale-"));
    const db = await openSql({ dataDir: dir, fileName: "s.db" });
    try {
      const t0 = Date.now();
      await ensureSandboxLoaded(db, { seed: 42, scale });
      const loaded = Date.now() - t0;
      const t1 = Date.now();
      const paths = await sandboxTouchPaths(db);
      const read = Date.now() - t1;
      const t2 = Date.now();
      const linear = attribute(paths.deals, { model: "linear", lookbackDays: 90, halfLifeDays: 7 });
      const linearMs = Date.now() - t2;
      const t3 = Date.now();
      const dd = attribute(paths.deals, { model: "data_driven", lookbackDays: 90, halfLifeDays: 7 });
      const ddMs = Date.now() - t3;
      console.log({
        scale,
        loaded,
        read,
        linearMs,
        ddMs,
        deals: paths.deals.length,
        campaigns: paths.campaigns.length,
      });
      expect(dd.totals.pipeline).toBe(linear.totals.pipeline);
      expect(read).toBeLessThanOrEqual(1000);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  1_800_000,
);
