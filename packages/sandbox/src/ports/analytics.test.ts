import type { NpsResponseRow } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, makeTarget, type TestTarget } from "../../test/db.js";
import { dayOf, isoDay } from "../dates.js";
import { ensureSandboxLoaded, sandboxToday } from "../load.js";
import { SANDBOX_INDEXES } from "../schema.js";
import { SandboxCrm } from "./crm.js";
import { SandboxSupport } from "./support.js";

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

describe("SANDBOX_INDEXES", () => {
  it("lists the indexes the migrations leave, not those a later migration dropped", () => {
    const names = SANDBOX_INDEXES.map((i) => i.name);
    expect(names).toContain("sb_tickets_account_cover_idx");
    expect(names).toContain("sb_deals_close_idx");
    expect(names).not.toContain("sb_usage_day_idx");
    expect(names).not.toContain("sb_nps_responded_idx");
    expect(new Set(names).size).toBe(names.length);
  });
});

describe.each(ENGINES)("analytics ports on %s", (engine) => {
  let target: TestTarget;
  let db: SqlDb;
  let sup: SandboxSupport;
  let crm: SandboxCrm;

  beforeAll(async () => {
    target = await makeTarget(engine);
    db = await target.open();
    await ensureSandboxLoaded(db);
    sup = new SandboxSupport(db);
    crm = new SandboxCrm(db);
  });
  afterAll(async () => {
    await db?.close();
    await target?.cleanup();
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

  it.each([
    ["2025-10-01", "2026-10-01", undefined],
    ["2025-01-01", "2025-12-31", undefined],
    ["2025-10-01", "2026-10-01", "Kenji Sato"],
    ["2030-01-01", "2030-03-31", undefined],
  ])(
    "stageReach(%s, %s, %s) counts what the closed deals and their stage history hold",
    async (from, to, owner) => {
      const closed = (await crm.dealsClosingBetween(from, to, owner)).filter(
        (d) => d.stage === "closed_won" || d.stage === "closed_lost",
      );
      const history = await crm.dealStageHistory(closed.map((d) => d.id));
      const reached = new Map<string, Set<string>>();
      for (const h of history) reached.set(h.dealId, (reached.get(h.dealId) ?? new Set()).add(h.toStage));
      const stages: Record<string, { reached: number; won: number }> = {};
      for (const stage of ["prospecting", "qualification", "proposal", "negotiation"]) {
        const cohort = closed.filter((d) => reached.get(d.id)?.has(stage) || d.stage === stage);
        if (cohort.length > 0)
          stages[stage] = {
            reached: cohort.length,
            won: cohort.filter((d) => d.stage === "closed_won").length,
          };
      }
      expect(await crm.stageReach(from, to, owner)).toEqual({ closed: closed.length, stages });
    },
  );
});
