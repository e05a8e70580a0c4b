import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSql, type SqlDb } from "@revops/store";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Setup, type SetupOptions, setup } from "../test/setup";
import { approvalWriteKey } from "./approval-run";
import { approvalIdIn } from "./harness";

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `guards_once_${process.pid}_${randomBytes(4).toString("hex")}`;
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
  ["sqlite", () => openSql({ dataDir: mkdtempSync(join(tmpdir(), "guards-once-")) })],
  [
    "postgres",
    () => {
      const url = new URL(PG_URL);
      url.searchParams.set("options", `-c search_path=${schema}`);
      return openSql({ databaseUrl: url.toString(), dataDir: "unused" });
    },
  ],
];

const LEASE = 120;
const ARGS = { deal_id: "d3", stage: "won" };

describe.each(engines)("an approved plan executes exactly once, on %s", (_engine, open) => {
  let s: Setup;
  afterEach(async () => {
    await s?.close();
  });

  /** A queued and approved deal_update, and a call that redeems it. */
  async function approved(opts: SetupOptions = {}) {
    s = await setup({ ...opts, sql: await open() });
    const id = approvalIdIn((await s.h.call("deal_update", ARGS)).text) as string;
    await s.admin.approve(id, "Bea");
    const a = await s.state.approvals.get(id);
    if (!a) throw new Error("no approval");
    return {
      id,
      key: approvalWriteKey(a),
      redeem: () => s.h.call("deal_update", { ...ARGS, approval_id: id }),
    };
  }
  /** Another replica took the lease and died before writing (SIGKILL between claim and commit). */
  const crashAfterClaim = async (id: string) =>
    expect(await s.state.approvals.claim(id, "replica_dead:req_1", LEASE)).toBe("claimed");

  it("a crash after the lease, before the write: refused while the lease lives, then executed once", async () => {
    const { id, key, redeem } = await approved();
    await crashAfterClaim(id);
    const early = await redeem();
    expect(early.text).toContain("is being executed by another call");
    expect(s.ports.writes).toEqual([]);
    s.clock.ms += (LEASE + 1) * 1000;
    const run = await redeem();
    expect(run.isError, run.text).toBeFalsy();
    expect(run.data).toEqual({ id: "d3", stage: "won" });
    // the same key as the dead attempt, flagged so vendor writes look before writing
    expect(s.ports.writes).toEqual([{ idempotencyKey: key, resumed: true }]);
    expect(await s.state.approvals.get(id)).toMatchObject({ status: "executed", attempts: 2 });
    const replay = await redeem();
    expect(replay.text).toContain(`Already executed: approval ${id}`);
    expect(s.ports.writes).toHaveLength(1);
  });

  it("a write that committed before the crash is found by its key and not made again", async () => {
    const journal = new Map<string, string>();
    const { id, key, redeem } = await approved({
      landed: async (k) => (journal.has(k) ? { recordId: journal.get(k) ?? null } : undefined),
    });
    await crashAfterClaim(id);
    // the dead replica's write committed with its journal line (one transaction), then it died
    const d3 = s.ports.deals.get("d3");
    if (d3) d3.stage = "won";
    journal.set(key, "sandbox:d3");
    s.clock.ms += (LEASE + 1) * 1000;
    const retry = await redeem();
    expect(retry.text).toContain(
      `Already executed: approval ${id} ran before an interruption (wrote sandbox:d3)`,
    );
    expect(s.ports.writes).toEqual([]);
    expect(await s.state.approvals.get(id)).toMatchObject({ status: "executed", recordId: "sandbox:d3" });
    expect(s.decisions.at(-1)?.detail).toContain("not written again");
    expect((await redeem()).text).toContain("Already executed");
  });

  it("of two concurrent retries after a crash, one executes", async () => {
    const { id, redeem } = await approved();
    await crashAfterClaim(id);
    s.clock.ms += (LEASE + 1) * 1000;
    const both = await Promise.all([redeem(), redeem()]);
    expect(both.filter((r) => !r.isError)).toHaveLength(1);
    expect(both.find((r) => r.isError)?.text).toMatch(/being executed|Already executed/);
    expect(s.ports.writes).toHaveLength(1);
  });

  it("an uncertain failure is resumed by the next retry with the same key", async () => {
    const { id, key, redeem } = await approved();
    s.ports.failNext = true; // the vendor did not answer: the write may have landed
    expect((await redeem()).isError).toBe(true);
    expect(await s.state.approvals.get(id)).toMatchObject({ status: "executing" });
    expect((await redeem()).isError).toBeFalsy();
    expect(s.ports.writes).toEqual([
      { idempotencyKey: key, resumed: false },
      { idempotencyKey: key, resumed: true },
    ]);

    expect(await s.state.approvals.get(id)).toMatchObject({ status: "executed", attempts: 2 });
  });

  it("a resumed approval whose plan changed meanwhile can never run", async () => {
    const { id, redeem } = await approved();
    await crashAfterClaim(id);
    const d3 = s.ports.deals.get("d3");
    if (d3) d3.stage = "negotiation"; // someone else changed the deal; nothing of ours landed
    s.clock.ms += (LEASE + 1) * 1000;
    expect((await redeem()).text).toContain(
      "Either its interrupted earlier attempt was applied, or someone changed",
    );
    expect(await s.state.approvals.get(id)).toMatchObject({ status: "failed", outcome: "the plan changed" });
    expect((await redeem()).text).toContain("can no longer run (the plan changed)");
    expect(s.ports.writes).toEqual([]);
  });
});
