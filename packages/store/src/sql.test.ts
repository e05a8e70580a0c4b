import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PG_URL, pgUrlWithSchema, runId, sleep } from "../test/env";
import { migrate, openSql, type SqlDb } from "./index";

interface Engine {
  dialect: "sqlite" | "postgres";
  setup(): Promise<void>;
  /** A new, independent connection (pool) to the same database. */
  open(): Promise<SqlDb>;
  teardown(): Promise<void>;
}

function sqliteEngine(): Engine {
  const dir = mkdtempSync(join(tmpdir(), "revops-store-"));
  return {
    dialect: "sqlite",
    setup: async () => undefined,
    open: () => openSql({ dataDir: join(dir, "data") }),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresEngine(): Engine {
  const schema = `store_test_${runId()}`;
  const admin = async (sql: string) => {
    const db = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
    await db.exec(sql).finally(() => db.close());
  };
  return {
    dialect: "postgres",
    setup: () => admin(`CREATE SCHEMA ${schema}`),
    open: () => openSql({ databaseUrl: pgUrlWithSchema(schema), dataDir: "unused" }),
    teardown: () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

describe.each([
  ["sqlite", sqliteEngine],
  ["postgres", postgresEngine],
])("SqlDb on %s", (_name, makeEngine) => {
  const engine = makeEngine();
  const opened: SqlDb[] = [];
  let db: SqlDb;
  let table = "";
  let seq = 0;

  const open = async () => {
    const d = await engine.open();
    opened.push(d);
    return d;
  };
  const count = async (d: SqlDb = db) =>
    (await d.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n;

  beforeAll(async () => {
    await engine.setup();
    db = await open();
  });

  afterAll(async () => {
    for (const d of opened) await d.close();
    await engine.teardown();
  });

  beforeEach(async () => {
    seq += 1;
    table = `items_${seq}`;
    await db.exec(
      `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, flag INTEGER, at TEXT, meta TEXT);
       CREATE INDEX ${table}_name ON ${table} (name)`,
    );
  });

  it("reports its dialect", () => {
    expect(db.dialect).toBe(engine.dialect);
  });

  it("runs query, one, run and exec with portable value encoding", async () => {
    const at = new Date("2025-01-02T03:04:05.678Z");
    expect(
      await db.run(`INSERT INTO ${table} (id, name, qty, flag, at, meta) VALUES (?, ?, ?, ?, ?, ?)`, [
        1,
        "a",
        5,
        true,
        at,
        { tags: ["x"] },
      ]),
    ).toBe(1);
    await db.run(`INSERT INTO ${table} (id, name, qty, flag, at, meta) VALUES (?, ?, ?, ?, ?, ?)`, [
      2,
      "b",
      null,
      false,
      undefined,
      [1, 2],
    ]);
    const rows = await db.query(`SELECT id, name, qty, flag, at, meta FROM ${table} ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, name: "a", qty: 5, flag: 1, at: "2025-01-02T03:04:05.678Z", meta: '{"tags":["x"]}' },
      { id: 2, name: "b", qty: null, flag: 0, at: null, meta: "[1,2]" },
    ]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect(await db.one(`SELECT name FROM ${table} WHERE id = ?`, [2])).toEqual({ name: "b" });
    expect(await db.one(`SELECT name FROM ${table} WHERE id = ?`, [99])).toBeUndefined();
    expect(await db.run(`UPDATE ${table} SET qty = ? WHERE id > ?`, [7, 0])).toBe(2);
    expect(await db.run(`DELETE FROM ${table} WHERE id = ?`, [99])).toBe(0);
  });

  it("returns rows as arrays in column order for bulk scans, alongside object queries of the same SQL", async () => {
    await db.run(`INSERT INTO ${table} (id, name, qty) VALUES (?, ?, ?), (?, ?, ?)`, [
      1,
      "a",
      5,
      2,
      "b",
      null,
    ]);
    const sql = `SELECT id, name, qty FROM ${table} WHERE id >= ? ORDER BY id`;
    expect(await db.queryArrays(sql, [1])).toEqual([
      [1, "a", 5],
      [2, "b", null],
    ]);
    expect(await db.query(sql, [2])).toEqual([{ id: 2, name: "b", qty: null }]);
    expect(await db.queryArrays(sql, [2])).toEqual([[2, "b", null]]);
    await db.transaction(async (tx) => {
      expect(await tx.queryArrays(`SELECT COUNT(*) FROM ${table}`)).toHaveLength(1);
    });
  });

  it("returns counts, sums and averages as numbers", async () => {
    await db.insertMany(
      table,
      ["id", "name", "qty"],
      [
        [1, "a", 2],
        [2, "b", 3],
      ],
    );
    const row = await db.one(
      `SELECT COUNT(*) AS n, SUM(qty) AS s, AVG(qty) AS avg, MAX(id) AS m FROM ${table}`,
    );
    expect(row).toEqual({ n: 2, s: 5, avg: 2.5, m: 2 });
  });

  it("ignores ? inside string literals, quoted names and comments", async () => {
    const row = await db.one(
      `SELECT '?' AS q, 'it''s ?' AS r, ? AS p, "name" AS "who?" /* ? */ FROM ${table} -- ?
       WHERE id = ?`,
      ["x", 1],
    );
    expect(row).toBeUndefined();
    await db.run(`INSERT INTO ${table} (id, name) VALUES (?, '?')`, [1]);
    expect(
      await db.one(`SELECT '?' AS q, 'it''s ?' AS r, ? AS p, name AS "who?" FROM ${table} WHERE id = ?`, [
        "x",
        1,
      ]),
    ).toEqual({ q: "?", r: "it's ?", p: "x", "who?": "?" });
  });

  it("commits a transaction and returns its result", async () => {
    const result = await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO ${table} (id, name) VALUES (?, ?)`, [1, "a"]);
      await tx.run(`INSERT INTO ${table} (id, name) VALUES (?, ?)`, [2, "b"]);
      return tx.query(`SELECT id FROM ${table} ORDER BY id`);
    });
    expect(result).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await count()).toBe(2);
  });

  it("rolls back on throw and rethrows the error", async () => {
    const boom = new Error("boom");
    await expect(
      db.transaction(async (tx) => {
        await tx.run(`INSERT INTO ${table} (id, name) VALUES (?, ?)`, [1, "a"]);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await count()).toBe(0);
  });

  it("nests transactions: inner failures roll back only the inner part when caught", async () => {
    await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO ${table} (id, name) VALUES (1, 'outer')`);
      await tx.transaction(async (inner) => {
        await inner.run(`INSERT INTO ${table} (id, name) VALUES (2, 'inner ok')`);
      });
      await expect(
        tx.transaction(async (inner) => {
          await inner.run(`INSERT INTO ${table} (id, name) VALUES (3, 'inner fail')`);
          throw new Error("inner");
        }),
      ).rejects.toThrow("inner");
      // a failing statement inside a nested transaction does not spoil the outer one
      await tx
        .transaction((inner) => inner.run(`INSERT INTO ${table} (id, name) VALUES (1, 'dup')`))
        .catch(() => 0);
    });
    expect(await db.query(`SELECT id FROM ${table} ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);

    await expect(
      db.transaction(async (tx) => {
        await tx.transaction((inner) => inner.run(`INSERT INTO ${table} (id, name) VALUES (4, 'x')`));
        throw new Error("outer");
      }),
    ).rejects.toThrow("outer");
    expect(await count()).toBe(2);
  });

  it("lets db.* calls inside a transaction callback join the transaction instead of deadlocking", async () => {
    await expect(
      db.transaction(async () => {
        await db.run(`INSERT INTO ${table} (id, name) VALUES (1, 'a')`);
        await db.insertMany(table, ["id", "name"], [[2, "b"]]);
        expect(await count()).toBe(2);
        await db.transaction((tx) => tx.run(`INSERT INTO ${table} (id, name) VALUES (3, 'c')`));
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect(await count()).toBe(0);
  });

  it("refuses to use a transaction handle after it finished", async () => {
    let leaked: SqlDb | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.query("SELECT 1")).rejects.toThrow(/already finished/);
  });

  it("bulk-inserts 50k rows of mixed types", async () => {
    const at = new Date("2025-06-01T00:00:00.000Z");
    const rows = Array.from({ length: 50_000 }, (_, i) => [i, `name ${i}`, i % 7, i % 2 === 0, at, { i }]);
    const started = performance.now();
    await db.insertMany(table, ["id", "name", "qty", "flag", "at", "meta"], rows);
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(20_000);
    expect(await count()).toBe(50_000);
    expect(await db.one(`SELECT * FROM ${table} WHERE id = ?`, [49_999])).toEqual({
      id: 49_999,
      name: "name 49999",
      qty: 49_999 % 7,
      flag: 0,
      at: at.toISOString(),
      meta: '{"i":49999}',
    });
  });

  it("validates insertMany arguments and treats no rows as a no-op", async () => {
    await db.insertMany(table, ["id", "name"], []);
    await expect(db.insertMany(`${table}; DROP TABLE x`, ["id"], [[1]])).rejects.toThrow(
      /invalid table name/,
    );
    await expect(db.insertMany(table, ["id", "name)"], [[1, "a"]])).rejects.toThrow(/invalid column name/);
    await expect(db.insertMany(table, [], [[]])).rejects.toThrow(/at least one column/);
    await expect(db.insertMany(table, ["id", "name"], [[1]])).rejects.toThrow(
      /row 0 has 1 values, expected 2/,
    );
    expect(await count()).toBe(0);
  });

  it("rolls a failing insertMany back completely", async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => [i, "n"]);
    rows.push([5, "duplicate id"]);
    await expect(db.insertMany(table, ["id", "name"], rows)).rejects.toThrow();
    expect(await count()).toBe(0);
  });

  it("serialises concurrent transactions that take the same lock", async () => {
    const events: string[] = [];
    const worker = (name: string) =>
      db.transaction(
        async (tx) => {
          events.push(`start ${name}`);
          await tx.one("SELECT 1 AS one");
          await sleep(80);
          events.push(`end ${name}`);
        },
        { lock: `lock_${table}` },
      );
    await Promise.all([worker("a"), worker("b"), worker("c")]);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]?.replace("start", "end")).toBe(events[i + 1]);
    }
  });

  it("applies migrations in id order, once, recording them", async () => {
    const migrations = [
      { id: `${table}_002`, sql: `ALTER TABLE ${table}_m ADD COLUMN note TEXT` },
      {
        id: `${table}_001`,
        sql: {
          sqlite: `CREATE TABLE ${table}_m (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)`,
          postgres: `CREATE TABLE ${table}_m (id SERIAL PRIMARY KEY, v TEXT)`,
        },
      },
    ];
    expect(await migrate(db, migrations)).toEqual([`${table}_001`, `${table}_002`]);
    expect(await migrate(db, migrations)).toEqual([]);
    await db.run(`INSERT INTO ${table}_m (v, note) VALUES (?, ?)`, ["x", "y"]);

    const more = [...migrations, { id: `${table}_003`, sql: `CREATE INDEX ${table}_m_v ON ${table}_m (v)` }];
    expect(await migrate(db, more)).toEqual([`${table}_003`]);
    const recorded = await db.query<{ id: string; applied_at: string }>(
      "SELECT id, applied_at FROM schema_migrations WHERE id LIKE ? ORDER BY id",
      [`${table}_%`],
    );
    expect(recorded.map((r) => r.id)).toEqual([`${table}_001`, `${table}_002`, `${table}_003`]);
    expect(Number.isNaN(Date.parse(recorded[0]?.applied_at ?? ""))).toBe(false);
  });

  it("stops at a failing migration, keeping earlier ones and recording nothing for it", async () => {
    const migrations = [
      { id: `${table}_1`, sql: `CREATE TABLE ${table}_ok (id INTEGER)` },
      {
        id: `${table}_2`,
        sql: `CREATE TABLE ${table}_half (id INTEGER); CREATE TABLE ${table}_ok (id INTEGER)`,
      },
    ];
    await expect(migrate(db, migrations)).rejects.toThrow(`Migration ${table}_2 failed`);
    const ids = await db.query("SELECT id FROM schema_migrations WHERE id LIKE ?", [`${table}_%`]);
    expect(ids).toEqual([{ id: `${table}_1` }]);
    // the half-applied migration's first table was rolled back with it
    await expect(db.query(`SELECT * FROM ${table}_half`)).rejects.toThrow();
    await expect(
      migrate(db, [
        { id: "x", sql: "" },
        { id: "x", sql: "" },
      ]),
    ).rejects.toThrow(/Duplicate/);
    await expect(migrate(db, [{ id: "", sql: "" }])).rejects.toThrow(/non-empty/);
  });

  it("migrates safely when two instances start at once", async () => {
    const [a, b] = [await open(), await open()];
    const migrations = Array.from({ length: 5 }, (_, i) => ({
      id: `${table}_c${i}`,
      sql: `CREATE TABLE ${table}_c${i} (id INTEGER)`,
    }));
    const [ra, rb] = await Promise.all([migrate(a, migrations), migrate(b, migrations)]);
    expect([...ra, ...rb].sort()).toEqual(migrations.map((m) => m.id));
    const ids = await db.query("SELECT id FROM schema_migrations WHERE id LIKE ?", [`${table}_c%`]);
    expect(ids).toHaveLength(5);
  });

  it("pings, and rejects calls after close", async () => {
    const d = await engine.open();
    await d.ping();
    await d.close();
    await d.close();
    await expect(d.query("SELECT 1")).rejects.toThrow(/closed/);
    await expect(d.transaction(async () => 1)).rejects.toThrow(/closed/);
  });

  it("refuses to close from inside a transaction", async () => {
    await db.transaction(async (tx) => {
      await expect(tx.close()).rejects.toThrow(/inside a transaction/);
    });
  });
});

describe("the SQLite file", () => {
  it("is created owner-only, with its directory and write-ahead log", async () => {
    const { mkdtempSync, statSync, readdirSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = join(mkdtempSync(join(tmpdir(), "perm-")), "data");
    const db = await openSql({ dataDir: dir });
    await db.exec("CREATE TABLE t (x INTEGER)");
    await db.run("INSERT INTO t VALUES (1)");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining(["revops.db", "revops.db-wal"]));
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
    await db.close();
  });
});
