import type { NpsResponseRow, Page } from "@revops/model";
import {
  dayOf,
  encodeCursor,
  ensureSandboxLoaded,
  INVALID_CURSOR,
  isoDay,
  planCompany,
  sandboxToday,
} from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { TEST_ENGINES, testDatabase } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxSupport } from "../src/integrations/sandbox/support";

const plan = planCompany({});
/** Results must be identical on both engines. */
const seen = new Map<string, unknown>();
function sameOnBothEngines(key: string, value: unknown): void {
  if (seen.has(key)) expect(value, key).toEqual(seen.get(key));
  else seen.set(key, value);
}

async function allPages<T extends { id: string }>(
  fetch: (cursor?: string) => Promise<Page<T>>,
): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | undefined;
  let total = -1;
  for (let i = 0; i < 1000; i++) {
    const page = await fetch(cursor);
    if (total >= 0) expect(page.total).toBe(total);
    total = page.total;
    rows.push(...page.rows);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  expect(rows.length).toBe(total);
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  return rows;
}

// The health signals as they were computed before the usage rollup and covering indexes: the reference.
const REFERENCE_SIGNALS_SQL = `
SELECT a.id, COALESCE(us.last30, 0) AS last30, COALESCE(us.prev30, 0) AS prev30, us.active30,
  COALESCE(tk.tickets, 0) AS tickets, COALESCE(tk.urgent, 0) AS urgent, COALESCE(tk.bad, 0) AS bad,
  np.avg_score, COALESCE(np.responses, 0) AS responses
FROM sb_accounts a
LEFT JOIN (
  SELECT account_id, SUM(CASE WHEN day >= ? THEN events ELSE 0 END) AS last30,
    SUM(CASE WHEN day < ? THEN events ELSE 0 END) AS prev30,
    AVG(CASE WHEN day >= ? THEN active_users END) AS active30
  FROM sb_usage_daily WHERE day >= ? AND day < ? GROUP BY account_id
) us ON us.account_id = a.id
LEFT JOIN (
  SELECT account_id, COUNT(*) AS tickets, SUM(CASE WHEN priority = 'urgent' THEN 1 ELSE 0 END) AS urgent,
    SUM(CASE WHEN csat = 'bad' THEN 1 ELSE 0 END) AS bad
  FROM sb_tickets WHERE created_at >= ? AND created_at < ? GROUP BY account_id
) tk ON tk.account_id = a.id
LEFT JOIN (
  SELECT account_id, AVG(score * 1.0) AS avg_score, COUNT(*) AS responses
  FROM sb_nps_responses WHERE responded_at >= ? AND responded_at < ? GROUP BY account_id
) np ON np.account_id = a.id
WHERE a.lifecycle = 'customer' ORDER BY a.arr DESC, a.id`;

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** nps_summary's figures as it computed them from every response. */
function fromRows(rows: NpsResponseRow[], comments: number) {
  const promoters = rows.filter((r) => r.score >= 9).length;
  const detractors = rows.filter((r) => r.score <= 6).length;
  return {
    responses: rows.length,
    promoters,
    passives: rows.length - promoters - detractors,
    detractors,
    detractorComments: rows
      .filter((r) => r.score <= 6 && r.comment)
      .sort((a, b) => b.respondedAt.localeCompare(a.respondedAt))
      .slice(0, comments),
  };
}

const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

// The sandbox's support port on the full company (seed 42, today 2026-11-23), the same on both engines.
describe.each(TEST_ENGINES)("sandbox support on %s", (engine) => {
  let drop: () => Promise<void>;
  let db: SqlDb;
  let sup: SandboxSupport;

  beforeAll(async () => {
    ({ db, drop } = await testDatabase(engine, "support_store"));
    await ensureSandboxLoaded(db);
    sup = new SandboxSupport(db);
  });
  afterAll(async () => {
    await drop?.();
  });

  describe("SandboxSupport", () => {
    it("accountSignals make the at-risk cohort detectable", async () => {
      const signals = await sup.accountSignals();
      const customers = plan.accounts.filter((a) => a.lifecycle === "customer");
      expect(signals.length).toBe(customers.length);
      const risky = new Set(customers.filter((a) => a.atRisk).map((a) => a.id));
      const flagged = signals.filter((s) => {
        const decline = s.usagePrev30 > 0 && s.usageLast30 / s.usagePrev30 < 0.8;
        const tickets = s.ticketsLast90 >= 6 || s.badCsatLast90 >= 2;
        const unhappy = s.npsAvgLast180 !== null && s.npsAvgLast180 < 6;
        return Number(decline) + Number(tickets) + Number(unhappy) >= 2;
      });
      const hits = flagged.filter((s) => risky.has(s.accountId)).length;
      expect(hits / risky.size).toBeGreaterThanOrEqual(0.85); // recall
      expect(hits / flagged.length).toBeGreaterThanOrEqual(0.8); // precision
      const one = await sup.accountSignals({ accountIds: [signals[0]?.accountId ?? ""] });
      expect(one).toEqual([signals[0]]);
      expect(signals[0]?.renewalDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      sameOnBothEngines("signals", signals);
    });

    it("listTickets pages over every ticket exactly once and filters", async () => {
      const rows = await allPages((cursor) => sup.listTickets({ cursor, limit: 100 }));
      expect(rows.length).toBe(3000);
      expect(rows[0]?.createdAt.localeCompare(rows[1]?.createdAt ?? "")).toBeGreaterThanOrEqual(0);
      const urgentOpen = await sup.listTickets({ status: "open", priority: "urgent", limit: 100 });
      expect(urgentOpen.rows.every((t) => t.status === "open" && t.priority === "urgent")).toBe(true);
      const acc = rows[0]?.accountId ?? "";
      const mine = await allPages((cursor) => sup.listTickets({ accountId: acc, cursor, limit: 3 }));
      expect(mine.length).toBe(rows.filter((t) => t.accountId === acc).length);
      const nov = await sup.listTickets({ createdFrom: "2026-11-01", createdTo: "2026-11-22" });
      const expected = rows.filter((t) => t.createdAt >= "2026-11-01" && t.createdAt < "2026-11-23").length;
      expect(nov.total).toBe(expected);
      await expect(sup.listTickets({ cursor: encodeCursor("deals", [1, 2]) })).rejects.toThrow(
        INVALID_CURSOR,
      );
    });

    it("npsResponses and searchAccounts", async () => {
      const all = await sup.npsResponses({});
      expect(all.length).toBe(1500);
      const recent = await sup.npsResponses({ from: "2026-06-01" });
      expect(recent.every((r) => r.respondedAt >= "2026-06-01")).toBe(true);
      const acc = all[0]?.accountId ?? "";
      const mine = await sup.npsResponses({ accountId: acc, to: "2026-11-23" });
      expect(mine.length).toBe(all.filter((r) => r.accountId === acc).length);
      for (const r of all) expect(r.score >= 0 && r.score <= 10).toBe(true);
      expect((await sup.searchAccounts("a", 5)).length).toBe(5);
    });
  });

  async function reference() {
    const today = dayOf(await sandboxToday(db));
    const d = (k: number) => isoDay(today - k);
    const rows = await db.query<Record<string, unknown>>(REFERENCE_SIGNALS_SQL, [
      d(30),
      d(30),
      d(30),
      d(60),
      d(0),
      d(90),
      d(-1),
      d(180),
      d(-1),
    ]);
    return rows.map((r) => ({
      accountId: String(r.id),
      usageLast30: n(r.last30),
      usagePrev30: n(r.prev30),
      activeUsersLast30: Math.round(n(r.active30)),
      ticketsLast90: n(r.tickets),
      urgentTicketsLast90: n(r.urgent),
      badCsatLast90: n(r.bad),
      npsAvgLast180:
        r.avg_score === null || r.avg_score === undefined ? null : Math.round(n(r.avg_score) * 10) / 10,
      npsResponsesLast180: n(r.responses),
    }));
  }

  it("accountSignals equal the grouped query over the raw rows", async () => {
    const want = await reference();
    const got = await sup.accountSignals();
    expect(want.length).toBeGreaterThan(100);
    expect(
      got.map(({ accountId, usageLast30, usagePrev30, activeUsersLast30, ...r }) => ({
        accountId,
        usageLast30,
        usagePrev30,
        activeUsersLast30,
        ticketsLast90: r.ticketsLast90,
        urgentTicketsLast90: r.urgentTicketsLast90,
        badCsatLast90: r.badCsatLast90,
        npsAvgLast180: r.npsAvgLast180,
        npsResponsesLast180: r.npsResponsesLast180,
      })),
    ).toEqual(want);
    expect(got.some((s) => s.usageLast30 > 0 && s.activeUsersLast30 > 0)).toBe(true);
  });

  it("rolls usage up again when the rollup is missing or was made for another day", async () => {
    const before = await sup.accountSignals();
    await db.run("UPDATE sb_usage_recent SET as_of = '2001-01-01', last30 = 0, prev30 = 0");
    expect(await sup.accountSignals()).toEqual(before);
    await db.run("DELETE FROM sb_usage_recent");
    expect(await sup.accountSignals()).toEqual(before);
    const today = await sandboxToday(db);
    const stale = await db.one<{ n: unknown }>("SELECT COUNT(*) AS n FROM sb_usage_recent WHERE as_of <> ?", [
      today,
    ]);
    expect(Number(stale?.n)).toBe(0);
  });

  it("a ticket write shows in the signals at once (tickets are read live, not rolled up)", async () => {
    const [top] = await sup.accountSignals();
    const today = dayOf(await sandboxToday(db));
    const t = await db.one<{ id: string; priority: string }>(
      "SELECT id, priority FROM sb_tickets WHERE account_id = ? AND created_at >= ? AND priority <> 'urgent' ORDER BY id LIMIT 1",
      [top?.accountId, isoDay(today - 80)],
    );
    if (!t) return;
    await db.run("UPDATE sb_tickets SET priority = 'urgent' WHERE id = ?", [t.id]);
    try {
      const [after] = await sup.accountSignals({ accountIds: [top?.accountId ?? ""] });
      expect(after?.urgentTicketsLast90).toBe((top?.urgentTicketsLast90 ?? 0) + 1);
    } finally {
      await db.run("UPDATE sb_tickets SET priority = ? WHERE id = ?", [t.priority, t.id]);
    }
  });

  it.each([
    [{}, 5],
    [{ from: "2026-01-01" }, 2],
    [{ from: "2026-06-01", to: "2026-09-30" }, 20],
    [{ to: "2025-12-31" }, 0],
    [{ from: "2030-01-01" }, 3],
  ])("npsStats(%j, %i) equals the figures over npsResponses", async (range, comments) => {
    const rows = await sup.npsResponses(range);
    expect(await sup.npsStats({ ...range, comments })).toEqual(fromRows(rows, comments));
  });

  it("npsStats for one account", async () => {
    const [first] = await sup.npsResponses({});
    const accountId = first?.accountId ?? "";
    const rows = await sup.npsResponses({ accountId });
    expect(await sup.npsStats({ accountId, comments: 20 })).toEqual(fromRows(rows, 20));
  });

  it("signals expose monthly actives per seat, lower for the at-risk cohort", async () => {
    const signals = await sup.accountSignals();
    const risky = new Set(
      planCompany({})
        .accounts.filter((a) => a.atRisk)
        .map((a) => a.id),
    );
    expect(signals.every((s) => s.usageMonth === "2026-10")).toBe(true);
    const perSeat = (keep: (id: string) => boolean) =>
      avg(signals.filter((s) => keep(s.accountId)).map((s) => s.monthlyActivesPerSeat ?? 0));
    expect(perSeat((id) => !risky.has(id))).toBeGreaterThan(0.6);
    expect(perSeat((id) => risky.has(id))).toBeLessThan(perSeat((id) => !risky.has(id)) - 0.15);
  });
});
