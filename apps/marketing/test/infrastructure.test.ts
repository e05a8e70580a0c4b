import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { pgSchema, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

const config = guardConfig({ GUARD_TOKEN_SECRET: "infrastructure-secret-infrastructure-secret" });
const ALLOC =
  "INSERT INTO sb_budget_allocations (id, campaign_id, channel, amount, currency, period_start, period_end, note, principal, plan_hash, idempotency_key, created_at) VALUES (?, 'cmp_x', 'paid_search', 900, 'USD', '2026-12-01', '2026-12-31', NULL, 'ops', NULL, ?, '2026-11-23T12:00:00Z')";

/** The infrastructure tools through the MCP client, on the sandbox company in the given engine. */
function describeInfrastructure(
  engine: string,
  env: () => Promise<{ env: Record<string, string>; db: SqlDb; drop?: () => Promise<void> }>,
) {
  describe(`infrastructure tools on the sandbox (${engine}), through the MCP client`, () => {
    let guardSql: SqlDb;
    let kv: KeyValue;
    let data: SqlDb;
    let drop: (() => Promise<void>) | undefined;
    let h: GuardedHarness;
    let admin: ReturnType<typeof approvalsAdmin>;
    const count = async (sql: string) => Number((await data.one<{ n: number }>(sql))?.n ?? 0);
    const stored = async () => data.query("SELECT name, value FROM sb_marketing_settings ORDER BY name");

    /** Queued for the approval queue (high risk: never elicited), approved out of band, then run. */
    async function approved(tool: string, args: Record<string, unknown>) {
      const asked = h.elicited.length;
      const queued = await h.call(tool, args);
      expect(h.elicited.length, queued.text).toBe(asked);
      const id = approvalIdIn(queued.text) as string;
      expect(id, queued.text).toBeDefined();
      await admin.approve(id, "marketing-ops");
      return { queued, id, run: await h.call(tool, { ...args, approval_id: id }) };
    }

    beforeAll(async () => {
      const e = await env();
      data = e.db;
      drop = e.drop;
      guardSql = await openSql({ dataDir: tempDataDir("infrastructure-guard") });
      kv = await openKv({});
      await migrate(guardSql, guardMigrations);
      const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv });
      h = await connectGuarded({
        modules: [createMarketingServer()],
        guard,
        elicitation: true,
        env: { SANDBOX_SCALE: "0.1", ...e.env },
      });
      admin = approvalsAdmin({ sql: async () => guardSql, config });
    }, 300_000);

    afterAll(async () => {
      await h?.close();
      if (drop) await drop();
      else await data?.close();
      await guardSql?.close();
      await kv?.close();
    });

    it("settings_update without set shows the values in force, freely", async () => {
      const r = await h.call("settings_update", {});
      expect(r.isError, r.text).toBe(false);
      expect(h.elicited).toHaveLength(0);
      expect(r.data?.settings).toMatchObject({ "brand.max_grade": 9, "brand.numbers_need_proof": true });
      expect(r.data?.stored).toEqual([]);
    });

    it("settings_update refuses invalid values naming the field and the fix, before any plan, and applies none", async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ "brand.max_grade": 25 }, /set\.brand\.max_grade: 25 is not allowed[\s\S]*1 to 20/],
        [
          { "brand.max_sentence_words": 7.5 },
          /set\.brand\.max_sentence_words[\s\S]*whole number from 5 to 100/,
        ],
        [{ "brand.numbers_need_proof": "yes" }, /set\.brand\.numbers_need_proof[\s\S]*true or false/],
        [{ "brand.tone": "loud" }, /set\.brand\.tone: not a marketing setting[\s\S]*brand\.max_grade/],
        // one bad value stops the whole update: the good one is not applied either
        [{ "brand.max_grade": 8, "brand.max_exclamations": -1 }, /set\.brand\.max_exclamations/],
      ];
      for (const [set, message] of cases) {
        for (const extra of [{ dry_run: true }, {}]) {
          const r = await h.call("settings_update", { set, ...extra });
          expect(r.isError, JSON.stringify(set)).toBe(true);
          expect(r.text, JSON.stringify(set)).toMatch(message);
          expect(approvalIdIn(r.text)).toBeUndefined();
        }
      }
      expect(await stored()).toEqual([]);
      expect(h.elicited).toHaveLength(0);
    });

    it("settings_update: high risk, the plan shows before → after; once approved it applies, persists and brand_check uses it", async () => {
      const text =
        "This sentence has quite a few words in it so that it runs past twelve of them easily today.";
      const set = { "brand.max_sentence_words": 12, "brand.max_grade": 9 };
      expect((await h.call("settings_update", { set: { "brand.max_grade": 9 } })).text).toMatch(
        /already have/,
      );
      expect((await h.call("brand_check", { text })).text).not.toContain("the guide allows");
      const { queued, run } = await approved("settings_update", { set });
      expect(queued.text).toContain("brand.max_sentence_words 25 → 12");
      expect(queued.text).not.toContain("brand.max_grade 9");
      expect(run.isError, run.text).toBe(false);
      expect(run.data?.changes).toEqual([{ field: "brand.max_sentence_words", before: 25, after: 12 }]);
      expect(await stored()).toEqual([{ name: "brand.max_sentence_words", value: "12" }]);
      expect(await count("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'marketing_setting'")).toBe(1);
      expect(await h.call("brand_check", { text })).toMatchObject({
        text: expect.stringContaining("the guide allows 12"),
      });
    });

    it("backups: list is free; create is confirmed in band; the file's hash and row counts match SQL", async () => {
      const empty = await h.call("backups", {});
      expect(empty.isError, empty.text).toBe(false);
      expect(empty.data?.backups).toEqual([]);
      expect(h.elicited).toHaveLength(0);
      h.answerWith((p) => ({
        action: "accept",
        content: { confirmation: String(p.message.split("type: ").at(-1)) },
      }));
      const made = await h.call("backups", { action: "create" });
      expect(made.isError, made.text).toBe(false);
      expect(h.elicited).toHaveLength(1);
      expect(made.data?.backup.id).toBe("bk_000001");
      const tables = made.data?.backup.tables as { table: string; rows: number }[];
      for (const t of tables)
        expect(t.rows, t.table).toBe(await count(`SELECT COUNT(*) AS n FROM ${t.table}`));
      expect(tables.find((t) => t.table === "sb_marketing_settings")?.rows).toBe(1);
      expect((await h.call("backups", {})).data?.backups).toHaveLength(1);
    });

    it("backups restore: refused without backup_id; high risk; once approved every table is the backup's again", async () => {
      const missing = await h.call("backups", { action: "restore", dry_run: true });
      expect(missing.text).toMatch(/backup_id[\s\S]*action "list"/);
      const unknown = await h.call("backups", { action: "restore", backup_id: "bk_000009", dry_run: true });
      expect(unknown.text).toMatch(/No backup bk_000009/);
      const allocations = await count("SELECT COUNT(*) AS n FROM sb_budget_allocations");
      await data.run(ALLOC, ["alloc_e2e", "key-alloc-e2e"]);
      await data.run("UPDATE sb_marketing_settings SET value = '20'");
      const { queued, run } = await approved("backups", { action: "restore", backup_id: "bk_000001" });
      expect(queued.text).toContain(`sb_budget_allocations rows | ${allocations + 1} | ${allocations}`);
      expect(queued.text).toContain("Why: high risk: it is a restore");
      expect(run.isError, run.text).toBe(false);
      expect(await count("SELECT COUNT(*) AS n FROM sb_budget_allocations")).toBe(allocations);
      expect(await stored()).toEqual([{ name: "brand.max_sentence_words", value: "12" }]);
    });

    it("backups delete: high risk; once approved the backup is gone", async () => {
      const { run } = await approved("backups", { action: "delete", backup_id: "bk_000001" });
      expect(run.isError, run.text).toBe(false);
      expect(run.data?.backups).toEqual([]);
    });
  });
}

describeInfrastructure("SQLite", async () => {
  const dataDir = tempDataDir("infrastructure");
  return { env: { REVOPS_DATA_DIR: dataDir }, db: await openSql({ dataDir }) };
});

describeInfrastructure("PostgreSQL", async () => {
  const { db, url, drop } = await pgSchema("infra");
  return { env: { REVOPS_DATA_DIR: tempDataDir("infrastructure-pg"), DATABASE_URL: url }, db, drop };
});
