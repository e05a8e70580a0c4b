import { createHash } from "node:crypto";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../test/db.js";
import { ensureSandboxLoaded } from "./load.js";
import { DERIVED_TABLES, SANDBOX_INDEXES, TABLE_COLUMNS, TABLE_NAMES } from "./schema.js";

/** Primary key columns: rows are hashed in this order (sorted in JS, so the database's collation plays no part). */
const KEYS: Record<string, readonly string[]> = {
  sb_usage_daily: ["account_id", "day"],
  sb_usage_monthly: ["account_id", "month"],
  sb_list_members: ["list_id", "contact_id"],
  sb_usage_recent: ["account_id"],
  sb_web_traffic: ["day", "source", "medium", "landing_page"],
};
const RECENT_COLUMNS = ["account_id", "as_of", "last30", "prev30", "active30_sum", "active30_days"];

/** sha256 of a table's content ordered by primary key: every column, NULL distinct from "", numbers as numbers. */
async function tableDigest(db: SqlDb, table: string, columns: readonly string[]): Promise<string> {
  const keys = (KEYS[table] ?? ["id"]).map((k) => columns.indexOf(k));
  const rows = await db.queryArrays(`SELECT ${columns.join(", ")} FROM ${table}`);
  const lines = rows.map((r) => ({
    key: keys.map((i) => String(r[i])).join("\u0000"),
    line: JSON.stringify(r.map((v) => (typeof v === "bigint" ? Number(v) : v))),
  }));
  lines.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const h = createHash("sha256");
  for (const l of lines) h.update(`${l.line}\n`);
  return `${rows.length}:${h.digest("hex").slice(0, 16)}`;
}

/**
 * The loaded company at scale 1, pinned table by table (row count and content hash), identical on both engines:
 * a faster loader (or generator) must load exactly these rows. Regenerate only for a deliberate data change.
 */
const PINNED: Record<string, string> = {
  sb_users: "12:6877513d665b181b",
  sb_accounts: "500:ceddd7f80582938f",
  sb_subscriptions: "819:d5ccaadfd3f7dcdd",
  sb_contacts: "2000:96c388fffbd18aca",
  sb_deals: "800:e6e8463448dd3a2c",
  sb_deal_stage_history: "2567:dbf19cd4f517297c",
  sb_campaigns: "30:d100af5194fd12b1",
  sb_leads: "1000:3e4b88d329be9a58",
  sb_campaign_touches: "4087:a6e4c681517a92f7",
  sb_activities: "20000:fff8339d9cef216f",
  sb_tickets: "3000:09893d85e5e4ff2d",
  sb_nps_responses: "1500:4488e89aa96d2e81",
  sb_usage_daily: "58897:6cdc426fd1e2ee62",
  sb_usage_monthly: "8185:9d3ae6aa2e62805d",
  sb_lists: "5:672805fcb460c821",
  sb_list_members: "532:fe8d1b237e1b6fa0",
  sb_kb_articles: "16:0a5b4812a97ea1fc",
  sb_web_traffic: "8479:d5d690eb0697f720",
  sb_forms: "5:aea8c691756d9361",
  sb_form_submissions: "2057:31017336b434ef70",
  sb_usage_recent: "301:16dfc7597a266b0e",
};

describe.each(ENGINES)("loaded data on %s", (engine) => {
  let target: TestTarget;
  let db: SqlDb;

  beforeAll(async () => {
    target = await makeTarget(engine);
    db = await target.open();
    await ensureSandboxLoaded(db);
  });
  afterAll(async () => {
    await db?.close();
    await target?.cleanup();
  });

  it("has exactly the pinned rows in every generated and derived table", async () => {
    const got: Record<string, string> = {};
    for (const t of TABLE_NAMES) got[t] = await tableDigest(db, t, TABLE_COLUMNS[t]);
    for (const t of DERIVED_TABLES) got[t] = await tableDigest(db, t, RECENT_COLUMNS);
    expect(got).toEqual(PINNED);
  });

  it("puts back the SQLite settings the load changes", async () => {
    if (engine !== "sqlite") return;
    expect(await db.one("PRAGMA synchronous")).toEqual({ synchronous: 1 });
    expect(await db.one("PRAGMA cache_size")).toEqual({ cache_size: -131_072 });
    expect(await db.one("PRAGMA threads")).toEqual({ threads: 0 });
  });

  it("leaves every primary key and index in place after the load (built after the rows)", async () => {
    const names =
      engine === "postgres"
        ? (
            await db.query<{ name: string }>(
              "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()",
            )
          ).map((r) => r.name)
        : (await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")).map(
            (r) => r.name,
          );
    for (const ix of SANDBOX_INDEXES) expect(names).toContain(ix.name);
    // a duplicate key is refused in every generated table: the primary keys are back
    for (const t of TABLE_NAMES) {
      const cols = TABLE_COLUMNS[t];
      const first = (await db.queryArrays(`SELECT ${cols.join(", ")} FROM ${t} LIMIT 1`))[0];
      expect(first, t).toBeDefined();
      await expect(
        db.transaction((tx) => tx.insertMany(t, cols, [first as unknown[]])),
        t,
      ).rejects.toThrow(/unique|duplicate/i);
    }
  });
});
