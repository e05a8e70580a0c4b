import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  budgetMigrations,
  contentCalendarMigrations,
  ensureSandboxLoaded,
  leadScoringMigrations,
  marketingSettingsMigrations,
  resetSandbox,
  sandboxNow,
} from "@revops/sandbox";
import { migrate, openSql, type SqlDb } from "@revops/store";
import { pgSchema } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BRAND_GUIDE } from "../src/domain/brand-guide";
import { BACKUP_TABLES, FileBackups } from "../src/integrations/backups";
import { SqlMarketingSettings } from "../src/integrations/settings-store";

interface Fixture {
  db: SqlDb;
  backups: FileBackups;
  settings: SqlMarketingSettings;
  sandbox: boolean;
  close(): Promise<void>;
}

const who = (key: string) => ({ principal: "ops", planHash: `h-${key}`, idempotencyKey: key });

/** Every backed-up table's rows, straight from SQL, in a stable order. */
async function snapshot(db: SqlDb) {
  const out: Record<string, unknown[]> = {};
  for (const t of BACKUP_TABLES) out[t] = await db.query(`SELECT * FROM ${t} ORDER BY 1`);
  return out;
}

async function allocate(db: SqlDb, id: string) {
  await db.run(
    "INSERT INTO sb_budget_allocations (id, campaign_id, channel, amount, currency, period_start, period_end, note, principal, plan_hash, idempotency_key, created_at) VALUES (?, 'cmp_x', 'paid_search', 1200, 'USD', '2026-12-01', '2026-12-31', NULL, 'ops', NULL, ?, '2026-11-23T12:00:00Z')",
    [id, `key-${id}`],
  );
}

/** The backup store's contract, the same assertions on every engine. */
function describeContract(name: string, make: () => Promise<Fixture>) {
  describe(`backups and settings: ${name}`, () => {
    let f: Fixture;
    let before: Record<string, unknown[]>;
    beforeAll(async () => {
      f = await make();
    }, 180_000);
    afterAll(async () => f?.close());

    it("settings: values apply atomically once per key, over the file's guide", async () => {
      expect((await f.settings.guide()).reading.max_grade).toBe(DEFAULT_BRAND_GUIDE.reading.max_grade);
      const changes = [{ field: "brand.max_grade", before: 9, after: 8 }];
      const values = { "brand.max_grade": 8, "brand.numbers_need_proof": false };
      expect(await f.settings.update(values, changes, who("s1"))).toEqual({ recovered: false });
      expect(await f.settings.update({ "brand.max_grade": 5 }, changes, who("s1"))).toEqual({
        recovered: true,
      });
      const g = await f.settings.guide();
      expect(g.reading.max_grade).toBe(8);
      expect(g.claims.numbers_need_proof).toBe(false);
      expect(await f.settings.stored()).toEqual(values);
      // a value written around the tool (by hand, an old version) is checked again and ignored when invalid
      await f.db.run("UPDATE sb_marketing_settings SET value = '99' WHERE name = 'brand.max_grade'");
      expect((await f.settings.guide()).reading.max_grade).toBe(DEFAULT_BRAND_GUIDE.reading.max_grade);
      await f.db.run("UPDATE sb_marketing_settings SET value = '8' WHERE name = 'brand.max_grade'");
    });

    it("create: a hashed JSON file per backup (0600 in a 0700 directory), row counts as SQL counts them", async () => {
      await allocate(f.db, "alloc_a");
      before = await snapshot(f.db);
      const { backup, created } = await f.backups.create(who("c1"));
      expect(created).toBe(true);
      expect(backup.id).toBe("bk_000001");
      const file = join(f.backups.dir, `${backup.id}.json`);
      const bytes = readFileSync(file);
      expect(backup.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(backup.size).toBe(bytes.length);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(f.backups.dir, `${backup.id}.manifest.json`)).mode & 0o777).toBe(0o600);
      expect(statSync(f.backups.dir).mode & 0o777).toBe(0o700);
      for (const t of BACKUP_TABLES) {
        const n = await f.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`);
        expect(backup.tables.find((x) => x.table === t)?.rows, t).toBe(Number(n?.n));
      }
      expect(backup.tables.find((t) => t.table === "sb_budget_allocations")?.rows).toBeGreaterThan(0);
      // the same key again finds the first; concurrent creates get their own ids, in order
      expect((await f.backups.create(who("c1"))).created).toBe(false);
      const both = await Promise.all([f.backups.create(who("c2")), f.backups.create(who("c3"))]);
      expect(both.map((b) => b.backup.id).sort()).toEqual(["bk_000002", "bk_000003"]);
      expect((await f.backups.list()).map((b) => b.id)).toEqual(["bk_000003", "bk_000002", "bk_000001"]);
    });

    it("restore: every table back to the backup in one transaction, once per key", async () => {
      await allocate(f.db, "alloc_b");
      await f.settings.update({ "brand.max_grade": 12 }, [], who("s2"));
      expect(await snapshot(f.db)).not.toEqual(before);
      expect((await f.backups.restore("bk_000001", who("r1"))).recovered).toBe(false);
      expect(await snapshot(f.db)).toEqual(before);
      expect((await f.settings.guide()).reading.max_grade).toBe(8);
      await allocate(f.db, "alloc_c");
      expect((await f.backups.restore("bk_000001", who("r1"))).recovered).toBe(true);
      expect((await snapshot(f.db)).sb_budget_allocations).toHaveLength(
        (before.sb_budget_allocations?.length ?? 0) + 1,
      );
      if (f.sandbox) {
        const journal = await f.db.query<{ field: string; plan_hash: string }>(
          "SELECT field, plan_hash FROM sb_changes WHERE entity = 'backup_restore' ORDER BY field",
        );
        expect(journal.map((j) => j.field)).toEqual([...BACKUP_TABLES].sort());
        expect(journal[0]?.plan_hash).toBe("h-r1");
      }
    });

    it("restore: a changed file is refused by its hash; a failure mid-restore leaves every table as it was", async () => {
      const now = await snapshot(f.db);
      const file = join(f.backups.dir, "bk_000002.json");
      const good = readFileSync(file);
      writeFileSync(file, good.toString().replace('"USD"', '"EUR"'));
      await expect(f.backups.restore("bk_000002", who("r2"))).rejects.toThrow(/does not match its SHA-256/);
      writeFileSync(file, good);
      // a valid hash over a row the last table refuses (changes NOT NULL): the earlier tables were already replaced
      const data = JSON.parse(good.toString());
      data.tables.sb_marketing_settings_updates.push({
        idempotency_key: "bad",
        at: "2026-11-23",
        principal: "ops",
        plan_hash: null,
        changes: null,
      });
      data.tables.sb_budget_allocations = [];
      const bytes = Buffer.from(JSON.stringify(data));
      writeFileSync(file, bytes);
      const mf = join(f.backups.dir, "bk_000002.manifest.json");
      const m = JSON.parse(readFileSync(mf, "utf8"));
      writeFileSync(
        mf,
        JSON.stringify({
          ...m,
          size: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
        }),
      );
      await expect(f.backups.restore("bk_000002", who("r3"))).rejects.toThrow();
      expect(await snapshot(f.db)).toEqual(now);
      expect(now.sb_budget_allocations?.length).toBeGreaterThan(0);
    });

    it("delete: the file goes, the list forgets it, a retry finds it done, a restore of it is refused", async () => {
      expect((await f.backups.delete("bk_000003", who("d1"))).recovered).toBe(false);
      expect((await f.backups.delete("bk_000003", who("d1"))).recovered).toBe(true);
      expect((await f.backups.list()).map((b) => b.id)).toEqual(["bk_000002", "bk_000001"]);
      await expect(f.backups.restore("bk_000003", who("r4"))).rejects.toThrow(/No backup bk_000003/);
      await expect(f.backups.delete("bk_000003", who("d2"))).rejects.toThrow(/No backup/);
      // ids keep counting past a deleted one
      expect((await f.backups.create(who("c4"))).backup.id).toBe("bk_000004");
    });

    it("a sandbox reset empties the settings", async () => {
      if (!f.sandbox) return;
      await resetSandbox(f.db);
      expect(await f.settings.stored()).toEqual({});
    });
  });
}

async function fixture(db: SqlDb, sandbox: boolean, close: () => Promise<void>): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), "backups-dir-"));
  const now = sandbox ? () => sandboxNow(db) : async () => "2026-11-23T09:00:00.000Z";
  return {
    db,
    sandbox,
    backups: new FileBackups(db, join(dir, "backups"), now, sandbox),
    settings: new SqlMarketingSettings(db, DEFAULT_BRAND_GUIDE, now, sandbox),
    close: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeContract("sandbox on SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "backups-port-"));
  const db = await openSql({ dataDir: dir });
  await ensureSandboxLoaded(db, { seed: 42, scale: 0.2 });
  return fixture(db, true, async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describeContract("sandbox on PostgreSQL", async () => {
  const { db, drop } = await pgSchema("backups_port");
  await ensureSandboxLoaded(db, { seed: 42, scale: 0.2 });
  return fixture(db, true, drop);
});

describeContract("beside a vendor on PostgreSQL (our tables only)", async () => {
  const { db, drop } = await pgSchema("backups_port_vendor");
  await migrate(db, [
    ...budgetMigrations,
    ...contentCalendarMigrations,
    ...leadScoringMigrations,
    ...marketingSettingsMigrations,
  ]);
  return fixture(db, false, drop);
});
