import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ensureSandboxLoaded,
  leadScoringMigrations,
  resetSandbox,
  sandboxLeadFacts,
  sandboxNow,
} from "@revops/sandbox";
import { migrate, openSql, type SqlDb } from "@revops/store";
import { pgSchema } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proposeModel } from "../src/domain/lead-scoring";
import { SqlLeadScoringModels } from "../src/integrations/sandbox/lead-scoring-models";

interface Fixture {
  db: SqlDb;
  port: SqlLeadScoringModels;
  sandbox: boolean;
  close(): Promise<void>;
}

const change = [{ field: "crm_score", before: 0.6, after: 0.9 }];

/** The lead-scoring model store's contract, the same assertions on every engine. */
function describeContract(name: string, make: () => Promise<Fixture>) {
  describe(`lead scoring model store: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    }, 120_000);
    afterAll(async () => f?.close());

    it("starts empty, saves versions in order and reads the newest back", async () => {
      expect(await f.port.active()).toBeUndefined();
      const one = await f.port.save({ weights: { crm_score: 0.9 } }, change, 0, {
        principal: "ann",
        planHash: "h1",
        idempotencyKey: "k1",
      });
      expect(one).toEqual({ version: 1, recovered: false });
      const two = await f.port.save({ weights: { crm_score: 1 } }, change, 1, {
        principal: "bo",
        idempotencyKey: "k2",
      });
      expect(two.version).toBe(2);
      expect(await f.port.active()).toMatchObject({
        version: 2,
        model: { weights: { crm_score: 1 } },
        principal: "bo",
      });
    });

    it("the same key again finds the first save, even concurrently; a stale version is refused", async () => {
      const runs = await Promise.all(
        [1, 2, 3].map(() =>
          f.port.save({ weights: {} }, change, 2, { principal: "ann", idempotencyKey: "k3" }),
        ),
      );
      expect(runs.filter((r) => !r.recovered)).toHaveLength(1);
      expect(new Set(runs.map((r) => r.version))).toEqual(new Set([3]));
      await expect(
        f.port.save({ weights: {} }, change, 1, { principal: "ann", idempotencyKey: "k4" }),
      ).rejects.toThrow(/conflict: the lead scoring model is at version 3, not 1/);
    });

    it("journals each saved version's changes on the sandbox; a reset empties the versions", async () => {
      if (!f.sandbox) return;
      const rows = await f.db.query<{ record_id: string; plan_hash: string | null }>(
        "SELECT record_id, plan_hash FROM sb_changes WHERE entity = 'lead_scoring_model' ORDER BY record_id",
      );
      expect(rows.map((r) => r.record_id)).toEqual(["v1", "v2", "v3"]);
      expect(rows[0]?.plan_hash).toBe("h1");
      // the same data on both engines fits the same model
      const leads = await sandboxLeadFacts(f.db);
      expect(proposeModel(leads, "2026-11-23")?.weights.crm_score).toBe(0.694);
      await resetSandbox(f.db);
      expect(await f.port.active()).toBeUndefined();
    });
  });
}

async function sandboxFixture(db: SqlDb, close: () => Promise<void>): Promise<Fixture> {
  await ensureSandboxLoaded(db, { seed: 42, scale: 0.2 });
  return { db, port: new SqlLeadScoringModels(db, () => sandboxNow(db)), sandbox: true, close };
}

describeContract("sandbox on SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lead-scoring-port-"));
  const db = await openSql({ dataDir: dir });
  return sandboxFixture(db, async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describeContract("sandbox on PostgreSQL", async () => {
  const { db, drop } = await pgSchema("lead_scoring_port");
  return sandboxFixture(db, drop);
});

describeContract("beside a vendor on PostgreSQL (no sandbox company)", async () => {
  const { db, drop } = await pgSchema("lead_scoring_port_vendor");
  await migrate(db, leadScoringMigrations);
  const port = new SqlLeadScoringModels(db, async () => "2026-11-23T09:00:00.000Z", false);
  return { db, port, sandbox: false, close: drop };
});
