import { openSql } from "@revops/store";
import { connectInProcess } from "@revops/testing";
import { expect, it } from "vitest";
import { createSalesServer } from "../src/server";

// The forecast's SQL is written for both engines: the same sandbox gives the same forecast on each.
it("forecasts the same quarter, backtest included, on PostgreSQL as on SQLite", async () => {
  const PG = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `forecast_pg_${process.pid}_${Date.now()}`;
  const admin = await openSql({ databaseUrl: PG, dataDir: "/tmp" });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const sep = PG.includes("?") ? "&" : "?";
  const url = `${PG}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const pg = await connectInProcess([createSalesServer()], { env: { DATABASE_URL: url } });
  const sqlite = await connectInProcess([createSalesServer()]);
  try {
    for (const args of [{}, { quarter: "2027-Q1" }]) {
      const [a, b] = [await sqlite.call("forecast_get", args), await pg.call("forecast_get", args)];
      expect(b.isError, b.text).toBeFalsy();
      expect(b.data).toEqual(a.data);
    }
  } finally {
    await pg.close();
    await sqlite.close();
    await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
    await admin.close();
  }
}, 180_000);
