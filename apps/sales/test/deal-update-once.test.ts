import { randomBytes } from "node:crypto";
import { approvalWriteKey } from "@revops/guards";
import { SandboxCrm, sandboxDatabase } from "@revops/sandbox";
import { afterAll, describe, expect, it } from "vitest";
import { approvalIdIn, connectSalesWithSafety, type SalesHarness } from "./deal-update-harness";

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * A replica that claimed an approval and died (SIGKILL between claim and commit, or between commit and marking it
 * executed), made deterministic: its lease is written already lapsed, and its committed write is made directly.
 */
describe.each([
  ["sqlite", () => ({})],
  [
    "postgres",
    () => {
      const url = new URL(PG_URL);
      url.searchParams.set("options", `-c search_path=once_${process.pid}_${randomBytes(3).toString("hex")}`);
      return { DATABASE_URL: url.toString() };
    },
  ],
] as const)("an approved deal_update runs exactly once across a crash (%s)", (engine, env) => {
  let h: SalesHarness;
  let schema: string | undefined;
  afterAll(async () => {
    if (schema) await (await h.runtime.sql()).exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await h?.close();
  });

  async function approvedStep(step: string) {
    if (!h) {
      const e: Record<string, string> = env();
      schema = e.DATABASE_URL && /search_path=(\w+)/.exec(decodeURIComponent(e.DATABASE_URL))?.[1];
      if (schema) {
        const { openSql } = await import("@revops/store");
        const admin = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
        await admin.exec(`CREATE SCHEMA ${schema}`);
        await admin.close();
      }
      h = await connectSalesWithSafety(e);
    }
    h.mode("approval");
    const deal = (await h.call("deals_list", { status: "open", limit: 1 })).data.deals[0];
    const args = { deal_id: deal.id as string, next_step: `${step} ${engine}` };
    const id = approvalIdIn((await h.call("deal_update", args)).text) as string;
    await h.approve(id);
    const db = await sandboxDatabase(h.runtime);
    const a = await db.one<{ principal: string; plan_hash: string }>(
      "SELECT principal, plan_hash FROM guard_approvals WHERE id = ?",
      [id],
    );
    if (!a) throw new Error("no approval row");
    const key = approvalWriteKey({ id, planHash: a.plan_hash });
    // the dead replica's claim, its lease already run out
    await db.run(
      "UPDATE guard_approvals SET status = 'executing', lease_owner = 'replica_dead:r1', lease_until = ?, attempts = 1 WHERE id = ?",
      ["2000-01-01T00:00:00.000Z", id],
    );
    const journal = () =>
      db.query<{ idempotency_key: string | null }>(
        "SELECT idempotency_key FROM sb_changes WHERE record_id = ? AND field = 'next_step' AND after_value = ?",
        [args.deal_id, JSON.stringify(args.next_step)],
      );
    return { id, args, key, db, journal, principal: a.principal, planHash: a.plan_hash };
  }

  it("crashed before the write: a retry executes it once, with the approval's key, and a replay is refused", async () => {
    const s = await approvedStep("Resumed step");
    const run = await h.call("deal_update", { ...s.args, approval_id: s.id });
    expect(run.isError, run.text).toBe(false);
    expect(await s.journal()).toEqual([{ idempotency_key: s.key }]);
    const replay = await h.call("deal_update", { ...s.args, approval_id: s.id });
    expect(replay.text).toContain(`Already executed: approval ${s.id}`);
    expect(await s.journal()).toHaveLength(1);
  });

  it("crashed after the write committed: a retry finds it by key and does not write twice", async () => {
    const s = await approvedStep("Landed step");
    await new SandboxCrm(s.db).updateDeal(
      s.args.deal_id,
      { nextStep: s.args.next_step },
      { principal: s.principal, planHash: s.planHash, idempotencyKey: s.key },
    );
    const retry = await h.call("deal_update", { ...s.args, approval_id: s.id });
    expect(retry.text).toContain(`ran before an interruption (wrote sandbox:${s.args.deal_id})`);
    expect(await s.journal()).toHaveLength(1);
    const row = await s.db.one<{ status: string; record_id: string }>(
      "SELECT status, record_id FROM guard_approvals WHERE id = ?",
      [s.id],
    );
    expect(row).toEqual({ status: "executed", record_id: `sandbox:${s.args.deal_id}` });
  });
});
