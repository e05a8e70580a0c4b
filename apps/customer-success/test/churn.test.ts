import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RenewalHistory } from "@revops/model";
import { ensureSandboxLoaded, planCompany } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, modelVisibleTokens, resultTokens } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHURN_FEATURES, heldOutFrom, predict, trainChurnModel } from "../src/domain/churn";
import { CompositeSupport } from "../src/integrations/composite";
import { SandboxSupport } from "../src/integrations/sandbox/support";
import type { SupportPort } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";

const dir = mkdtempSync(join(tmpdir(), "cs-churn-"));
let db: SqlDb;
let support: SandboxSupport;
let history: RenewalHistory;
let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db, {});
  support = new SandboxSupport(db);
  history = await support.renewalHistory();
  s = await connectInProcess([createCustomerSuccessServer()]);
}, 60_000);
afterAll(async () => {
  await s.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const minus = (day: string, n: number) => new Date(Date.parse(day) - n * DAY).toISOString().slice(0, 10);
const later = (a: string, b: string) => (a > b ? a : b);
const prevMonth = (day: string) => {
  const d = new Date(Date.parse(day));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};

describe("renewal history (sandbox port)", () => {
  it("labels a churned account's last term cancelled and nothing else (the planted churn)", async () => {
    // each term's label as the book says: renewals-port.test.ts; here the planted ground truth behind it
    // a cancelled term is a churned account's last term, and nothing else is
    const lastOfChurned = await db.query<{ id: string }>(
      `SELECT s.id FROM sb_subscriptions s JOIN sb_accounts a ON a.id = s.account_id
       WHERE a.lifecycle = 'churned'
         AND s.renewal_date = (SELECT MAX(x.renewal_date) FROM sb_subscriptions x WHERE x.account_id = s.account_id)
       ORDER BY s.id`,
    );
    const cancelled = history.terms.filter((t) => t.status === "cancelled").map((t) => t.termId);
    expect(cancelled.sort()).toEqual(lastOfChurned.map((r) => r.id));
    // ground truth (README): 463 renewed and 61 cancelled terms at seed 42, scale 1
    expect(cancelled.length).toBe(61);
    expect(history.terms.length - cancelled.length).toBe(463);
  });

  it("computes features as of 60 days before the renewal, strictly before that day", async () => {
    expect(history.leadDays).toBe(60);
    const cov = await db.one<{ tk: string; np: string }>(
      `SELECT MIN(t.created_at) AS tk, (SELECT MIN(n.responded_at) FROM sb_nps_responses n
         JOIN sb_accounts b ON b.id = n.account_id WHERE b.lifecycle = 'customer') AS np
       FROM sb_tickets t JOIN sb_accounts a ON a.id = t.account_id WHERE a.lifecycle = 'customer'`,
    );
    expect(history.coverage.tickets).toBe(cov?.tk.slice(0, 10));
    expect(history.coverage.nps).toBe(cov?.np.slice(0, 10));
    const sample = [
      ...history.terms.filter((t) => t.status === "cancelled").slice(-4),
      ...history.terms.filter((t) => t.status === "renewed").slice(-4),
      history.terms[0],
    ];
    let ticketsSeen = 0;
    for (const t of sample) {
      if (!t) continue;
      expect(t.asOf).toBe(minus(t.renewalDate, 60));
      const tkFrom = later(minus(t.asOf, 90), history.coverage.tickets ?? "");
      const tk = await db.one<{ n: number; hi: number; bad: number }>(
        `SELECT COUNT(*) AS n, SUM(CASE WHEN priority IN ('urgent', 'high') THEN 1 ELSE 0 END) AS hi,
           SUM(CASE WHEN csat = 'bad' AND solved_at < ? THEN 1 ELSE 0 END) AS bad
         FROM sb_tickets WHERE account_id = ? AND created_at >= ? AND created_at < ?`,
        [t.asOf, t.accountId, tkFrom, t.asOf],
      );
      expect(t.tickets.from).toBe(tkFrom);
      expect(t.tickets.count, t.termId).toBe(Number(tk?.n ?? 0));
      expect(t.tickets.urgentHigh).toBe(Number(tk?.hi ?? 0));
      expect(t.tickets.badCsat).toBe(Number(tk?.bad ?? 0));
      ticketsSeen += t.tickets.count;
      const npsFrom = later(minus(t.asOf, 180), history.coverage.nps ?? "");
      const np = await db.one<{ n: number; total: number | null }>(
        "SELECT COUNT(*) AS n, SUM(score) AS total FROM sb_nps_responses WHERE account_id = ? AND responded_at >= ? AND responded_at < ?",
        [t.accountId, npsFrom, t.asOf],
      );
      expect(t.nps.responses).toBe(Number(np?.n ?? 0));
      expect(t.nps.scoreSum).toBe(Number(np?.total ?? 0));
      const mau = await db.one<{ active_users: number }>(
        "SELECT active_users FROM sb_usage_monthly WHERE account_id = ? AND month = ?",
        [t.accountId, prevMonth(t.asOf)],
      );
      expect(t.monthlyActives.last).toBe(mau ? Number(mau.active_users) : null);
      const sub = await db.one<{ arr: number; seats: number }>(
        "SELECT arr, seats FROM sb_subscriptions WHERE id = ?",
        [t.termId],
      );
      expect([t.arr, t.seats]).toEqual([Number(sub?.arr), Number(sub?.seats)]);
    }
    expect(ticketsSeen).toBeGreaterThan(0);
  });
});

describe("churn model", () => {
  it("holds out the latest two quarters and reports what the predictions give", async () => {
    const t0 = performance.now();
    const model = trainChurnModel(history);
    expect(performance.now() - t0).toBeLessThan(1000);
    const ev = model?.evaluation;
    if (!model || !ev) throw new Error("no model");
    expect(ev.testFrom).toBe("2026-07-01");
    expect(heldOutFrom("2026-01-15")).toBe("2025-10-01");
    const testRows = await db.one<{ n: number; c: number }>(
      "SELECT COUNT(*) AS n, SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS c FROM sb_subscriptions WHERE status <> 'active' AND renewal_date >= ?",
      [ev.testFrom],
    );
    expect([ev.nTest, ev.positivesTest]).toEqual([Number(testRows?.n), Number(testRows?.c)]);
    expect(ev.nTrain + ev.nTest).toBe(history.terms.length);
    // AUC recomputed from the held-out predictions, pair by pair
    const pos = ev.predictions.filter((p) => p.cancelled).map((p) => p.probability);
    const neg = ev.predictions.filter((p) => !p.cancelled).map((p) => p.probability);
    let wins = 0;
    for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
    const auc = wins / (pos.length * neg.length);
    expect(ev.auc).toBeCloseTo(auc, 3);
    const flagged = ev.predictions.filter((p) => p.probability >= ev.threshold);
    const tp = flagged.filter((p) => p.cancelled).length;
    expect(ev.precision).toBeCloseTo(tp / flagged.length, 3);
    expect(ev.recall).toBeCloseTo(tp / pos.length, 3);
    // targets on the sandbox
    expect(ev.auc).toBeGreaterThanOrEqual(0.85);
    expect(ev.ece).toBeLessThanOrEqual(0.05);

    const r = await s.call("churn_risk", {});
    expect(r.isError, r.text).toBe(false);
    const m = r.data.meta;
    expect(m.method).toContain(model.version);
    expect(m.method).toMatch(/^churn-lr-v1 renewals 2025-01-01\.\.2026-11-22 \(n=524\)/);
    expect(m.inputs).toMatchObject({
      auc: ev.auc,
      ece: ev.ece,
      precision: ev.precision,
      recall: ev.recall,
      n_train: ev.nTrain,
      n_test: ev.nTest,
    });
  });

  it("explains each probability by its features' log-odds", () => {
    const model = trainChurnModel(history);
    const t = history.terms.find((x) => x.status === "cancelled");
    if (!model || !t) throw new Error("no model");
    const p = predict(model.fitted, t);
    expect(p.drivers.length).toBe(CHURN_FEATURES.length);
    const logit = Math.log(p.probability / (1 - p.probability));
    const sum = p.drivers.reduce((a, d) => a + d.logOdds, model.fitted.beta[0] ?? 0);
    expect(sum).toBeCloseTo(logit, 6);
  });
});

describe("churn_risk", () => {
  it("ranks by ARR at risk, with totals and what was left out", async () => {
    const r = await s.call("churn_risk", { limit: 100 });
    const accounts = r.data.accounts as { arr: number; probability: number; arr_at_risk: number }[];
    expect(accounts.length).toBe(100);
    const risk = accounts.map((a) => a.arr_at_risk);
    expect(risk).toEqual([...risk].sort((a, b) => b - a));
    for (const a of accounts)
      expect(Math.abs(a.arr_at_risk - a.arr * a.probability)).toBeLessThan(a.arr * 0.006);
    expect(r.data.total.accounts).toBe(295);
    expect(r.data.left_out.beyond_limit).toBe(195);
    const soon = await s.call("churn_risk", { renewal_within_days: 90, min_probability: 0.2 });
    for (const a of soon.data.accounts) {
      expect(a.days_to_renewal).toBeLessThanOrEqual(90);
      expect(a.probability).toBeGreaterThanOrEqual(0.2);
    }
    const lo = soon.data.left_out;
    expect(soon.data.total.accounts + lo.below_min_probability + lo.outside_window).toBe(295);
  });

  it("puts the planted at-risk cohort at the top (ground truth, tests only)", async () => {
    const cohort = new Set(
      planCompany({})
        .accounts.filter((a) => a.atRisk)
        .map((a) => a.id),
    );
    expect(cohort.size).toBe(24);
    const r = await s.call("churn_risk", { limit: 100 });
    const byProbability = [...r.data.accounts].sort(
      (a: { probability: number }, b: { probability: number }) => b.probability - a.probability,
    );
    const top = byProbability.slice(0, 30).map((a: { account_id: string }) => a.account_id);
    const found = top.filter((id: string) => cohort.has(id)).length;
    expect(found / cohort.size).toBeGreaterThanOrEqual(0.9);
    // above the published threshold: mostly the cohort
    const flagged = await s.call("churn_risk", {
      min_probability: Number(r.data.meta.inputs.threshold),
      limit: 100,
    });
    const hits = flagged.data.accounts.filter((a: { account_id: string }) => cohort.has(a.account_id)).length;
    expect(hits / cohort.size).toBeGreaterThanOrEqual(0.85);
    expect(hits / flagged.data.accounts.length).toBeGreaterThanOrEqual(0.8);
  });

  it("fits the token budgets and answers the same twice", async () => {
    const raw = await s.client.callTool({ name: "churn_risk", arguments: {} });
    const tokens = resultTokens(raw as { structuredContent?: unknown }).structured;
    expect(tokens).toBeLessThanOrEqual(1500);
    const listed = (await s.client.listTools()).tools.find((t) => t.name === "churn_risk");
    if (!listed) throw new Error("churn_risk is not listed");
    expect(modelVisibleTokens(listed)).toBeLessThanOrEqual(150);
    const again = await s.client.callTool({ name: "churn_risk", arguments: {} });
    expect(again.structuredContent).toEqual(raw.structuredContent);
  });
});

describe("vendor composite", () => {
  it("trains on the book's history and says so", async () => {
    const composite = new CompositeSupport({
      tickets: {} as SupportPort,
      book: support,
      today: async () => "2026-11-23",
    });
    const h = await composite.renewalHistory();
    expect(h.terms.length).toBe(history.terms.length);
    expect(h.note).toMatch(/No CRM is connected/);
    expect((await composite.upcomingRenewals()).length).toBeGreaterThan(0);
  });
});
