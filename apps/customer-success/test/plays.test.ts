import { approvalIdIn, type GuardedHarness } from "@revops/guards/testing";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playsFor, SAVE_PLAYS } from "../src/domain/save-plays";
import { type GuardedSandbox, guardedSandbox, typeThePhrase } from "./guarded";

// biome-ignore lint/suspicious/noExplicitAny: the test reads structured results field by field
const d = (r: { data?: unknown }): any => r.data;
const FULL = { usage: 35, adoption: 20, support: 25, nps: 20 };

describe("save-play catalogue", () => {
  it("picks one play per driver, in priority order, and a renewal review when nothing stands out", () => {
    const plays = playsFor({
      drivers: [
        { feature: "mau_trend", logOdds: 0.9 },
        { feature: "nps_detractors", logOdds: 0.4 },
        { feature: "cs_activity_30d", logOdds: 0.3 },
        { feature: "urgent_high_30d", logOdds: 2 },
      ],
      components: FULL,
    });
    // urgent tickets are the 4th driver: not among the top 3, and support health is intact
    expect(plays.map((p) => p.play.id)).toEqual(["sentiment", "adoption"]);
    expect(playsFor({ drivers: [], components: { ...FULL, support: 10 } }).map((p) => p.play.id)).toEqual([
      "support",
    ]);
    expect(playsFor({ drivers: [{ feature: "arr", logOdds: 1 }], components: FULL })).toEqual([
      { play: SAVE_PLAYS.find((p) => p.id === "renewal"), because: "no single driver stands out" },
    ]);
  });
});

describe("plays on the sandbox, through the guard and the MCP client", () => {
  let g: GuardedSandbox;
  let h: GuardedHarness;
  let db: SqlDb;
  let today: string;
  const tasksOf = (id: string) =>
    db.query<{ source: string; owner_id: string; due_date: string; principal: string }>(
      "SELECT source, owner_id, due_date, principal FROM sb_tasks WHERE account_id = ? ORDER BY source",
      [id],
    );

  beforeAll(async () => {
    g = await guardedSandbox("onboarding_status");
    ({ h, db, today } = g);
  }, 120_000);
  afterAll(() => g?.close());

  it("one account: the preview lists each task; confirmed, tasks and planned touchpoints are written once", async () => {
    const churn = await h.call("churn_risk", { limit: 1 });
    const top = d(churn).accounts[0] as { account_id: string; account_name: string };
    const dry = await h.call("save_play", { account_id: top.account_id, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    const plan = (d(dry) as { plan: { tasks: { play: string; owner_id: string; due_date: string }[] } }).plan;
    expect(plan.tasks.length).toBeGreaterThan(0);
    expect(await tasksOf(top.account_id)).toEqual([]);
    const owner = await db.one<{ owner_id: string }>("SELECT owner_id FROM sb_accounts WHERE id = ?", [
      top.account_id,
    ]);
    for (const t of plan.tasks) expect(t.owner_id).toBe(owner?.owner_id);
    typeThePhrase(h);
    const r = await h.call("save_play", { account_id: top.account_id });
    expect(r.isError, r.text).toBe(false);
    expect(d(r).created).toBe(plan.tasks.length);
    const rows = await tasksOf(top.account_id);
    expect(rows.map((t) => t.source)).toEqual(plan.tasks.map((t) => `save_play:${t.play}`).sort());
    for (const t of rows) expect(t.due_date > today && t.principal === "alice").toBe(true);
    const planned = await db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_touchpoints WHERE account_id = ? AND status = 'planned'",
      [top.account_id],
    );
    expect(Number(planned?.n)).toBe(plan.tasks.length);
    const journal = await db.query<{ entity: string }>(
      "SELECT DISTINCT entity FROM sb_changes WHERE principal = 'alice' ORDER BY entity",
    );
    expect(journal.map((j) => j.entity)).toEqual(["task", "touchpoint"]);
    // every play already has an open task: a second run adds nothing
    const again = await h.call("save_play", { account_id: top.account_id, dry_run: true });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already has an open task/);
  });

  it("bulk above a probability goes to the approval queue and names the field on bad input", async () => {
    const both = await h.call("save_play", { account_id: "acc_0001", min_probability: 0.5, dry_run: true });
    expect(both.isError).toBe(true);
    expect(both.text).toMatch(/exactly one of account_id/);
    const churn = await h.call("churn_risk", { limit: 100, min_probability: 0.9 });
    const dry = await h.call("save_play", { min_probability: 0.9, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    // accounts at or above it (the one handled above has no play left), each with its tasks listed
    const count = (d(dry) as { plan: { count: number } }).plan.count;
    expect(count).toBeGreaterThanOrEqual(d(churn).total.accounts - 1);
    expect(count).toBeLessThanOrEqual(d(churn).total.accounts);
    typeThePhrase(h);
    const queued = await h.call("save_play", { min_probability: 0.9 });
    expect(queued.isError).toBe(true);
    expect(queued.text).toMatch(/high risk/);
    const id = approvalIdIn(queued.text) as string;
    await g.approve(id);
    const r = await h.call("save_play", { min_probability: 0.9, approval_id: id });
    expect(r.isError, r.text).toBe(false);
    const accounts = new Set((d(r).tasks as { account_id: string }[]).map((t) => t.account_id));
    expect(accounts.size).toBe(count);
  });

  it("touchpoints_log: logs a done touchpoint with notes once, fenced as outside text", async () => {
    const id = String(
      (
        await db.one<{ id: string }>(
          "SELECT id FROM sb_accounts WHERE lifecycle = 'customer' ORDER BY id LIMIT 1",
        )
      )?.id,
    );
    const args = { account_id: id, channel: "qbr", notes: "Reviewed adoption; asked for an SSO roadmap." };
    const extra = await h.call("touchpoints_log", { ...args, day: "2099-01-01" });
    expect(extra.isError).toBe(true); // strict input: the day is the sandbox clock's
    typeThePhrase(h);
    const r = await h.call("touchpoints_log", args);
    expect(r.isError, r.text).toBe(false);
    expect(d(r)).toMatchObject({ account_id: id, channel: "qbr", day: today, recovered: false });
    expect(d(r).where).toMatch(/no CRM connection/);
    expect(r.text).toContain("<<<untrusted touchpoint notes");
    const rows = await db.query<{ status: string; notes: string; channel: string }>(
      "SELECT status, notes, channel FROM sb_touchpoints WHERE account_id = ? AND source = 'touchpoints_log'",
      [id],
    );
    expect(rows).toEqual([{ status: "done", notes: args.notes, channel: "qbr" }]);
    const unknown = await h.call("touchpoints_log", { ...args, account_id: "acc_9999" });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain("account_id");
  });
});
