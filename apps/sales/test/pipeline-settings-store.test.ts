import { randomUUID } from "node:crypto";
import { settingsMigrations } from "@revops/sandbox";
import { migrate, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, describe, expect, it } from "vitest";
import { SqlPipelineSettings } from "../src/integrations/sandbox/pipeline-settings";

const PG = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `settings_pg_${process.pid}_${Date.now()}`;
let admin: SqlDb | undefined;

/** The settings store beside a vendor CRM: only its own tables, on each engine. */
async function engines(): Promise<[string, SqlDb][]> {
  admin = await openSql({ databaseUrl: PG, dataDir: "/tmp" });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const sep = PG.includes("?") ? "&" : "?";
  const pg = await openSql({
    databaseUrl: `${PG}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    dataDir: "/tmp",
  });
  return [
    ["sqlite", await openSql({ dataDir: tempDataDir("settings-store") })],
    ["postgres", pg],
  ];
}

afterAll(async () => {
  await admin?.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.close();
});

describe("pipeline settings store on SQLite and PostgreSQL", () => {
  it("starts from defaults, applies an update once per key, keeps the latest", async () => {
    for (const [engine, db] of await engines()) {
      await migrate(db, settingsMigrations);
      const store = new SqlPipelineSettings(db, async () => "2026-12-03T10:00:00Z", false);
      const fresh = await store.settings();
      expect(fresh.probabilities, engine).toEqual({
        prospecting: 10,
        qualification: 25,
        proposal: 50,
        negotiation: 75,
      });
      expect(fresh.updatedAt, engine).toBeNull();
      const origin = { principal: "dana", idempotencyKey: randomUUID(), planHash: "h1" };
      const update = {
        probabilities: { prospecting: 10, qualification: 30, proposal: 50, negotiation: 75 },
        icp: { industries: [], sizeBands: ["1000+"], regions: ["NA"] },
        quotas: [{ ownerId: "005A", quarter: "2026-Q4", amount: 250_000 }],
      };
      const changes = [{ field: "quota.005A.2026-Q4", before: null, after: 250_000 }];
      expect(await store.update(update, changes, origin), engine).toBe(true);
      expect(
        await store.update({ quotas: [{ ...update.quotas[0], amount: 1 }] } as never, changes, origin),
      ).toBe(false);
      await store.update({ quotas: [{ ownerId: "005A", quarter: "2026-Q4", amount: 260_000 }] }, changes, {
        principal: "lee",
        idempotencyKey: randomUUID(),
      });
      const after = await store.settings();
      expect(after.probabilities.qualification, engine).toBe(30);
      expect(after.icp, engine).toEqual(update.icp);
      expect(after.updatedBy, engine).toBe("dana");
      expect(await store.quotas("2026-Q4"), engine).toEqual([
        {
          ownerId: "005A",
          quarter: "2026-Q4",
          amount: 260_000,
          updatedAt: "2026-12-03T10:00:00Z",
          principal: "lee",
        },
      ]);
      expect(await store.quotas("2027-Q1"), engine).toEqual([]);
      const log = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM sb_settings_updates");
      expect(Number(log[0]?.n), engine).toBe(2);
      await db.close();
    }
  });
});
