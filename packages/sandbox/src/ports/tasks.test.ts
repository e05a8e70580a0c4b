import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../../test/db.js";
import { sandboxStatus } from "../changes.js";
import { ensureSandboxLoaded, resetSandbox } from "../load.js";
import { SandboxTasks, TaskWriteError } from "./tasks.js";

describe.each(ENGINES)("sandbox tasks and touchpoints on %s", (engine) => {
  let target: TestTarget;
  let db: SqlDb;
  let port: SandboxTasks;
  let account: { id: string; owner_id: string };
  const origin = (key: string) => ({ principal: "ann", planHash: "h1", idempotencyKey: key });
  beforeAll(async () => {
    target = await makeTarget(engine);
    db = await target.open();
    await ensureSandboxLoaded(db, { scale: 0.05 });
    port = new SandboxTasks(db);
    account = (await db.one<{ id: string; owner_id: string }>(
      "SELECT id, owner_id FROM sb_accounts ORDER BY id LIMIT 1",
    )) as { id: string; owner_id: string };
  });
  afterAll(async () => {
    await db?.close();
    await target?.cleanup();
  });

  it("creates a task once per key, journalled, and lists it while open", async () => {
    const t = {
      ownerId: account.owner_id,
      accountId: account.id,
      subject: "Adoption workshop",
      dueDate: "2026-11-30",
      source: "save_play:adoption",
    };
    const first = await port.createTask(t, origin("k1"));
    const again = await port.createTask(t, origin("k1"));
    expect(first.recovered).toBe(false);
    expect(again).toEqual({ task: first.task, recovered: true });
    expect(first.task).toMatchObject({ ...t, dealId: null, status: "open" });
    expect(await port.openTasks({ accountIds: [account.id], sourcePrefix: "save_play:" })).toEqual([
      first.task,
    ]);
    expect(await port.openTasks({ sourcePrefix: "handoff" })).toEqual([]);
    expect(await port.openTasks({ accountIds: [] })).toEqual([]);
    const journal = await db.query<{ field: string; plan_hash: string }>(
      "SELECT field, plan_hash FROM sb_changes WHERE entity = 'task' AND record_id = ? ORDER BY field",
      [first.task.id],
    );
    expect(journal.map((j) => j.field)).toEqual([
      "account_id",
      "deal_id",
      "due_date",
      "owner_id",
      "source",
      "subject",
    ]);
    expect(new Set(journal.map((j) => j.plan_hash))).toEqual(new Set(["h1"]));
  });

  it("refuses an unknown account, owner or deal, naming the field", async () => {
    const t = {
      ownerId: account.owner_id,
      accountId: account.id,
      subject: "x",
      dueDate: "2026-11-30",
      source: "s",
    };
    await expect(port.createTask({ ...t, accountId: "acc_none" }, origin("k2"))).rejects.toThrow(
      /^account_id:/,
    );
    await expect(port.createTask({ ...t, ownerId: "usr_none" }, origin("k3"))).rejects.toThrow(
      TaskWriteError,
    );
    await expect(port.createTask({ ...t, dealId: "deal_none" }, origin("k4"))).rejects.toThrow(/^deal_id:/);
    await expect(
      port.logTouchpoint(
        {
          accountId: "acc_none",
          channel: "call",
          status: "done",
          day: "2026-11-23",
          subject: "x",
          source: "s",
        },
        origin("k5"),
      ),
    ).rejects.toThrow(/^account_id:/);
  });

  it("logs a touchpoint once per key with its notes; status and reset cover both tables", async () => {
    const tp = {
      accountId: account.id,
      channel: "qbr" as const,
      status: "done" as const,
      day: "2026-11-23",
      subject: "QBR",
      notes: "Asked for SSO.",
      source: "touchpoints_log",
    };
    const first = await port.logTouchpoint(tp, origin("k6"));
    expect((await port.logTouchpoint(tp, origin("k6"))).recovered).toBe(true);
    expect(first.touchpoint).toMatchObject(tp);
    expect(await port.touchpoints(account.id)).toEqual([first.touchpoint]);
    const status = await sandboxStatus(db);
    expect(status.changes.map((c) => c.entity)).toEqual(expect.arrayContaining(["task", "touchpoint"]));
    await resetSandbox(db);
    expect(await port.touchpoints(account.id)).toEqual([]);
    expect(await port.openTasks()).toEqual([]);
  });
});
