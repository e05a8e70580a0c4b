import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTarget, type TestTarget } from "../test/db.js";
import { dayOf } from "./dates.js";
import { ensureSandboxLoaded } from "./load.js";

// What a RevOps lead checks with SQL on the scale-1 company (seed 42, today 2026-11-23): each finding of the
// December 2026 review stays fixed. The data is the same on both engines, so SQLite is enough.
const TODAY = "2026-11-23";
const QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"];
const quarterOf = (date: string) =>
  `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
const BANDS = ["1-50", "51-200", "201-1000", "1000+"];

let target: TestTarget;
let db: SqlDb;
const rows = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  db.query<T & Record<string, unknown>>(sql, params);

beforeAll(async () => {
  target = await makeTarget("sqlite");
  db = await target.open();
  await ensureSandboxLoaded(db);
});
afterAll(async () => {
  await db?.close();
  await target?.cleanup();
});

type Deal = { id: string; stage: string; amount: number; created: string; closed: string; band: string };
const closedNewBusiness = async () =>
  (
    await rows(
      `SELECT d.id, d.stage, d.amount, d.created_date, d.close_date, a.size_band, a.lifecycle
       FROM sb_deals d JOIN sb_accounts a ON a.id = d.account_id
       WHERE d.type = 'new_business' AND d.stage IN ('closed_won', 'closed_lost')`,
    )
  ).map((r) => ({
    id: String(r.id),
    stage: String(r.stage),
    amount: Number(r.amount),
    created: String(r.created_date),
    closed: String(r.close_date),
    band: String(r.size_band),
    lifecycle: String(r.lifecycle),
  }));
const winRate = (ds: Deal[]) => ds.filter((d) => d.stage === "closed_won").length / Math.max(1, ds.length);
const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

describe("new business: one population, win rate by size", () => {
  it("wins become customers, losses stay prospects, and amounts match band by band", async () => {
    const deals = await closedNewBusiness();
    for (const d of deals) {
      if (d.stage === "closed_lost") expect(d.lifecycle).toBe("prospect");
      else expect(d.lifecycle).toMatch(/^(customer|churned)$/);
    }
    for (const band of BANDS) {
      const won = avg(deals.filter((d) => d.band === band && d.stage === "closed_won").map((d) => d.amount));
      const lost = avg(
        deals.filter((d) => d.band === band && d.stage === "closed_lost").map((d) => d.amount),
      );
      expect(Math.max(won, lost) / Math.min(won, lost), band).toBeLessThan(1.5);
    }
  });

  it("win rate falls with deal size: ~55% under $10k, ~20% at $100k and above", async () => {
    const deals = await closedNewBusiness();
    const small = winRate(deals.filter((d) => d.amount < 10_000));
    const large = winRate(deals.filter((d) => d.amount >= 100_000));
    expect(small).toBeGreaterThan(0.45);
    expect(small).toBeLessThan(0.65);
    expect(large).toBeGreaterThan(0.1);
    expect(large).toBeLessThan(0.3);
  });

  it("win rate is stable over quarters (each closed quarter within 0.5x-1.5x of the overall rate)", async () => {
    const deals = await closedNewBusiness();
    const overall = winRate(deals);
    for (const q of QUARTERS.slice(0, -1)) {
      const rate = winRate(deals.filter((d) => quarterOf(d.closed) === q));
      expect(rate / overall, q).toBeGreaterThan(0.5);
      expect(rate / overall, q).toBeLessThan(1.5);
    }
  });

  it("cycles grow with company size", async () => {
    const won = (await closedNewBusiness()).filter((d) => d.stage === "closed_won");
    const cycle = BANDS.map((b) =>
      avg(won.filter((d) => d.band === b).map((d) => dayOf(d.closed) - dayOf(d.created))),
    );
    for (let i = 1; i < cycle.length; i++) expect(cycle[i]).toBeGreaterThan(cycle[i - 1] ?? 0);
  });
});

describe("funnel shape and renewals", () => {
  it("losses happen mostly early; fewest in negotiation", async () => {
    const lost = await rows<{ from_stage: string; n: number }>(
      `SELECT from_stage, COUNT(*) AS n FROM sb_deal_stage_history WHERE to_stage = 'closed_lost' GROUP BY from_stage`,
    );
    const n = (s: string) => Number(lost.find((r) => r.from_stage === s)?.n ?? 0);
    const total = lost.reduce((s, r) => s + Number(r.n), 0);
    expect((n("prospecting") + n("qualification")) / total).toBeGreaterThan(0.55);
    expect(n("negotiation")).toBeLessThan(Math.min(n("prospecting"), n("qualification"), n("proposal")));
  });

  it("renewals start at qualification, and won renewals sit around the account's ARR", async () => {
    const starts = await rows<{ to_stage: string }>(
      `SELECT DISTINCT h.to_stage FROM sb_deal_stage_history h JOIN sb_deals d ON d.id = h.deal_id
       WHERE d.type = 'renewal' AND h.from_stage IS NULL`,
    );
    expect(starts.map((r) => r.to_stage)).toEqual(["qualification"]);
    const won = await rows<{ amount: number; arr: number }>(
      `SELECT d.amount, a.arr FROM sb_deals d JOIN sb_accounts a ON a.id = d.account_id
       WHERE d.type = 'renewal' AND d.stage = 'closed_won' AND a.lifecycle = 'customer'`,
    );
    const ratio = won.map((r) => Number(r.amount) / Number(r.arr));
    expect(ratio.filter((x) => x > 1.02).length).toBeGreaterThan(5);
    expect(ratio.filter((x) => x < 0.98).length).toBeGreaterThan(5);
    expect(ratio.filter((x) => x >= 0.98 && x <= 1.02).length).toBeGreaterThan(5);
  });

  it("about 5% of open deals have slipped (close date before today)", async () => {
    const [r] = await rows<{ slipped: number; open: number }>(
      `SELECT SUM(CASE WHEN close_date < ? THEN 1 ELSE 0 END) AS slipped, COUNT(*) AS open
       FROM sb_deals WHERE stage NOT IN ('closed_won', 'closed_lost')`,
      [TODAY],
    );
    const share = Number(r?.slipped) / Number(r?.open);
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.09);
  });
});

describe("churn history", () => {
  it("every quarter of the window has renewed and cancelled subscription terms", async () => {
    const terms = await rows<{ renewal_date: string; status: string }>(
      `SELECT renewal_date, status FROM sb_subscriptions WHERE status IN ('renewed', 'cancelled')`,
    );
    for (const q of QUARTERS) {
      const inQ = terms.filter((t) => quarterOf(t.renewal_date) === q);
      expect(inQ.filter((t) => t.status === "renewed").length, q).toBeGreaterThan(10);
      expect(inQ.filter((t) => t.status === "cancelled").length, q).toBeGreaterThan(0);
    }
  });

  it("churned accounts keep usage, tickets and NPS up to the churn date, and most declined first", async () => {
    const churned = await rows<{ account_id: string; churn: string }>(
      `SELECT account_id, renewal_date AS churn FROM sb_subscriptions WHERE status = 'cancelled'`,
    );
    expect(churned.length).toBeGreaterThan(40);
    let declined = 0;
    for (const c of churned) {
      const usage = await rows<{ day: string; events: number }>(
        "SELECT day, events FROM sb_usage_daily WHERE account_id = ?",
        [c.account_id],
      );
      expect(usage.length, c.account_id).toBeGreaterThan(0);
      expect(usage.every((u) => u.day < c.churn)).toBe(true);
      const back = (u: { day: string }) => dayOf(c.churn) - dayOf(u.day);
      const sum = (xs: { events: number }[]) => xs.reduce((s, u) => s + Number(u.events), 0);
      const last = sum(usage.filter((u) => back(u) <= 30));
      const before = sum(usage.filter((u) => back(u) > 90));
      if (last < 0.8 * before) declined++;
      for (const t of ["sb_tickets WHERE created_at", "sb_nps_responses WHERE responded_at"]) {
        const [r] = await rows<{ n: number; late: number }>(
          `SELECT COUNT(*) AS n, SUM(CASE WHEN ${t.split(" WHERE ")[1]} >= ? THEN 1 ELSE 0 END) AS late
           FROM ${t.split(" WHERE ")[0]} WHERE account_id = ?`,
          [c.churn, c.account_id],
        );
        expect(Number(r?.n), `${t} ${c.account_id}`).toBeGreaterThan(0);
        expect(Number(r?.late)).toBe(0);
      }
    }
    expect(declined / churned.length).toBeGreaterThan(0.6);
  });
});

describe("monthly actives", () => {
  it("MAU is at least the month's busiest day and at most the seats", async () => {
    const bad = await rows(
      `SELECT m.account_id FROM sb_usage_monthly m
       JOIN (SELECT account_id, substr(day, 1, 7) AS month, MAX(active_users) AS peak FROM sb_usage_daily
             GROUP BY account_id, substr(day, 1, 7)) d ON d.account_id = m.account_id AND d.month = m.month
       WHERE m.active_users < d.peak`,
    );
    expect(bad).toEqual([]);
    const over = await rows(
      `SELECT m.account_id FROM sb_usage_monthly m JOIN sb_subscriptions s ON s.account_id = m.account_id
       WHERE s.status IN ('active', 'cancelled') AND m.active_users > s.seats`,
    );
    expect(over).toEqual([]);
  });
});

describe("activities", () => {
  it("do not bunch: at most 4 a day per deal, fewer than 10 in four hours per account", async () => {
    const perDay = await rows<{ n: number }>(
      `SELECT MAX(n) AS n FROM (SELECT deal_id, substr(occurred_at, 1, 10) AS day, COUNT(*) AS n
       FROM sb_activities WHERE deal_id IS NOT NULL GROUP BY deal_id, substr(occurred_at, 1, 10)) x`,
    );
    expect(Number(perDay[0]?.n)).toBeLessThanOrEqual(4);
    const acts = await rows<{ account_id: string; occurred_at: string }>(
      "SELECT account_id, occurred_at FROM sb_activities ORDER BY account_id, occurred_at",
    );
    let worst = 0;
    for (let i = 0, j = 0; i < acts.length; i++) {
      const a = acts[i] as { account_id: string; occurred_at: string };
      const limit = Date.parse(a.occurred_at) - 4 * 3_600_000;
      while (
        (acts[j] as { account_id: string }).account_id !== a.account_id ||
        Date.parse((acts[j] as { occurred_at: string }).occurred_at) <= limit
      )
        j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThan(10);
  });

  it("counts per deal grow with the stage reached and the company size", async () => {
    const counts = await rows<{ stage: string; size_band: string; n: number }>(
      `SELECT d.stage, a.size_band, COUNT(*) AS n FROM sb_activities x JOIN sb_deals d ON d.id = x.deal_id
       JOIN sb_accounts a ON a.id = d.account_id GROUP BY d.id, d.stage, a.size_band`,
    );
    const mean = (keep: (r: { stage: string; size_band: string }) => boolean) =>
      avg(counts.filter(keep).map((r) => Number(r.n)));
    expect(mean((r) => r.stage === "closed_won")).toBeGreaterThan(2 * mean((r) => r.stage === "prospecting"));
    expect(mean((r) => r.size_band === "1000+")).toBeGreaterThan(2 * mean((r) => r.size_band === "1-50"));
  });
});

describe("text", () => {
  it("hundreds of distinct NPS comments, ticket subjects and activity bodies", async () => {
    const distinct = async (col: string, table: string) =>
      Number((await rows<{ n: number }>(`SELECT COUNT(DISTINCT ${col}) AS n FROM ${table}`))[0]?.n);
    expect(await distinct("comment", "sb_nps_responses")).toBeGreaterThan(300);
    expect(await distinct("subject", "sb_tickets")).toBeGreaterThan(300);
    expect(await distinct("body", "sb_activities")).toBeGreaterThan(300);
    expect(await distinct("csat_comment", "sb_tickets")).toBeGreaterThan(50);
  });

  it("text still matches its score, rating and topic", async () => {
    const shared = await rows(
      `SELECT p.comment FROM sb_nps_responses p JOIN sb_nps_responses d ON d.comment = p.comment
       WHERE p.score >= 9 AND d.score <= 6`,
    );
    expect(shared).toEqual([]);
    const csat = await rows(
      `SELECT g.csat_comment FROM sb_tickets g JOIN sb_tickets b ON b.csat_comment = g.csat_comment
       WHERE g.csat = 'good' AND b.csat = 'bad'`,
    );
    expect(csat).toEqual([]);
    const tickets = await rows<{ subject: string; tags: string }>("SELECT subject, tags FROM sb_tickets");
    const topics = new Map<string, Set<string>>();
    for (const t of tickets) {
      const set = topics.get(t.subject) ?? new Set<string>();
      set.add(t.tags.split(",")[0] ?? "");
      topics.set(t.subject, set);
    }
    expect([...topics].filter(([, tags]) => tags.size > 1)).toEqual([]);
  });
});

describe("leads", () => {
  it("score does not leak the status: converted and disqualified ranges overlap", async () => {
    const r = await rows<{ status: string; lo: number; hi: number }>(
      `SELECT status, MIN(score) AS lo, MAX(score) AS hi FROM sb_leads
       WHERE status IN ('converted', 'disqualified') GROUP BY status`,
    );
    const of = (s: string) => r.find((x) => x.status === s) as { lo: number; hi: number };
    expect(Number(of("disqualified").hi) - Number(of("converted").lo)).toBeGreaterThan(30);
  });
});
