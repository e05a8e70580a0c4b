import { ensureSandboxLoaded, sandboxStatus } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { TEST_ENGINES, testDatabase } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxSupport } from "../src/integrations/sandbox/support";

const ALICE = { principal: "alice", planHash: "plan-1" };

async function ticketWith(db: SqlDb, where: string): Promise<string> {
  const row = await db.one<{ id: string }>(`SELECT id FROM sb_tickets WHERE ${where} ORDER BY id LIMIT 1`);
  if (!row) throw new Error(`no ticket where ${where}`);
  return row.id;
}

describe.each(TEST_ENGINES)("sandbox ticket writes on %s", (engine) => {
  let target: Awaited<ReturnType<typeof testDatabase>>;
  let db: SqlDb;
  let port: SandboxSupport;
  beforeAll(async () => {
    target = await testDatabase(engine, "ticket_write");
    ({ db } = target);
    await ensureSandboxLoaded(db, { scale: 0.05 });
    // statuses set here, so the test does not depend on what the generator planted
    const ids = await db.query<{ id: string }>("SELECT id FROM sb_tickets ORDER BY id LIMIT 8");
    const statuses = ["open", "open", "open", "pending", "pending", "closed", "closed", "solved"];
    for (const [i, r] of ids.entries())
      await db.run("UPDATE sb_tickets SET status = ?, priority = 'normal', assignee_id = NULL WHERE id = ?", [
        statuses[i],
        r.id,
      ]);
    port = new SandboxSupport(db);
  });
  afterAll(async () => {
    await target?.drop();
  });

  it("reads a ticket with its requester, and nothing for an unknown id", async () => {
    const id = await ticketWith(db, "status = 'open'");
    const t = await port.getTicket(id);
    expect(t).toMatchObject({ id, status: "open", assigneeId: null });
    expect(t?.requester?.email).toMatch(/@/);
    expect(await port.getTicket("tkt_none")).toBeUndefined();
  });

  it("updates fields in one transaction, journals each change and stores the comment", async () => {
    const id = await ticketWith(db, "status = 'open' AND id > (SELECT MIN(id) FROM sb_tickets)");
    const before = await port.getTicket(id);
    const r = await port.updateTicket(
      id,
      {
        status: "solved",
        priority: "urgent",
        assigneeId: "usr_03",
        addTags: ["vip"],
        removeTags: before?.tags.slice(0, 1),
        comment: { visibility: "internal", body: "Escalated" },
      },
      ALICE,
    );
    expect(r).toMatchObject({
      system: "sandbox",
      recovered: false,
      commentId: expect.stringMatching(/^cmt_/),
    });
    const after = await port.getTicket(id);
    expect(after).toMatchObject({ status: "solved", priority: "urgent", assigneeId: "usr_03" });
    expect(after?.tags).toEqual([...(before?.tags.slice(1) ?? []), "vip"]);
    const row = await db.one<{ solved_at: string }>("SELECT solved_at FROM sb_tickets WHERE id = ?", [id]);
    expect(row?.solved_at).toMatch(/^2026-11-23T/);
    const comments = await db.query<{ public: number; body: string; author_id: string }>(
      "SELECT public, body, author_id FROM sb_ticket_comments WHERE ticket_id = ?",
      [id],
    );
    expect(comments.map((c) => [Number(c.public), c.body, c.author_id])).toEqual([[0, "Escalated", "alice"]]);
    const journal = await db.query<{ field: string; plan_hash: string }>(
      "SELECT field, plan_hash FROM sb_changes WHERE record_id = ? ORDER BY field",
      [id],
    );
    expect(journal.map((j) => j.field)).toEqual(
      ["assignee_id", "comment", "priority", "solved_at", "status", "tags"].sort(),
    );
    expect(journal.every((j) => j.plan_hash === "plan-1")).toBe(true);
    expect((await sandboxStatus(db)).changes).toContainEqual(expect.objectContaining({ entity: "ticket" }));
  });

  it("refuses closed tickets, unknown tickets and unknown assignees, changing nothing", async () => {
    const closed = await ticketWith(db, "status = 'closed'");
    await expect(port.updateTicket(closed, { status: "open" }, ALICE)).rejects.toMatchObject({
      name: "TicketWriteError",
      code: "closed",
    });
    await expect(port.updateTicket("tkt_none", { status: "open" }, ALICE)).rejects.toMatchObject({
      code: "not_found",
    });
    const open = await ticketWith(db, "status = 'open'");
    await expect(
      port.updateTicket(open, { assigneeId: "usr_nobody", status: "pending" }, ALICE),
    ).rejects.toMatchObject({ code: "invalid", field: "assignee_id" });
    expect((await port.getTicket(open))?.status).toBe("open");
    expect((await port.getTicket(closed))?.status).toBe("closed");
  });

  it("loses no update when two writers change the same ticket at once", async () => {
    const id = await ticketWith(db, "status = 'pending'");
    const other = await target.open();
    try {
      const second = new SandboxSupport(other);
      const writes = Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? second : port).updateTicket(
          id,
          { addTags: [`t${i}`], comment: { visibility: "internal", body: `note ${i}` } },
          ALICE,
        ),
      );
      writes.push(port.updateTicket(id, { priority: "high" }, ALICE));
      writes.push(second.updateTicket(id, { assigneeId: "usr_05" }, ALICE));
      await Promise.all(writes);
      const t = await port.getTicket(id);
      expect(t?.tags).toEqual(expect.arrayContaining(["t0", "t1", "t2", "t3", "t4", "t5"]));
      expect(t).toMatchObject({ priority: "high", assigneeId: "usr_05", status: "pending" });
      const n = await db.one<{ n: number }>(
        "SELECT COUNT(*) AS n FROM sb_ticket_comments WHERE ticket_id = ?",
        [id],
      );
      expect(Number(n?.n)).toBe(6);
    } finally {
      await other.close();
    }
  });
});
