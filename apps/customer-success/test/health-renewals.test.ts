import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  modelVisibleTokens,
  resultTokens,
  type SandboxServer,
  tempDataDir,
  withSandboxServer,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxSupport } from "../src/integrations/sandbox/support";
import { createCustomerSuccessServer } from "../src/server";

/**
 * renewals_upcoming and health_scores against figures recomputed here from the raw sandbox rows (SQL reads of
 * the tables, the health formula written out again below), never from the code under test.
 */
let db: SqlDb;
let s: SandboxServer["s"];
let today: string;
withSandboxServer(
  "cs-book",
  () => [createCustomerSuccessServer()],
  (h) => {
    ({ db, s, today } = h);
  },
);

const DAY = 86_400_000;
const minus = (day: string, n: number) => new Date(Date.parse(day) - n * DAY).toISOString().slice(0, 10);
const between = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY);
const monthBefore = (day: string) => {
  const d = new Date(Date.parse(day));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};
const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

interface Raw {
  id: string;
  arr: number;
  size_band: string;
  industry: string;
  owner: string;
  created_date: string;
}
interface Ref {
  score: number;
  band: "high" | "medium" | "low";
  parts: Record<"usage" | "adoption" | "support" | "nps", number>;
  renewal: string | null;
  seats: number;
}

/** Raw rows, read once: customers, terms, daily and monthly usage, tickets, NPS. */
let raw: {
  accounts: Raw[];
  terms: { account_id: string; seats: number; plan: string; start_date: string; renewal_date: string }[];
  usage: { account_id: string; day: string; events: number; active_users: number }[];
  monthly: Map<string, number>;
  tickets: { account_id: string; day: string; priority: string; csat: string | null }[];
  nps: { account_id: string; day: string; score: number }[];
};

beforeAll(async () => {
  const n = <T>(rows: Record<string, unknown>[], keys: string[]): T[] =>
    rows.map((r) => {
      const o: Record<string, unknown> = { ...r };
      for (const k of keys) o[k] = Number(r[k]);
      return o as T;
    });
  raw = {
    accounts: n<Raw>(
      await db.query(
        `SELECT a.id, a.arr, a.size_band, a.industry, u.name AS owner, a.created_date
         FROM sb_accounts a JOIN sb_users u ON u.id = a.owner_id WHERE a.lifecycle = 'customer'`,
      ),
      ["arr"],
    ),
    terms: n(
      await db.query<Record<string, unknown>>(
        "SELECT account_id, seats, plan, start_date, renewal_date FROM sb_subscriptions",
      ),
      ["seats"],
    ),
    usage: n(
      await db.query<Record<string, unknown>>(
        "SELECT account_id, day, events, active_users FROM sb_usage_daily WHERE day >= ?",
        [minus(today, 200)],
      ),
      ["events", "active_users"],
    ),
    monthly: new Map(
      (
        await db.query<{ account_id: string; month: string; active_users: number }>(
          "SELECT account_id, month, active_users FROM sb_usage_monthly",
        )
      ).map((r) => [`${r.account_id}|${r.month}`, Number(r.active_users)]),
    ),
    tickets: await db.query(
      "SELECT account_id, substr(created_at, 1, 10) AS day, priority, csat FROM sb_tickets",
    ),
    nps: n(
      await db.query<Record<string, unknown>>(
        "SELECT account_id, substr(responded_at, 1, 10) AS day, score FROM sb_nps_responses",
      ),
      ["score"],
    ),
  };
}, 60_000);

/** The health definition recomputed from raw rows for the windows ending on `asOf`. */
function reference(a: Raw, asOf: string): Ref {
  const term = raw.terms.find((t) => t.account_id === a.id && t.start_date <= asOf && t.renewal_date > asOf);
  const seats = term?.seats ?? 0;
  const mine = raw.usage.filter((u) => u.account_id === a.id);
  const sum = (rows: typeof mine, f: (u: (typeof mine)[number]) => number) =>
    rows.reduce((t, u) => t + f(u), 0);
  const last = mine.filter((u) => u.day >= minus(asOf, 30) && u.day < asOf);
  const prev = mine.filter((u) => u.day >= minus(asOf, 60) && u.day < minus(asOf, 30));
  const [l30, p30] = [sum(last, (u) => u.events), sum(prev, (u) => u.events)];
  const daily = last.length ? Math.round(sum(last, (u) => u.active_users) / last.length) : 0;
  const mau = raw.monthly.get(`${a.id}|${monthBefore(asOf)}`);
  const perSeat = mau === undefined || seats === 0 ? null : Math.round((mau / seats) * 100) / 100;
  const tk = raw.tickets.filter((t) => t.account_id === a.id && t.day >= minus(asOf, 90) && t.day <= asOf);
  const urgent = tk.filter((t) => t.priority === "urgent").length;
  const bad = tk.filter((t) => t.csat === "bad").length;
  const np = raw.nps.filter((r) => r.account_id === a.id && r.day >= minus(asOf, 180) && r.day <= asOf);
  const nps = np.length ? Math.round((np.reduce((t, r) => t + r.score, 0) / np.length) * 10) / 10 : null;
  const trend = p30 > 0 ? (l30 - p30) / p30 : l30 > 0 ? 0 : -1;
  const adoption = perSeat ?? (seats > 0 ? daily / seats : 0);
  const parts = {
    usage: 35 * clamp(1 + trend * 2, 0, 1),
    adoption: 20 * clamp(adoption / 0.7, 0, 1),
    support: 25 * clamp(1 - (tk.length + 2 * urgent + 3 * bad) / 30, 0, 1),
    nps: nps === null ? 12 : 20 * clamp(nps / 10, 0, 1),
  };
  const score = Math.round(parts.usage + parts.adoption + parts.support + parts.nps);
  const days = term ? between(asOf, term.renewal_date) : null;
  let band: Ref["band"] = score < 45 ? "high" : score < 65 ? "medium" : "low";
  if (band === "medium" && days !== null && days >= 0 && days <= 90) band = "high";
  return { score, band, parts, renewal: term?.renewal_date ?? null, seats };
}

type Row = Record<string, unknown> & { account_id: string };

describe("health_scores", () => {
  it("scores every customer, pages them all worst first, and totals the bands as the rows say", async () => {
    const want = new Map(raw.accounts.map((a) => [a.id, reference(a, today)]));
    const seen: Row[] = [];
    let cursor: string | undefined;
    let first: { totals: Record<string, unknown> } | undefined;
    do {
      const r = await s.call("health_scores", { limit: 100, ...(cursor ? { cursor } : {}) });
      expect(r.isError, r.text).toBe(false);
      first ??= r.data as { totals: Record<string, unknown> };
      seen.push(...r.data.accounts);
      cursor = r.data.next_cursor ?? undefined;
    } while (cursor);
    expect(seen.length).toBe(raw.accounts.length);
    expect(new Set(seen.map((a) => a.account_id)).size).toBe(raw.accounts.length);
    for (const a of seen) {
      const ref = want.get(a.account_id);
      expect(a.score, a.account_id).toBe(ref?.score);
      expect(a.band, a.account_id).toBe(ref?.band);
      // the top driver is the component that lost the most points
      const max: Record<string, number> = { usage: 35, adoption: 20, support: 25, nps: 20 };
      const lost = Object.entries(ref?.parts ?? {}).map(([k, v]) => [k, (max[k] ?? 0) - v] as const);
      const worst = Math.max(...lost.map(([, v]) => v));
      expect(Math.abs((a.points_lost as number) - worst)).toBeLessThan(0.06);
    }
    const scores = seen.map((a) => a.score as number);
    expect(scores).toEqual([...scores].sort((x, y) => x - y));
    const totals = (first as { totals: Record<string, unknown> }).totals;
    const by = (b: string) => raw.accounts.filter((a) => want.get(a.id)?.band === b);
    expect(totals.by_band).toEqual({
      high: { accounts: by("high").length, arr: by("high").reduce((t, a) => t + a.arr, 0) },
      medium: { accounts: by("medium").length, arr: by("medium").reduce((t, a) => t + a.arr, 0) },
      low: { accounts: by("low").length, arr: by("low").reduce((t, a) => t + a.arr, 0) },
    });
    expect(totals.arr).toBe(raw.accounts.reduce((t, a) => t + a.arr, 0));
  });

  it("shows the score 30 and 90 days ago from the same windows ending then", async () => {
    const r = await s.call("health_scores", { limit: 12 });
    expect(r.isError, r.text).toBe(false);
    for (const a of r.data.accounts as Row[]) {
      const acc = raw.accounts.find((x) => x.id === a.account_id) as Raw;
      for (const [field, back] of [
        ["score_30d_ago", 30],
        ["score_90d_ago", 90],
      ] as const) {
        const asOf = minus(today, back);
        const ref = reference(acc, asOf);
        const known = ref.renewal !== null && ref.seats > 0 && acc.created_date <= minus(asOf, 60);
        expect(a[field], `${a.account_id} ${field}`).toBe(known ? ref.score : null);
      }
    }
    // the worst accounts today were healthier 90 days ago: the decline the cohort plants
    const worst = (r.data.accounts as Row[]).slice(0, 5);
    expect(
      worst.filter((a) => (a.score_90d_ago as number) > (a.score as number)).length,
    ).toBeGreaterThanOrEqual(4);
    expect(r.data.meta.caveats[0]).toMatch(/Past scores/);
  });

  it("gives the book's trend: bands and average score of the same accounts at each month end the usage reaches", async () => {
    const ends: string[] = [];
    for (let m = 1; m <= 6; m++) {
      const d = new Date(Date.parse(today));
      const end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - m + 1, 0))
        .toISOString()
        .slice(0, 10);
      // 180 days of usage kept, 60 needed before the day
      if (end >= minus(today, 120)) ends.unshift(end);
    }
    expect(ends.length).toBeGreaterThanOrEqual(3);
    const check = async (args: Record<string, unknown>, accounts: Raw[]) => {
      const r = await s.call("health_scores", args);
      expect(r.isError, r.text).toBe(false);
      const t = r.data.trend as {
        month_end: string[];
        average_score: (number | null)[];
        by_band: Record<string, number[]>;
      };
      expect(t.month_end).toEqual(ends);
      for (const [i, asOf] of ends.entries()) {
        const scored = accounts
          .filter((a) => a.created_date <= minus(asOf, 60))
          .map((a) => reference(a, asOf))
          .filter((ref) => ref.renewal !== null && ref.seats > 0);
        for (const b of ["high", "medium", "low"])
          expect(t.by_band[b]?.[i], `${asOf} ${b}`).toBe(scored.filter((x) => x.band === b).length);
        const avg = scored.reduce((sum, x) => sum + x.score, 0) / scored.length;
        expect(t.average_score[i], asOf).toBe(Math.round(avg * 10) / 10);
      }
      return t;
    };
    const all = await check({ limit: 5 }, raw.accounts);
    // the planted decline: fewer customers at low risk at the last month end than at the first
    expect(all.by_band.low?.at(-1)).toBeLessThan(all.by_band.low?.[0] as number);
    await check(
      { size_band: "51-200", limit: 3 },
      raw.accounts.filter((a) => a.size_band === "51-200"),
    );
    const none = await s.call("health_scores", { industry: "Nothing here" });
    expect(none.data.trend).toBeNull();
  });

  it("filters by segment, owner and band, with totals of the filtered set", async () => {
    const owner = raw.accounts[0]?.owner as string;
    const r = await s.call("health_scores", { size_band: "51-200", owner: owner.split(" ")[0], limit: 100 });
    expect(r.isError, r.text).toBe(false);
    const want = raw.accounts.filter(
      (a) =>
        a.size_band === "51-200" && a.owner.toLowerCase().includes(owner.split(" ")[0]?.toLowerCase() ?? ""),
    );
    expect(r.data.totals.accounts).toBe(want.length);
    expect(r.data.accounts.map((a: Row) => a.account_id).sort()).toEqual(want.map((a) => a.id).sort());
    const plan = await s.call("health_scores", { plan: "enterprise", band: "low", order: "arr", limit: 5 });
    const wantPlan = raw.accounts.filter((a) => {
      const term = raw.terms.find(
        (t) => t.account_id === a.id && t.start_date <= today && t.renewal_date > today,
      );
      return term?.plan === "enterprise" && reference(a, today).band === "low";
    });
    expect(plan.data.totals.accounts).toBe(wantPlan.length);
    const arrs = plan.data.accounts.map((a: Row) => a.arr as number);
    expect(arrs).toEqual([...arrs].sort((x, y) => y - x));
    expect(arrs[0]).toBe(Math.max(...wantPlan.map((a) => a.arr)));
    const none = await s.call("health_scores", { industry: "Nothing here" });
    expect(none.data).toMatchObject({ accounts: [], totals: { accounts: 0, average_score: null } });
    expect((await s.call("health_scores", { cursor: "bogus" })).isError).toBe(true);
  });
});

describe("renewals_upcoming", () => {
  /** The book recomputed: active terms of customers renewing in [today, today + days]. */
  async function bookOf(days: number) {
    return db.query<{ account_id: string; name: string; arr: number; renewal_date: string }>(
      `SELECT s.account_id, a.name, s.arr, s.renewal_date FROM sb_subscriptions s JOIN sb_accounts a ON a.id = s.account_id
       WHERE s.status = 'active' AND a.lifecycle = 'customer' AND s.renewal_date >= ? AND s.renewal_date <= ?`,
      [today, minus(today, -days)],
    );
  }
  async function openRenewalDeals() {
    return db.query<{
      id: string;
      account_id: string;
      stage: string;
      forecast_category: string;
      close_date: string;
    }>(
      `SELECT id, account_id, stage, forecast_category, close_date FROM sb_deals
       WHERE type = 'renewal' AND stage NOT IN ('closed_won', 'closed_lost') ORDER BY id`,
    );
  }

  it("books every renewal due in the window with its ARR, health, churn probability and deal", async () => {
    const r = await s.call("renewals_upcoming", { limit: 100 });
    expect(r.isError, r.text).toBe(false);
    const book = await bookOf(90);
    const deals = await openRenewalDeals();
    expect(r.data.total.renewals).toBe(book.length);
    expect(r.data.total.arr_due).toBe(book.reduce((t, b) => t + Number(b.arr), 0));
    expect(r.data.renewals.length).toBe(Math.min(100, book.length));
    // churn probabilities are churn_risk's (one model), and so is the ARR at risk
    const churn = await s.call("churn_risk", { renewal_within_days: 90, limit: 100 });
    expect(r.data.total.arr_at_risk).toBe(churn.data.total.arr_at_risk);
    const prob = new Map(churn.data.accounts.map((a: Row) => [a.account_id, a.probability]));
    const threshold = Number(churn.data.meta.inputs.threshold);
    expect(r.data.meta.inputs.churn_threshold).toBe(threshold);
    let high = 0;
    let ambiguous = 0;
    for (const row of r.data.renewals as Row[]) {
      const b = book.find((x) => x.account_id === row.account_id);
      expect(row.arr).toBe(Number(b?.arr));
      expect(row.renewal_date).toBe(b?.renewal_date);
      expect(row.days_to_renewal).toBe(between(today, String(b?.renewal_date)));
      const acc = raw.accounts.find((a) => a.id === row.account_id) as Raw;
      const health = reference(acc, today).score;
      expect(row.health_score).toBe(health);
      expect(row.churn_probability).toBe(prob.get(row.account_id));
      const p = Number(prob.get(row.account_id));
      if (Math.abs(p - threshold) <= 0.01) ambiguous++;
      else {
        expect(row.high_risk, row.account_id).toBe(health < 45 || p >= threshold);
        if (row.high_risk) high++;
      }
      const mine = deals
        .filter((d) => d.account_id === row.account_id)
        .sort(
          (x, y) =>
            Math.abs(between(x.close_date, String(b?.renewal_date))) -
            Math.abs(between(y.close_date, String(b?.renewal_date))),
        );
      expect(row.deal).toEqual(
        mine[0]
          ? { id: mine[0].id, stage: mine[0].stage, forecast_category: mine[0].forecast_category }
          : null,
      );
    }
    expect(Math.abs(r.data.total.high_risk - high)).toBeLessThanOrEqual(ambiguous);
    const atRisk = r.data.renewals.map((x: Row) => x.arr_at_risk as number);
    expect(atRisk).toEqual([...atRisk].sort((x, y) => y - x));
    expect(r.data.total.without_deal).toBe(
      book.filter((b) => !deals.some((d) => d.account_id === b.account_id)).length,
    );
  });

  it("finds the contradictions the rows hold (Ivyhill Inc is no longer one)", async () => {
    const r = await s.call("renewals_upcoming", { within_days: 365, limit: 100 });
    const churn = await s.call("churn_risk", { renewal_within_days: 365, limit: 100 });
    const threshold = Number(churn.data.meta.inputs.threshold);
    const prob = new Map<string, number>(
      churn.data.accounts.map((a: Row) => [a.account_id, Number(a.probability)] as [string, number]),
    );
    // SQL: renewal deals in commit at accounts renewing within the year
    const commits = await db.query<{ account_id: string; name: string }>(
      `SELECT DISTINCT d.account_id, a.name FROM sb_deals d JOIN sb_accounts a ON a.id = d.account_id
       JOIN sb_subscriptions s ON s.account_id = d.account_id AND s.status = 'active'
       WHERE d.type = 'renewal' AND d.forecast_category = 'commit' AND d.stage NOT IN ('closed_won', 'closed_lost')
         AND a.lifecycle = 'customer' AND s.renewal_date >= ? AND s.renewal_date <= ?`,
      [today, minus(today, -365)],
    );
    const contradicted = commits.filter((c) => {
      const acc = raw.accounts.find((a) => a.id === c.account_id) as Raw;
      return reference(acc, today).score < 45 || (prob.get(c.account_id) ?? 0) >= threshold;
    });
    expect(r.data.total.contradictions).toBe(contradicted.length);
    // the issue's example: Ivyhill Inc renews in commit; on today's data it is healthy and unlikely to churn
    const ivy = await db.one<{ id: string; renewal_date: string; forecast_category: string }>(
      `SELECT a.id, s.renewal_date, d.forecast_category FROM sb_accounts a
       JOIN sb_subscriptions s ON s.account_id = a.id AND s.status = 'active'
       JOIN sb_deals d ON d.account_id = a.id AND d.type = 'renewal' AND d.stage NOT IN ('closed_won', 'closed_lost')
       WHERE a.name = 'Ivyhill Inc'`,
    );
    expect(ivy?.forecast_category).toBe("commit");
    const row = (r.data.renewals as Row[]).find((x) => x.account_id === ivy?.id);
    expect(row).toMatchObject({ renewal_date: ivy?.renewal_date, deal: { forecast_category: "commit" } });
    const ivyHealth = reference(raw.accounts.find((a) => a.id === ivy?.id) as Raw, today).score;
    expect(row?.health_score).toBe(ivyHealth);
    expect(row?.contradiction).toBe(
      ivyHealth < 45 || Number(row?.churn_probability) >= threshold ? expect.any(String) : null,
    );
    console.info(
      `renewal book: ${commits.length} renewals in commit within 365 days, ${contradicted.length} contradicted; Ivyhill Inc health ${ivyHealth}, churn ${row?.churn_probability}, renews ${ivy?.renewal_date}`,
    );
  });

  it("flags a commit at a high-risk account and lists only contradictions when asked", async () => {
    const r = await s.call("renewals_upcoming", { limit: 100 });
    const victim = (r.data.renewals as Row[]).find((x) => x.high_risk && x.deal === null) as Row;
    expect(victim).toBeDefined();
    const before = r.data.total.contradictions as number;
    await db.run(
      `INSERT INTO sb_deals (id, name, account_id, owner_id, stage, amount, probability, close_date, created_date, type,
         forecast_category, next_step, last_activity_at)
       SELECT 'deal_test_commit', 'Renewal test', a.id, a.owner_id, 'negotiation', a.arr, 75, ?, ?, 'renewal', 'commit', NULL, NULL
       FROM sb_accounts a WHERE a.id = ?`,
      [victim.renewal_date, today, victim.account_id],
    );
    try {
      const flagged = await s.call("renewals_upcoming", { flagged_only: true });
      expect(flagged.isError, flagged.text).toBe(false);
      expect(flagged.data.total.contradictions).toBe(before + 1);
      const hit = (flagged.data.renewals as Row[]).find((x) => x.account_id === victim.account_id);
      expect(hit).toMatchObject({ deal: { id: "deal_test_commit", forecast_category: "commit" } });
      expect(hit?.contradiction).toMatch(/^in commit, but (churn|health)/);
      expect((flagged.data.renewals as Row[]).every((x) => x.contradiction)).toBe(true);
    } finally {
      await db.run("DELETE FROM sb_deals WHERE id = 'deal_test_commit'");
    }
  });

  it("narrows the window and keeps within the token budgets", async () => {
    const r = await s.call("renewals_upcoming", { within_days: 14 });
    expect(r.data.total.renewals).toBe((await bookOf(14)).length);
    for (const x of r.data.renewals as Row[]) expect(x.days_to_renewal).toBeLessThanOrEqual(14);
    const { tools } = await s.client.listTools();
    for (const name of ["renewals_upcoming", "health_scores", "tickets_search", "ticket_get"]) {
      const t = tools.find((x) => x.name === name);
      if (!t) throw new Error(`${name} is not listed`);
      const tokens = modelVisibleTokens(t);
      console.info(`${name}: ${tokens} model-visible tokens`);
      expect(tokens).toBeLessThanOrEqual(150);
      const res = await s.client.callTool({
        name,
        arguments: name === "ticket_get" ? { ticket_id: "tkt_0001" } : {},
      });
      expect(resultTokens(res as { structuredContent?: unknown }).structured).toBeLessThanOrEqual(1500);
    }
  });
});

describe("account_health", () => {
  const r1 = (v: number) => Math.round(v * 10) / 10;

  it("gives one account's components, band and monthly history as the rows say", async () => {
    const sample = [...raw.accounts].sort((a, b) => a.id.localeCompare(b.id)).filter((_, i) => i % 37 === 0);
    for (const a of sample) {
      const r = await s.call("account_health", { account_id: a.id, months: 3 });
      const ref = reference(a, today);
      expect(r.data).toMatchObject({
        account_id: a.id,
        score: ref.score,
        band: ref.band,
        renewal_date: ref.renewal,
      });
      for (const c of r.data.components as {
        component: keyof Ref["parts"];
        points: number;
        lost: number;
      }[]) {
        expect(c.points).toBe(r1(ref.parts[c.component]));
      }
      const history = r.data.history as { as_of: string; score: number | null }[];
      expect(history.map((h) => h.as_of)).toEqual([
        minus(today, 90),
        minus(today, 60),
        minus(today, 30),
        today,
      ]);
      for (const h of history.slice(0, -1)) {
        const then = reference(a, h.as_of);
        const tooNew = a.created_date > minus(h.as_of, 60) || !then.renewal || then.seats <= 0;
        expect(h.score).toBe(tooNew ? null : then.score);
      }
      expect(history.at(-1)?.score).toBe(ref.score);
    }
  });

  it("shows the churn probability churn_risk gives, refuses an unknown account, and stays within budget", async () => {
    const risk = await s.call("churn_risk", { limit: 1 });
    const top = (risk.data.accounts as { account_id: string; probability: number }[])[0];
    if (!top) throw new Error("churn_risk ranked no account");
    const r = await s.call("account_health", { account_id: top.account_id, months: 1 });
    expect(r.data.churn?.probability).toBe(top.probability);
    expect(r.data.churn?.drivers.length).toBeGreaterThan(0);
    const missing = await s.client.callTool({
      name: "account_health",
      arguments: { account_id: "acc_nope" },
    });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.content)).toMatch(/No customer account acc_nope/);
    const { tools } = await s.client.listTools();
    const t = tools.find((x) => x.name === "account_health");
    if (!t) throw new Error("account_health is not listed");
    const tokens = modelVisibleTokens(t);
    console.info(`account_health: ${tokens} model-visible tokens`);
    expect(tokens).toBeLessThanOrEqual(120);
  });
});

describe("as-of health signals on PostgreSQL", () => {
  const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `cs_health_${process.pid}_${Date.now()}`;
  const dir = tempDataDir("cs-book-pg");
  let admin: SqlDb;
  let pg: SqlDb;

  beforeAll(async () => {
    admin = await openSql({ databaseUrl: PG_URL, dataDir: dir });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    const sep = PG_URL.includes("?") ? "&" : "?";
    pg = await openSql({
      databaseUrl: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      dataDir: dir,
    });
    await ensureSandboxLoaded(pg, {});
  }, 120_000);
  afterAll(async () => {
    await pg?.close();
    await admin?.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.close();
  });

  it("gives the same past signals, renewal deals and ticket searches as SQLite", async () => {
    const [a, b] = [new SandboxSupport(db), new SandboxSupport(pg)];
    for (const asOf of [minus(today, 30), minus(today, 90)])
      expect(await b.accountSignals({ asOf })).toEqual(await a.accountSignals({ asOf }));
    expect(await b.renewalDeals()).toEqual(await a.renewalDeals());
    const q = { text: "slow", tag: "performance", limit: 20 };
    expect(await b.searchTickets(q)).toEqual(await a.searchTickets(q));
    // the catalogue's reads: subscription terms (ARR bridge), key-feature use (expansion), ticket facts (trends)
    const period = { from: minus(today, 365), to: today };
    expect(await b.subscriptionTerms(period)).toEqual(await a.subscriptionTerms(period));
    expect(await b.featureUse()).toEqual(await a.featureUse());
    expect(await b.ticketFacts({ from: minus(today, 90), to: today })).toEqual(
      await a.ticketFacts({ from: minus(today, 90), to: today }),
    );
  });
});
