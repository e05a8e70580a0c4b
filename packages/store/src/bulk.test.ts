import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PG_URL, pgUrlWithSchema, runId } from "../test/env";
import { openSql, type SqlDb } from "./index";

/** `bulkWriter`: COPY on PostgreSQL, a reused multi-row statement on SQLite; same values as `insertMany`. */
describe.each(["sqlite", "postgres"] as const)("bulkWriter on %s", (dialect) => {
  const dir = mkdtempSync(join(tmpdir(), "revops-store-bulk-"));
  const schema = `store_bulk_${runId()}`;
  const admin = async (sql: string) => {
    const a = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
    await a.exec(sql).finally(() => a.close());
  };
  let db: SqlDb;
  const columns = ["id", "name", "qty", "flag", "at", "meta", "note"];

  beforeAll(async () => {
    if (dialect === "postgres") await admin(`CREATE SCHEMA ${schema}`);
    db =
      dialect === "postgres"
        ? await openSql({ databaseUrl: pgUrlWithSchema(schema), dataDir: "unused" })
        : await openSql({ dataDir: dir });
  });
  afterAll(async () => {
    await db?.close();
    if (dialect === "postgres") await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await db.exec(
      "DROP TABLE IF EXISTS bulk_t; CREATE TABLE bulk_t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, flag INTEGER, at TEXT, meta TEXT, note TEXT)",
    );
  });

  const rowsOf = (n: number, from = 0) =>
    Array.from({ length: n }, (_, k) => {
      const i = from + k;
      return [i, `name ${i}`, i % 7, i % 2 === 0, new Date(Date.UTC(2025, 0, 1 + (i % 300))), { i }, null];
    });

  it("streams batches in a transaction, values exactly as insertMany stores them", async () => {
    const tricky = [
      [
        1_000_000,
        "tab\there, new\nline, cr\r, back\\slash, \\N, quote 'x' \"y\"",
        -3,
        false,
        null,
        [1, "a"],
        "",
      ],
      [1_000_001, "unicodé 🚀 ✓", 0, true, null, null, "\\."],
    ];
    const n = await db.transaction(async (tx) => {
      const w = await tx.bulkWriter?.("bulk_t", columns);
      if (!w) throw new Error("no bulkWriter");
      for (let b = 0; b < 7; b++) await w.write(rowsOf(1_111, b * 1_111)); // batches that do not divide evenly
      await w.write([]);
      await w.write(tricky);
      return w.end();
    });
    expect(n).toBe(7 * 1_111 + 2);
    await db.insertMany("bulk_t", columns, [[2_000_000, ...(tricky[0] as unknown[]).slice(1)]]);
    const all = await db.query("SELECT * FROM bulk_t WHERE id >= 1000000 ORDER BY id");
    expect(all[0]).toEqual({ ...all[2], id: 1_000_000 }); // COPY and bound parameters agree
    expect(all[1]).toMatchObject({ name: "unicodé 🚀 ✓", flag: 1, meta: null, note: "\\." });
    expect(await db.one("SELECT * FROM bulk_t WHERE id = ?", [7_000])).toEqual({
      id: 7_000,
      name: "name 7000",
      qty: 0,
      flag: 1,
      at: new Date(Date.UTC(2025, 0, 1 + (7_000 % 300))).toISOString(),
      meta: '{"i":7000}',
      note: null,
    });
    expect((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM bulk_t"))?.n).toBe(n + 1);
  });

  it("works outside a transaction too", async () => {
    const w = await db.bulkWriter?.("bulk_t", columns);
    await w?.write(rowsOf(10));
    expect(await w?.end()).toBe(10);
    expect((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM bulk_t"))?.n).toBe(10);
    await db.ping(); // the connection is free again
  });

  it("rolls back with the transaction, after a failed row or an abort", async () => {
    await expect(
      db.transaction(async (tx) => {
        const w = await tx.bulkWriter?.("bulk_t", columns);
        await w?.write(rowsOf(100));
        await w?.write(rowsOf(1, 5)); // duplicate key
        await w?.end();
      }),
    ).rejects.toThrow(/unique|duplicate/i);
    await expect(
      db.transaction(async (tx) => {
        const w = await tx.bulkWriter?.("bulk_t", columns);
        try {
          await w?.write(rowsOf(100));
          throw new Error("generator failed");
        } catch (err) {
          await w?.abort(err);
          throw err;
        }
      }),
    ).rejects.toThrow(/generator failed/);
    // a transaction that fails with a writer still open (no abort) rolls back rather than wait for it
    await expect(
      db.transaction(async (tx) => {
        const w = await tx.bulkWriter?.("bulk_t", columns);
        await w?.write(rowsOf(100));
        throw new Error("caller failed");
      }),
    ).rejects.toThrow(/caller failed/);
    await expect(
      db.transaction(async (tx) => {
        const w = await tx.bulkWriter?.("bulk_t", columns);
        await w?.write(rowsOf(100)); // never ended
      }),
    ).rejects.toThrow(/end\(\) each writer/);
    expect((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM bulk_t"))?.n).toBe(0);
    await db.transaction((tx) => tx.insertMany("bulk_t", columns, rowsOf(3)));
    expect((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM bulk_t"))?.n).toBe(3);
  });

  it("validates names and row widths", async () => {
    await expect(db.bulkWriter?.("bulk_t; DROP TABLE x", ["id"])).rejects.toThrow(/invalid table name/);
    await expect(
      db.transaction(async (tx) => {
        const w = await tx.bulkWriter?.("bulk_t", ["id", "name"]);
        await w?.write([[1]]);
      }),
    ).rejects.toThrow(/row 0 has 1 values, expected 2/);
  });
});
