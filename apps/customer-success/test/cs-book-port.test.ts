import { tmpdir } from "node:os";
import { sandboxMigrations } from "@revops/sandbox";
import { migrate, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_HEALTH_WEIGHTS } from "../src/domain/health";
import {
  CustomerWriteError,
  SandboxCustomerBook,
  SandboxHealthModel,
} from "../src/integrations/sandbox/cs-book";

/**
 * The contract of the customer book and health-model ports (our database is their only provider): the same
 * behaviour on SQLite and PostgreSQL — changes applied once and journalled, versions kept, a stale plan refused.
 */
const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ACCOUNTS = ["acc_a", "acc_b", "acc_c"];
const origin = (key: string) => ({ principal: "alice", planHash: "h", idempotencyKey: key });

async function seeded(db: SqlDb) {
  await migrate(db, sandboxMigrations);
  await db.run(
    "INSERT INTO sb_meta (id, seed, scale, today, loaded_at, counts) VALUES ('sandbox', 1, 1, '2026-11-23', '2026-11-23', '{}')",
  );
  for (const [i, id] of ACCOUNTS.entries())
    await db.run(
      `INSERT INTO sb_accounts (id, name, domain, industry, employees, size_band, region, country, timezone, owner_id, arr, lifecycle, created_date)
       VALUES (?, ?, ?, 'Retail', 40, '1-50', 'EMEA', 'DE', 'Europe/Berlin', 'usr_01', ?, 'customer', '2025-01-01')`,
      [id, `Account ${i}`, `${id}.example`, 1000 * (i + 1)],
    );
  return db;
}

const providers: [string, () => Promise<{ db: SqlDb; close: () => Promise<void> }>][] = [
  [
    "sqlite",
    async () => {
      const db = await seeded(await openSql({ dataDir: tempDataDir("cs-book-port") }));
      return { db, close: () => db.close() };
    },
  ],
  [
    "postgres",
    async () => {
      const schema = `cs_book_${process.pid}_${Date.now()}`;
      const admin = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
      await admin.exec(`CREATE SCHEMA ${schema}`);
      const db = await seeded(
        await openSql({
          databaseUrl: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
          dataDir: tmpdir(),
        }),
      );
      return {
        db,
        close: async () => {
          await db.close();
          await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await admin.close();
        },
      };
    },
  ],
];

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe.each(providers)("customer book and health model ports on %s", (_name, open) => {
  it("applies tags, CSM and lifecycle once, journalled; a retry changes nothing; bad values name the field", async () => {
    const { db, close } = await open();
    closers.push(close);
    const book = new SandboxCustomerBook(db);
    expect((await book.rows(ACCOUNTS)).map((r) => [r.accountId, r.csmId, r.tags])).toEqual(
      ACCOUNTS.map((id) => [id, null, []]),
    );
    const changed = await book.apply(ACCOUNTS, { addTags: ["vip"], csmId: "csm_03" }, origin("k1"));
    expect(changed).toBe(3);
    expect(await book.landed("k1")).toBe(3);
    expect(await book.apply(ACCOUNTS, { addTags: ["vip"], csmId: "csm_03" }, origin("k2"))).toBe(0);
    expect(await book.landed("k2")).toBeUndefined();
    await book.apply(
      ["acc_a"],
      { removeTags: ["vip"], addTags: ["risk"], lifecycle: "churned" },
      origin("k3"),
    );
    const [a] = await book.rows(["acc_a"]);
    expect(a).toMatchObject({
      csmId: "csm_03",
      csmName: "Aisha Rahman",
      tags: ["risk"],
      lifecycle: "churned",
    });
    const journal = await db.query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE idempotency_key = 'k3' ORDER BY field",
    );
    expect(journal.map((j) => j.field)).toEqual(["lifecycle", "tags"]);
    await expect(book.apply(ACCOUNTS, { csmId: "csm_99" }, origin("k4"))).rejects.toThrow(/csm: no CSM/);
    await expect(book.apply(ACCOUNTS, { lifecycle: "lost" }, origin("k5"))).rejects.toBeInstanceOf(
      CustomerWriteError,
    );
  });

  it("keeps weight versions, finds a retried save by its key and refuses a plan made on an older version", async () => {
    const { db, close } = await open();
    closers.push(close);
    const model = new SandboxHealthModel(db);
    expect((await model.versions(DEFAULT_HEALTH_WEIGHTS)).map((v) => v.version)).toEqual([1]);
    const w = { usage: 0.5, adoption: 0.2, support: 0.2, nps: 0.1 };
    expect(await model.save(w, "why", 1, origin("w1"))).toEqual({ version: 2, recovered: false });
    expect(await model.save(w, "why", 1, origin("w1"))).toEqual({ version: 2, recovered: true });
    await expect(model.save(w, null, 1, origin("w2"))).rejects.toThrow(/conflict: .* version 2/);
    const [top] = await model.versions(DEFAULT_HEALTH_WEIGHTS);
    expect(top).toMatchObject({ version: 2, weights: w, note: "why", principal: "alice" });
  });
});
