import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { expect, it } from "vitest";
import { groupFunnel } from "../src/domain/funnel";
import { sandboxLeadFunnel } from "../src/integrations/sandbox/funnel-leads";

// Opt-in (loading a large company takes minutes): FUNNEL_SCALE=100 vitest run test/funnel-scale.test.ts
// Prints the timings (the bar is 1 s at scale 100); they never gate the test.
const scale = Number(process.env.FUNNEL_SCALE ?? 0);

it.runIf(scale > 0)(
  "reads and groups the lead funnel at scale",
  async () => {
    // FUNNEL_SCALE_DIR keeps the loaded company between runs
    const keep = process.env.FUNNEL_SCALE_DIR;
    const dir = keep ?? mkdtempSync(join(tmpdir(), "funnel-scale-"));
    const db = await openSql({ dataDir: dir, fileName: "s.db" });
    try {
      const t0 = performance.now();
      await ensureSandboxLoaded(db, { seed: 42, scale });
      const loaded = performance.now() - t0;
      const runs: { readMs: number; groupMs: number }[] = [];
      for (let i = 0; i < 3; i++) {
        const t1 = performance.now();
        const funnel = await sandboxLeadFunnel(db, {});
        const t2 = performance.now();
        const grouped = groupFunnel(funnel, "month_source");
        runs.push({ readMs: Math.round(t2 - t1), groupMs: Math.round(performance.now() - t2) });
        expect(grouped.total.leads).toBe(1000 * scale);
      }
      console.log({ scale, loadedMs: Math.round(loaded), runs });
    } finally {
      await db.close();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  },
  1_800_000,
);
