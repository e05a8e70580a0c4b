import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TouchPaths } from "@revops/model";
import { ensureSandboxLoaded, SANDBOX_DEFAULTS } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, modelVisibleTokens, resultTokens } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTRIBUTION_MODELS, attribute, removalEffects, splitDollars } from "../src/domain/attribution";
import { sandboxTouchPaths } from "../src/integrations/sandbox/attribution-paths";
import { createMarketingServer } from "../src/server";

// Every expectation below is recomputed from the sandbox tables with SQL (SQLite), not from the tool's own output.
const TODAY = SANDBOX_DEFAULTS.today;
const opts = (model: (typeof ATTRIBUTION_MODELS)[number]) => ({ model, lookbackDays: 90, halfLifeDays: 7 });

/** Touches of converted leads in the 90 days up to the end of the opportunity's creation day, open and won deals. */
const WINDOW = `
WITH w AS (
  SELECT d.id AS deal_id, d.amount, d.stage, d.created_date, l.created_at AS lead_at, t.id AS touch_id,
    t.campaign_id, t.occurred_at
  FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id
  JOIN sb_campaign_touches t ON t.lead_id = l.id
  WHERE d.stage <> 'closed_lost'
    AND t.occurred_at >= date(d.created_date, '-90 days') AND t.occurred_at <= d.created_date || 'T23:59:59.999Z'
)`;

type Money = { campaign_id: string; pipeline: number; revenue: number };
const PICK = (dir: "" | "DESC") => `${WINDOW}
SELECT campaign_id, SUM(amount) AS pipeline, SUM(CASE WHEN stage = 'closed_won' THEN amount ELSE 0 END) AS revenue
FROM (SELECT deal_id, amount, stage, campaign_id,
        ROW_NUMBER() OVER (PARTITION BY deal_id ORDER BY occurred_at ${dir}, touch_id ${dir}) AS rn FROM w)
WHERE rn = 1 GROUP BY campaign_id`;

let s: Awaited<ReturnType<typeof connectInProcess>>;
let db: SqlDb;
let dir: string;
let paths: TouchPaths;
let totals: { deals: number; pipeline: number; revenue: number };

const n = (v: unknown) => Number(v ?? 0);
const byCampaign = (rows: { id: string; pipeline: number; revenue: number }[]) =>
  new Map(rows.map((r) => [r.id, { pipeline: r.pipeline, revenue: r.revenue }]));

beforeAll(async () => {
  s = await connectInProcess([createMarketingServer()]);
  dir = mkdtempSync(join(tmpdir(), "attribution-test-"));
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db, { seed: SANDBOX_DEFAULTS.seed, scale: SANDBOX_DEFAULTS.scale });
  paths = await sandboxTouchPaths(db);
  const [t] = await db.query<Record<string, unknown>>(
    `${WINDOW} SELECT COUNT(*) AS deals, SUM(amount) AS pipeline,
       SUM(CASE WHEN stage = 'closed_won' THEN amount ELSE 0 END) AS revenue
     FROM (SELECT DISTINCT deal_id, amount, stage FROM w)`,
  );
  totals = { deals: n(t?.deals), pipeline: n(t?.pipeline), revenue: n(t?.revenue) };
});
afterAll(async () => {
  await s.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("attribution totals", () => {
  it("every model's totals are the distinct touched deals' amounts", async () => {
    expect(totals.deals).toBeGreaterThan(10);
    for (const model of ATTRIBUTION_MODELS) {
      const r = await s.call("attribution", { model, top: 100 });
      expect(r.isError, r.text).toBe(false);
      expect(r.data.totals).toMatchObject(totals);
      const rows = r.data.campaigns as Money[] & { pipeline: number; revenue: number }[];
      expect(rows.reduce((a, c) => a + c.pipeline, 0)).toBe(totals.pipeline);
      expect(rows.reduce((a, c) => a + c.revenue, 0)).toBe(totals.revenue);
      expect(r.data.meta.inputs).toMatchObject({ model, lookback_days: 90 });
    }
  });

  it("keeps sourced pipeline apart: each deal in full for the campaign that sourced its lead", async () => {
    const sourced = await db.query<Record<string, unknown>>(
      `SELECT l.campaign_id, SUM(d.amount) AS pipeline, SUM(CASE WHEN d.stage = 'closed_won' THEN d.amount ELSE 0 END) AS revenue
       FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id
       WHERE l.campaign_id IS NOT NULL AND d.stage <> 'closed_lost' GROUP BY l.campaign_id`,
    );
    const r = await s.call("attribution", { top: 100 });
    expect(r.data.totals.sourced_pipeline).toBe(sourced.reduce((a, x) => a + n(x.pipeline), 0));
    expect(r.data.totals.sourced_revenue).toBe(sourced.reduce((a, x) => a + n(x.revenue), 0));
    const got = new Map(
      (r.data.campaigns as { id: string; sourced_pipeline: number }[]).map((c) => [c.id, c.sourced_pipeline]),
    );
    for (const x of sourced) expect(got.get(String(x.campaign_id))).toBe(n(x.pipeline));
  });

  it("reports deals without a touch in the window as unattributed", async () => {
    const [u] = await db.query<Record<string, unknown>>(
      `${WINDOW} SELECT COUNT(*) AS deals, SUM(d.amount) AS pipeline FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id
       WHERE d.stage <> 'closed_lost' AND d.id NOT IN (SELECT deal_id FROM w)`,
    );
    const r = await s.call("attribution", {});
    expect(r.data.unattributed).toMatchObject({ deals: n(u?.deals), pipeline: n(u?.pipeline) });
  });
});

describe("models against SQL", () => {
  it.each([
    ["first_touch", ""],
    ["last_touch", "DESC"],
  ] as const)("%s credits the SQL pick in full", async (model, order) => {
    const expected = await db.query<Record<string, unknown>>(PICK(order));
    const got = byCampaign((await s.call("attribution", { model, top: 100 })).data.campaigns);
    for (const e of expected)
      expect(got.get(String(e.campaign_id))).toEqual({ pipeline: n(e.pipeline), revenue: n(e.revenue) });
    const credited = [...got.entries()].filter(([, v]) => v.pipeline > 0).map(([id]) => id);
    expect(credited.sort()).toEqual(expected.map((e) => String(e.campaign_id)).sort());
  });

  it("linear gives each touch an equal share (within a dollar of rounding per deal)", async () => {
    const expected = await db.query<Record<string, unknown>>(
      `${WINDOW}, per AS (SELECT deal_id, amount, stage, campaign_id, COUNT(*) AS k FROM w GROUP BY deal_id, amount, stage, campaign_id),
       tot AS (SELECT deal_id, COUNT(*) AS nt FROM w GROUP BY deal_id)
       SELECT campaign_id, SUM(amount * 1.0 * k / nt) AS pipeline, COUNT(*) AS deals
       FROM per JOIN tot USING (deal_id) GROUP BY campaign_id`,
    );
    const got = byCampaign((await s.call("attribution", { model: "linear", top: 100 })).data.campaigns);
    for (const e of expected)
      expect(Math.abs((got.get(String(e.campaign_id))?.pipeline ?? 0) - n(e.pipeline))).toBeLessThan(
        n(e.deals),
      );
  });

  it("time decay, U and W shapes match hand computations on deals with several touches", async () => {
    const rows = await db.query<Record<string, unknown>>(
      `${WINDOW} SELECT * FROM w WHERE deal_id IN (SELECT deal_id FROM w GROUP BY deal_id HAVING COUNT(*) >= 3)
       ORDER BY deal_id, occurred_at, touch_id`,
    );
    const deals = new Map<string, Record<string, unknown>[]>();
    for (const r of rows) deals.set(String(r.deal_id), [...(deals.get(String(r.deal_id)) ?? []), r]);
    expect(deals.size).toBeGreaterThan(2);
    const day = 86_400_000;
    const expectations = {
      time_decay: (ts: Record<string, unknown>[]) => {
        const anchor = Date.parse(`${ts[0]?.created_date}T00:00:00Z`);
        return ts.map((t) => 0.5 ** (Math.max(0, anchor - Date.parse(String(t.occurred_at))) / day / 7));
      },
      u_shaped: (ts: Record<string, unknown>[]) =>
        ts.map((_, i) => (i === 0 || i === ts.length - 1 ? 0.4 : 0.2 / (ts.length - 2))),
      w_shaped: (ts: Record<string, unknown>[]) => {
        const lead = String(ts[0]?.lead_at);
        const leadIdx = ts.reduce((at, t, i) => (String(t.occurred_at) <= lead ? i : at), 0);
        const last = ts.length - 1;
        const w = ts.map((_, i) => (i === 0 ? 0.3 : 0) + (i === leadIdx ? 0.3 : 0) + (i === last ? 0.3 : 0));
        const middle = w.filter((x) => x === 0).length;
        return w.map((x) => (x === 0 ? 0.1 / middle : x));
      },
    };
    for (const [model, weigh] of Object.entries(expectations)) {
      const result = attribute(paths.deals, opts(model as keyof typeof expectations));
      for (const [dealId, ts] of [...deals].slice(0, 5)) {
        const w = weigh(ts);
        const sum = w.reduce((a, b) => a + b, 0);
        const want = new Map<string, number>();
        for (const [i, t] of ts.entries()) {
          const c = String(t.campaign_id);
          want.set(c, (want.get(c) ?? 0) + (n(t.amount) * (w[i] ?? 0)) / sum);
        }
        const got = result.credits.get(dealId);
        for (const [c, x] of want)
          expect(Math.abs((got?.get(c) ?? 0) - x), `${model} ${dealId} ${c}`).toBeLessThan(1);
      }
    }
  });

  it("every deal's credits sum to its amount, for every model, over the SQL deal set", async () => {
    const sqlDeals = await db.query<Record<string, unknown>>(
      `${WINDOW} SELECT DISTINCT deal_id, amount FROM w`,
    );
    for (const model of ATTRIBUTION_MODELS) {
      const r = attribute(paths.deals, opts(model));
      expect([...r.credits.keys()].sort()).toEqual(sqlDeals.map((d) => String(d.deal_id)).sort());
      for (const d of sqlDeals) {
        const credits = [...(r.credits.get(String(d.deal_id))?.values() ?? [])];
        for (const c of credits) expect(Number.isInteger(c) && c >= 0).toBe(true);
        expect(
          credits.reduce((a, b) => a + b, 0),
          `${model} ${d.deal_id}`,
        ).toBe(n(d.amount));
      }
    }
  });

  it("data_driven is deterministic and matches a hand-solved Markov chain", async () => {
    // start→A 2/3, start→B 1/3; A→conv ½, A→B ½; B→conv ½, B→null ½: P = 2/3; without A 1/6, without B 1/3
    const effects = removalEffects([
      { campaigns: ["A"], converted: true },
      { campaigns: ["A", "B"], converted: true },
      { campaigns: ["B"], converted: false },
    ]);
    expect(effects.get("A")).toBeCloseTo(0.75, 10);
    expect(effects.get("B")).toBeCloseTo(0.5, 10);
    const a = await s.call("attribution", { model: "data_driven", top: 100 });
    const b = await s.call("attribution", { model: "data_driven", top: 100 });
    expect(a.data.campaigns).toEqual(b.data.campaigns);
  });

  it("splits remainders deterministically, largest fraction first then campaign id", () => {
    // 7 × (½, ¼, ¼) = 3.5, 1.75, 1.75: floors 3, 1, 1 and the two dollars left go to the .75s
    const third = new Map([
      ["b", 1],
      ["a", 1],
      ["c", 1],
    ]);
    expect([...splitDollars(100, third)].sort()).toEqual([
      ["a", 34],
      ["b", 33],
      ["c", 33],
    ]);
    expect(
      [
        ...splitDollars(
          7,
          new Map([
            ["x", 0.5],
            ["y", 0.25],
            ["z", 0.25],
          ]),
        ),
      ].sort(),
    ).toEqual([
      ["x", 3],
      ["y", 2],
      ["z", 2],
    ]);
  });
});

describe("maturity", () => {
  it("flags campaigns younger than the median lead → won cycle and gives them no ROI", async () => {
    const won = await db.query<{ days: number }>(
      `SELECT julianday(d.close_date) - julianday(date(l.created_at)) AS days
       FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id WHERE d.stage = 'closed_won' ORDER BY days`,
    );
    const days = won.map((w) => n(w.days));
    const mid = Math.floor(days.length / 2);
    const cycle = Math.round(
      days.length % 2 ? (days[mid] ?? 0) : ((days[mid - 1] ?? 0) + (days[mid] ?? 0)) / 2,
    );
    const young = await db.query<{ id: string }>(
      "SELECT id FROM sb_campaigns WHERE julianday(?) - julianday(start_date) < ? ORDER BY id",
      [TODAY, cycle],
    );
    expect(young.length).toBeGreaterThan(0);
    const r = await s.call("attribution", { top: 100 });
    expect(r.data.meta.inputs.sales_cycle_days).toBe(cycle);
    const rows = r.data.campaigns as { id: string; mature: boolean; roi: number | null }[];
    expect(
      rows
        .filter((c) => !c.mature)
        .map((c) => c.id)
        .sort(),
    ).toEqual(young.map((y) => y.id));
    for (const c of rows.filter((x) => !x.mature)) expect(c.roi).toBeNull();
    expect(r.data.meta.caveats.join(" ")).toMatch(/younger than the median sales cycle/);
  });
});

describe("campaign_performance", () => {
  it.each(ATTRIBUTION_MODELS)("matches attribution per campaign to the dollar (%s)", async (model) => {
    const perf = await s.call("campaign_performance", { model, rank_by: "pipeline", top: 50 });
    const attr = await s.call("attribution", { model, top: 100 });
    expect(perf.isError, perf.text).toBe(false);
    const want = new Map(
      (attr.data.campaigns as { id: string; pipeline: number; revenue: number; roi: number | null }[]).map(
        (c) => [c.id, c],
      ),
    );
    for (const c of perf.data.campaigns as {
      id: string;
      pipeline: number;
      revenue: number;
      roi: number | null;
    }[]) {
      expect({ pipeline: c.pipeline, revenue: c.revenue, roi: c.roi }).toEqual({
        pipeline: want.get(c.id)?.pipeline,
        revenue: want.get(c.id)?.revenue,
        roi: want.get(c.id)?.roi,
      });
    }
    expect(perf.data.totals.pipeline).toBe(totals.pipeline);
    expect(perf.data.totals.revenue).toBe(totals.revenue);
    expect(perf.data.meta.caveats.join(" ")).not.toMatch(/not credited/);
  });
});

describe("all_models", () => {
  it("adds each shown campaign's pipeline under every model: first/last/linear as SQL says, the rest as each model alone", async () => {
    const r = await s.call("attribution", { model: "w_shaped", top: 8, all_models: true });
    expect(r.isError, r.text).toBe(false);
    const m = r.data.by_model as { models: string[]; pipeline: Record<string, number[]> };
    expect(m.models).toEqual([...ATTRIBUTION_MODELS]);
    const ids = (r.data.campaigns as { id: string; pipeline: number }[]).map((c) => c.id);
    expect(Object.keys(m.pipeline).sort()).toEqual([...ids].sort());
    const at = (model: string) => m.models.indexOf(model);
    for (const [model, order] of [
      ["first_touch", ""],
      ["last_touch", "DESC"],
    ] as const) {
      const sql = new Map(
        (await db.query<Record<string, unknown>>(PICK(order))).map((e) => [
          String(e.campaign_id),
          n(e.pipeline),
        ]),
      );
      for (const id of ids) expect(m.pipeline[id]?.[at(model)], `${model} ${id}`).toBe(sql.get(id) ?? 0);
    }
    const linear = await db.query<Record<string, unknown>>(
      `${WINDOW}, per AS (SELECT deal_id, amount, campaign_id, COUNT(*) AS k FROM w GROUP BY deal_id, amount, campaign_id),
       tot AS (SELECT deal_id, COUNT(*) AS nt FROM w GROUP BY deal_id)
       SELECT campaign_id, SUM(amount * 1.0 * k / nt) AS pipeline, COUNT(*) AS deals FROM per JOIN tot USING (deal_id) GROUP BY campaign_id`,
    );
    for (const e of linear.filter((x) => ids.includes(String(x.campaign_id))))
      expect(Math.abs((m.pipeline[String(e.campaign_id)]?.[at("linear")] ?? 0) - n(e.pipeline))).toBeLessThan(
        n(e.deals),
      );
    // the model asked for is the campaigns' own pipeline; every other column is that model's own answer
    for (const c of r.data.campaigns as { id: string; pipeline: number }[])
      expect(m.pipeline[c.id]?.[at("w_shaped")]).toBe(c.pipeline);
    for (const model of ["time_decay", "u_shaped", "data_driven"]) {
      const alone = byCampaign((await s.call("attribution", { model, top: 100 })).data.campaigns);
      for (const id of ids)
        expect(m.pipeline[id]?.[at(model)], `${model} ${id}`).toBe(alone.get(id)?.pipeline ?? 0);
    }
    // models disagree: some campaign's credit differs between first and last touch
    expect(ids.some((id) => m.pipeline[id]?.[0] !== m.pipeline[id]?.[1])).toBe(true);
    const plain = await s.call("attribution", { model: "w_shaped", top: 8 });
    expect(plain.data.by_model).toBeUndefined();
    const full = await s.client.callTool({ name: "attribution", arguments: { all_models: true } });
    expect(resultTokens(full as never).structured).toBeLessThanOrEqual(1500);
  });
});

describe("budgets", () => {
  it("keeps the model-visible input and the default result small", async () => {
    const tool = (await s.client.listTools()).tools.find((t) => t.name === "attribution");
    expect(tool).toBeDefined();
    expect(modelVisibleTokens(tool as never)).toBeLessThanOrEqual(150);
    const r = await s.client.callTool({ name: "attribution", arguments: {} });
    expect(resultTokens(r as never).structured).toBeLessThanOrEqual(1500);
    expect((r.structuredContent as { campaigns: unknown[] }).campaigns).toHaveLength(10);
    expect((r.structuredContent as { left_out: { campaigns: number } }).left_out.campaigns).toBe(20);
  });

  it("reads the touch paths quickly", async () => {
    const t0 = performance.now();
    await sandboxTouchPaths(db);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
