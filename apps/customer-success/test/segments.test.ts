import { approvalIdIn, type GuardedHarness } from "@revops/guards/testing";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWeights } from "../src/domain/health-model";
import { parseFilter } from "../src/domain/segments";
import { type GuardedSandbox, guardedSandbox, typeThePhrase } from "./guarded";

/** segments and customers_bulk_update on the sandbox through the guard and the MCP client; figures recomputed in SQL. */
// biome-ignore lint/suspicious/noExplicitAny: the test reads structured results field by field
const d = (r: { data?: unknown }): any => r.data;
const DAY = 86_400_000;
const minus = (day: string, n: number) => new Date(Date.parse(day) - n * DAY).toISOString().slice(0, 10);

interface Segment {
  segment: string;
  accounts: number;
  arr: number;
  average_health: number | null;
  churn_probability: number | null;
  sample: { id: string; name: string }[];
}
const bySegment = (rows: Segment[]) =>
  Object.fromEntries(rows.map((s) => [s.segment, { accounts: s.accounts, arr: s.arr }]));

describe("segment rules and weights (pure)", () => {
  it("refuses unknown rules and components, names the field, and normalises a total other than 1", () => {
    expect(() => parseFilter({ colour: "red" })).toThrow(/filter\.colour: unknown rule/);
    expect(() => parseFilter({ usage_trend: "sideways" })).toThrow(/filter\.usage_trend/);
    expect(parseFilter({ industry: "Retail", arr_min: "5000" })).toEqual({
      lifecycle: "customer",
      industry: "retail",
      arr_min: 5000,
    });
    const base = { usage: 0.35, adoption: 0.2, support: 0.25, nps: 0.2 };
    expect(() => checkWeights({ speed: 0.5 }, base)).toThrow(/weights\.speed: unknown component/);
    expect(() => checkWeights({ usage: -0.1 }, base)).toThrow(/weights\.usage/);
    expect(checkWeights({ usage: 0.35 }, base).normalised).toBeNull();
    const scaled = checkWeights({ usage: 1, adoption: 1, support: 1, nps: 1 }, base);
    expect(scaled.weights).toEqual({ usage: 0.25, adoption: 0.25, support: 0.25, nps: 0.25 });
    expect(scaled.normalised).toMatch(/summed to 4/);
  });
});

describe("segments on the sandbox, through the guard and the MCP client", () => {
  let g: GuardedSandbox;
  let h: GuardedHarness;
  let db: SqlDb;
  let today: string;

  beforeAll(async () => {
    g = await guardedSandbox("health_model");
    ({ h, db, today } = g);
  }, 120_000);
  afterAll(() => g?.close());

  it("rule segments: accounts and ARR per region of one industry match SQL over the account book", async () => {
    const top = await db.one<{ industry: string }>(
      "SELECT industry FROM sb_accounts WHERE lifecycle = 'customer' GROUP BY industry ORDER BY COUNT(*) DESC, industry LIMIT 1",
    );
    const industry = String(top?.industry);
    const r = await h.call("segments", { filter: { industry }, group_by: "region" });
    expect(r.isError, r.text).toBe(false);
    const want = await db.query<{ region: string; n: number; arr: number }>(
      "SELECT region, COUNT(*) AS n, SUM(arr) AS arr FROM sb_accounts WHERE lifecycle = 'customer' AND industry = ? GROUP BY region",
      [industry],
    );
    expect(bySegment(d(r).segments)).toEqual(
      Object.fromEntries(want.map((w) => [w.region, { accounts: Number(w.n), arr: Number(w.arr) }])),
    );
    for (const s of d(r).segments as Segment[]) {
      expect(s.sample.length).toBe(Math.min(3, s.accounts));
      expect(s.average_health).toBeGreaterThan(0);
    }
    expect(d(r).meta.method).toMatch(/segments-v1/);
  });

  it("behaviour segments: accounts per usage trend match SQL over raw daily usage", async () => {
    const r = await h.call("segments", { group_by: "usage_trend" });
    expect(r.isError, r.text).toBe(false);
    const want = await db.query<{ trend: string; n: number; arr: number }>(
      `SELECT trend, COUNT(*) AS n, SUM(arr) AS arr FROM (
         SELECT a.arr, CASE
           WHEN COALESCE(p.e, 0) <= 0 THEN CASE WHEN COALESCE(l.e, 0) > 0 THEN 'up' ELSE 'flat' END
           WHEN (COALESCE(l.e, 0) - p.e) * 1.0 / p.e <= -0.15 THEN 'down'
           WHEN (COALESCE(l.e, 0) - p.e) * 1.0 / p.e >= 0.15 THEN 'up' ELSE 'flat' END AS trend
         FROM sb_accounts a
         LEFT JOIN (SELECT account_id, SUM(events) AS e FROM sb_usage_daily WHERE day >= ? AND day < ? GROUP BY account_id) l ON l.account_id = a.id
         LEFT JOIN (SELECT account_id, SUM(events) AS e FROM sb_usage_daily WHERE day >= ? AND day < ? GROUP BY account_id) p ON p.account_id = a.id
         WHERE a.lifecycle = 'customer') t GROUP BY trend`,
      [minus(today, 30), today, minus(today, 60), minus(today, 30)],
    );
    expect(bySegment(d(r).segments)).toEqual(
      Object.fromEntries(want.map((w) => [w.trend, { accounts: Number(w.n), arr: Number(w.arr) }])),
    );
    // churn probability is the mean of those with a renewal ahead: a probability
    for (const s of d(r).segments as Segment[])
      if (s.churn_probability !== null) expect(s.churn_probability).toBeGreaterThan(0);
    const bad = await h.call("segments", { filter: { colour: "red" } });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/filter\.colour/);
  });

  it("bulk change: counts and a sample in the plan, approval above the threshold, written once and journalled", async () => {
    const filter = { usage_trend: "down" };
    const seg = await h.call("segments", { filter, group_by: "size_band" });
    const total = d(seg).total.accounts as number;
    expect(total).toBeGreaterThan(1);
    const dry = await h.call("customers_bulk_update", {
      filter,
      tags: { "adoption-push": true },
      csm: "Aisha",
      dry_run: true,
    });
    expect(dry.isError, dry.text).toBeFalsy();
    const plan = d(dry).plan;
    expect(plan).toMatchObject({ action: "update", record_type: "customer", count: total });
    expect(plan.records.length).toBe(Math.min(5, total));
    expect(plan.changes).toEqual({ tags_add: ["adoption-push"], csm: "Aisha Rahman (csm_03)" });
    typeThePhrase(h);
    const queued = await h.call("customers_bulk_update", {
      filter,
      tags: { "adoption-push": true },
      csm: "Aisha",
    });
    expect(queued.isError).toBe(true);
    expect(queued.text).toMatch(/high risk/);
    const id = approvalIdIn(queued.text) as string;
    await g.approve(id);
    const r = await h.call("customers_bulk_update", {
      filter,
      tags: { "adoption-push": true },
      csm: "Aisha",
      approval_id: id,
    });
    expect(r.isError, r.text).toBe(false);
    expect(d(r)).toMatchObject({ matched: total, changed: total, recovered: false });
    const rows = await db.query<{ csm_id: string; tags: string }>("SELECT csm_id, tags FROM sb_account_cs");
    expect(rows.length).toBe(total);
    for (const row of rows) expect([row.csm_id, JSON.parse(row.tags)]).toEqual(["csm_03", ["adoption-push"]]);
    const journal = await db.one<{ n: number }>(
      "SELECT COUNT(DISTINCT record_id) AS n FROM sb_changes WHERE entity = 'account' AND principal = 'alice'",
    );
    expect(Number(journal?.n)).toBe(total);
    const tagged = await h.call("segments", { filter: { tag: "adoption-push" }, group_by: "csm" });
    expect(bySegment(d(tagged).segments)["Aisha Rahman"]?.accounts).toBe(total);
    const nothing = await h.call("customers_bulk_update", { filter, dry_run: true });
    expect(nothing.isError).toBe(true);
    expect(nothing.text).toMatch(/Nothing to change/);
    const badCsm = await h.call("customers_bulk_update", { filter, csm: "Nobody", dry_run: true });
    expect(badCsm.text).toMatch(/csm: no CSM/);
  });
});
