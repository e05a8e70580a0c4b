import { approvalsAdmin, createGuard, type GuardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded } from "@revops/guards/testing";
import { migrate, openKv, openSql } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { expect } from "vitest";
import { createMarketingServer } from "../src/server";

/**
 * The marketing server behind the real guard (approval queue, SQL and key-value stores), with the sandbox loaded
 * and its database open for independent SQL; `approveAndRun` walks dry run → queue → human approval → run.
 */
export async function approvalHarness(name: string, config: GuardConfig) {
  const dataDir = tempDataDir(name);
  const guardSql = await openSql({ dataDir: tempDataDir(`${name}-guard`) });
  const kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv });
  const mcp = await connectGuarded({
    modules: [createMarketingServer()],
    guard,
    env: { REVOPS_DATA_DIR: dataDir },
  });
  const admin = approvalsAdmin({ sql: async () => guardSql, config });
  // a result without structured content reads as an empty object
  const call = async (tool: string, args: Record<string, unknown>) => {
    const r = await mcp.call(tool, args);
    return { ...r, data: r.data ?? {} };
  };
  await call("campaigns_list", {}); // loads the sandbox company
  const data = await openSql({ dataDir });
  const today = String((await data.one<{ today: string }>("SELECT today FROM sb_meta"))?.today);
  return {
    mcp,
    data,
    today,
    call,
    approveAndRun: async (tool: string, args: Record<string, unknown>, approver = "marketing-director") => {
      const plan = await call(tool, { ...args, dry_run: true });
      expect(plan.isError, plan.text).toBe(false);
      const queued = await call(tool, args);
      const id = approvalIdIn(queued.text) as string;
      expect(id, queued.text).toBeDefined();
      await admin.approve(id, approver);
      return { plan: plan.data.plan, id, done: await call(tool, { ...args, approval_id: id }) };
    },
    close: async () => {
      await mcp.close();
      await data.close();
      await guardSql.close();
      await kv.close();
    },
  };
}
