import { openSql } from "@revops/store";
import { connectInProcess } from "@revops/testing";
import { expect, it } from "vitest";
import { createSalesServer } from "../src/server";

// deals_at_risk and accounts_search read SQL written for both engines: the same sandbox answers the same on each.
it("ranks the same deals at risk and finds the same accounts on PostgreSQL as on SQLite", async () => {
  const PG = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `risk_pg_${process.pid}_${Date.now()}`;
  const admin = await openSql({ databaseUrl: PG, dataDir: "/tmp" });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const sep = PG.includes("?") ? "&" : "?";
  const url = `${PG}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { REVOPS_TOOLSETS: "all" };
  const pg = await connectInProcess([createSalesServer()], { env: { ...env, DATABASE_URL: url } });
  const sqlite = await connectInProcess([createSalesServer()], { env });
  try {
    const calls: [string, Record<string, unknown>][] = [
      ["deals_at_risk", { limit: 50 }],
      ["deals_at_risk", { type: "renewal", no_activity_days: 7 }],
      ["accounts_search", { name: "Northflw Logistcs" }],
      ["accounts_search", { industry: "software", limit: 50 }],
      ["deals_list", { type: "expansion", status: "open" }],
    ];
    for (const [tool, args] of calls) {
      const [a, b] = [await sqlite.call(tool, args), await pg.call(tool, args)];
      expect(a.isError, a.text).toBeFalsy();
      expect(b.isError, b.text).toBeFalsy();
      expect(b.data, `${tool} ${JSON.stringify(args)}`).toEqual(a.data);
    }
  } finally {
    await pg.close();
    await sqlite.close();
    await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
    await admin.close();
  }
}, 180_000);
