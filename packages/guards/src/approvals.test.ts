import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSql, type SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalsAdmin } from "./admin";
import { ApprovalStore } from "./approvals";
import { migrated } from "./state";

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `guards_${process.pid}_${randomBytes(4).toString("hex")}`;
let admin: SqlDb;

beforeAll(async () => {
  admin = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
  await admin.exec(`CREATE SCHEMA ${schema}`);
});
afterAll(async () => {
  await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
});

const engines: [string, () => Promise<SqlDb>][] = [
  ["sqlite", () => openSql({ dataDir: mkdtempSync(join(tmpdir(), "guards-apr-")) })],
  [
    "postgres",
    () => {
      const url = new URL(PG_URL);
      url.searchParams.set("options", `-c search_path=${schema}`);
      return openSql({ databaseUrl: url.toString(), dataDir: "unused" });
    },
  ],
];

describe.each(engines)("approval queue on %s", (_name, open) => {
  let db: SqlDb;
  let store: ApprovalStore;
  const clock = { ms: Date.parse("2025-05-01T10:00:00Z") };
  const now = () => new Date(clock.ms);
  beforeAll(async () => {
    db = await open();
    store = new ApprovalStore(
      migrated(async () => db),
      now,
      () => 60,
    );
  });
  afterAll(async () => {
    await db.close();
  });
  const create = () =>
    store.create({
      principal: "alice",
      tool: "deals_delete",
      kind: "destructive",
      args: '{"deal_ids":["d1"]}',
      plan: { records: [{ id: "d1", name: "Acme" }] },
      planHash: "abc",
      reasons: ["3 records"],
    });

  it("stores the plan and lets exactly one of concurrent executions claim it", async () => {
    const a = await create();
    expect(a).toMatchObject({
      status: "pending",
      plan: { records: [{ name: "Acme" }] },
      reasons: ["3 records"],
    });
    expect(await store.claim(a.id, "r1", 60)).toBeUndefined();
    expect(await store.decide(a.id, "approved", "Bea")).toBe(true);
    expect(await store.decide(a.id, "rejected", "Bea")).toBe(false);
    const wins = await Promise.all(["r1", "r2", "r3"].map((r) => store.claim(a.id, r, 60)));
    expect(wins.filter(Boolean)).toEqual(["claimed"]);
    const owner = `r${wins.indexOf("claimed") + 1}`;
    expect(await store.get(a.id)).toMatchObject({ status: "executing", leaseOwner: owner, attempts: 1 });
    expect(await store.finish(a.id, "someone-else", null, "executed")).toBe(false);
    expect(await store.finish(a.id, owner, "sandbox:d1", "executed")).toBe(true);
    expect(await store.get(a.id)).toMatchObject({ status: "executed", recordId: "sandbox:d1" });
    expect(await store.claim(a.id, "r4", 60)).toBeUndefined();
  });

  it("a crashed execution is resumed by exactly one caller once its lease lapses", async () => {
    const a = await create();
    await store.decide(a.id, "approved", "Bea");
    expect(await store.claim(a.id, "crashed", 30)).toBe("claimed");
    expect(await store.claim(a.id, "early", 30)).toBeUndefined(); // the lease is live: being executed
    clock.ms += 31_000;
    const wins = await Promise.all(["r1", "r2", "r3"].map((r) => store.claim(a.id, r, 30)));
    expect(wins.filter(Boolean)).toEqual(["resumed"]);
    expect((await store.get(a.id))?.attempts).toBe(2);
    // the crashed holder coming back late cannot mark it: the lease is someone else's now
    expect(await store.finish(a.id, "crashed", null, "executed")).toBe(false);
  });

  it("a definite failure hands the approval back; an uncertain one lets the next retry resume at once", async () => {
    const a = await create();
    await store.decide(a.id, "approved", "Bea");
    expect(await store.claim(a.id, "r1", 60)).toBe("claimed");
    expect(await store.release(a.id, "r1", "approved", "HubSpot said 400")).toBe(true);
    expect(await store.get(a.id)).toMatchObject({ status: "approved", outcome: "HubSpot said 400" });
    expect(await store.claim(a.id, "r2", 60)).toBe("claimed");
    expect(await store.release(a.id, "r2", "uncertain", "timeout")).toBe(true);
    expect(await store.claim(a.id, "r3", 60)).toBe("resumed");
    expect(await store.release(a.id, "r3", "failed", "the plan changed")).toBe(true);
    expect(await store.get(a.id)).toMatchObject({ status: "failed", outcome: "the plan changed" });
    expect(await store.claim(a.id, "r4", 60)).toBeUndefined();
  });

  it("filters by status, and expiry wins over approval", async () => {
    const pending = await create();
    const approved = await create();
    await store.decide(approved.id, "approved", "Bea");
    expect((await store.list({ status: "pending" })).map((a) => a.id)).toContain(pending.id);
    expect((await store.list({ status: "approved" })).map((a) => a.id)).toEqual([approved.id]);
    expect((await store.list({ status: "executed" })).length).toBeGreaterThan(0);
    expect((await store.list()).length).toBeGreaterThanOrEqual(3);
    clock.ms += 61 * 60_000;
    expect((await store.get(approved.id))?.status).toBe("expired");
    expect(await store.claim(approved.id, "late", 60)).toBeUndefined();
    expect((await store.list({ status: "expired" })).map((a) => a.id)).toEqual(
      expect.arrayContaining([pending.id, approved.id]),
    );
  });

  it("records the human who rejected through the admin functions", async () => {
    const decisions: unknown[] = [];
    const adm = approvalsAdmin({
      sql: async () => db,
      now,
      record: async (d) => {
        decisions.push(d);
      },
    });
    const a = await create();
    const rejected = await adm.reject(a.id, "Bea");
    expect(rejected).toMatchObject({ status: "rejected", decidedBy: "Bea" });
    expect(decisions).toEqual([
      expect.objectContaining({ outcome: "rejected", approvalId: a.id, detail: "rejected by Bea" }),
    ]);
  });
});
