import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_URL, pgUrlWithSchema, runId, sleep } from "../test/env";
import { openSql, type SqlDb } from "./index";

const schema = `store_pg_${runId()}`;
let admin: SqlDb;
let db: SqlDb;

beforeAll(async () => {
  admin = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  db = await openSql({ databaseUrl: pgUrlWithSchema(schema), dataDir: "unused" });
});

afterAll(async () => {
  await db.close();
  await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
});

describe("PostgreSQL specifics", () => {
  it("parses BIGINT and NUMERIC as numbers and leaves JSON as text", async () => {
    const row = await db.one(
      `SELECT CAST(? AS BIGINT) AS big, CAST('12.50' AS NUMERIC) AS num, CAST('{"a":1}' AS JSONB) AS j, CAST(? AS BOOLEAN) AS b`,
      [9_007_199_254_740_991, true],
    );
    expect(row).toEqual({ big: 9_007_199_254_740_991, num: 12.5, j: '{"a": 1}', b: true });
  });

  it("lets transactions with different locks run concurrently", async () => {
    const events: string[] = [];
    const worker = (name: string) =>
      db.transaction(
        async () => {
          events.push(`start ${name}`);
          await sleep(300);
          events.push(`end ${name}`);
        },
        { lock: `${schema}:${name}` },
      );
    await Promise.all([worker("a"), worker("b")]);
    expect(events.slice(0, 2).sort()).toEqual(["start a", "start b"]);
  });

  it("takes the lock in a nested transaction too", async () => {
    const lock = `${schema}:nested`;
    const events: string[] = [];
    let locked: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = db.transaction(
      async () => {
        events.push("holder");
        locked();
        await sleep(100);
        events.push("holder done");
      },
      { lock },
    );
    await holding;
    await db.transaction(async (tx) => {
      await tx.transaction(
        async () => {
          events.push("nested");
        },
        { lock },
      );
    });
    await holder;
    expect(events).toEqual(["holder", "holder done", "nested"]);
  });

  it("reports a swallowed statement failure instead of committing silently", async () => {
    await db.exec("CREATE TABLE swallow (id INTEGER PRIMARY KEY)");
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO swallow VALUES (1)");
        await tx.run("INSERT INTO swallow VALUES (1)").catch(() => 0);
      }),
    ).rejects.toThrow(/rolled back/);
    expect(await db.one("SELECT COUNT(*) AS n FROM swallow")).toEqual({ n: 0 });
  });

  it("keeps the parameter limit when rows are wide", async () => {
    const cols = Array.from({ length: 100 }, (_, i) => `c${i}`);
    await db.exec(`CREATE TABLE wide (${cols.map((c) => `${c} INTEGER`).join(", ")})`);
    const rows = Array.from({ length: 1500 }, (_, r) => cols.map((_, c) => r + c));
    await db.insertMany("wide", cols, rows);
    expect(await db.one("SELECT COUNT(*) AS n, SUM(c99) AS s FROM wide")).toEqual({
      n: 1500,
      s: rows.reduce((sum, r) => sum + (r[99] as number), 0),
    });
  });
});
