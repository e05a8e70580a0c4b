import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSandboxLoaded, sandboxToday } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RISK_WEIGHTS } from "../src/domain/risk";
import { createSalesServer } from "../src/server";

// The sandbox at seed 42, scale 1 (the server's default): the same rows the tool reads in process.
let dir: string;
let db: SqlDb;
let today: string;
let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "risk-test-"));
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db);
  today = await sandboxToday(db);
  s = await connectInProcess([createSalesServer()], { env: { REVOPS_TOOLSETS: "all" } });
}, 60_000);
afterAll(async () => {
  await s?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const num = (v: unknown) => Number(v ?? 0);
interface RiskRow {
  id: string;
  owner: string;
  stage: string;
  type: string;
  days_in_stage: number | null;
  risk: number;
  score: number;
  reasons: string[];
}
const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = Math.floor(a.length / 2);
  return a.length % 2 ? (a[m] as number) : ((a[m - 1] as number) + (a[m] as number)) / 2;
};
const day = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000;

/** Every reason of every open deal, from raw SQL row by row (no code under test). */
async function expectedRisks(noActivityDays: number) {
  const hist = await db.query<{ deal_id: string; to_stage: string; changed_at: string; stage: string }>(
    `SELECT h.deal_id, h.to_stage, h.changed_at, d.stage FROM sb_deal_stage_history h
     JOIN sb_deals d ON d.id = h.deal_id ORDER BY h.deal_id, h.changed_at, h.id`,
  );
  // typical: median days closed deals spent in each open stage (to their next stage row)
  const spans = new Map<string, number[]>();
  for (let i = 0; i < hist.length; i++) {
    const h = hist[i] as (typeof hist)[number];
    const next = hist[i + 1];
    if (!["closed_won", "closed_lost"].includes(h.stage) || !next || next.deal_id !== h.deal_id) continue;
    if (h.to_stage.startsWith("closed")) continue;
    spans.set(h.to_stage, [...(spans.get(h.to_stage) ?? []), day(next.changed_at) - day(h.changed_at)]);
  }
  const typical = new Map([...spans].map(([st, xs]) => [st, median(xs)]));
  const deals = await db.query<Record<string, unknown>>(
    `SELECT d.id, d.stage, d.amount, d.close_date, d.last_activity_at, d.created_date,
       (SELECT MAX(h.changed_at) FROM sb_deal_stage_history h WHERE h.deal_id = d.id AND h.to_stage = d.stage) AS entered,
       (SELECT COUNT(DISTINCT a.contact_id) FROM sb_activities a WHERE a.deal_id = d.id) AS contacts
     FROM sb_deals d WHERE d.stage NOT IN ('closed_won', 'closed_lost')`,
  );
  return {
    open: deals.length,
    typical,
    deals: deals
      .map((d) => {
        const codes: string[] = [];
        const inStage = day(today) - day(String(d.entered ?? d.created_date));
        const t = typical.get(String(d.stage));
        if (t !== undefined && inStage > t) codes.push("stalled");
        if (!d.last_activity_at || day(today) - day(String(d.last_activity_at)) >= noActivityDays)
          codes.push("no_activity");
        if (String(d.close_date) < today) codes.push("past_due");
        if (num(d.contacts) <= 1) codes.push("single_threaded");
        const risk = 1 - codes.reduce((k, c) => k * (1 - RISK_WEIGHTS[c as keyof typeof RISK_WEIGHTS]), 1);
        return { id: String(d.id), codes, risk, score: num(d.amount) * risk, amount: num(d.amount) };
      })
      .filter((d) => d.codes.length > 0)
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)),
  };
}

describe("deals_at_risk on the sandbox, recomputed from raw SQL", () => {
  it("ranks every at-risk open deal by amount × risk with the reasons SQL finds", async () => {
    const want = await expectedRisks(14);
    expect(want.deals.length).toBeGreaterThan(10);
    const got: RiskRow[] = [];
    let cursor: string | undefined;
    let first:
      | {
          totals: unknown;
          meta: { inputs: Record<string, unknown>; method: string; as_of: string; caveats: string[] };
        }
      | undefined;
    do {
      const r = await s.call("deals_at_risk", { limit: 50, ...(cursor && { cursor }) });
      expect(r.isError, r.text).toBe(false);
      first ??= r.data as NonNullable<typeof first>;
      got.push(...r.data.deals);
      cursor = r.data.next_cursor ?? undefined;
    } while (cursor);
    expect(got.map((d) => d.id)).toEqual(want.deals.map((d) => d.id));
    got.forEach((d, i) => {
      const w = want.deals[i] as (typeof want.deals)[number];
      expect(d.reasons.map((r: string) => r.split(":")[0]).sort(), d.id).toEqual([...w.codes].sort());
      expect(d.risk).toBe(Math.round(w.risk * 1000) / 1000);
      expect(d.score).toBe(Math.round(w.score));
    });
    expect(first?.totals).toEqual({
      open_deals: want.open,
      at_risk: want.deals.length,
      at_risk_amount: want.deals.reduce((t, d) => t + d.amount, 0),
      risk_weighted_amount: Math.round(want.deals.reduce((t, d) => t + d.score, 0)),
    });
    for (const [stage, days] of want.typical) expect(first?.meta.inputs[`typical_days_${stage}`]).toBe(days);
    expect(first?.meta.method).toMatch(/deal-risk-v1/);
    expect(first?.meta.as_of).toBe(today);
    expect(first?.meta.caveats.join(" ")).toMatch(/sb_changes/);
  });

  it("explains stalled deals against the stage's typical time and counts idle days from the SQL", async () => {
    const r = await s.call("deals_at_risk", { limit: 50, no_activity_days: 30 });
    const want = await expectedRisks(30);
    expect(r.data.totals.at_risk).toBe(want.deals.length);
    const stalled = r.data.deals.find((d: RiskRow) => d.reasons.some((x: string) => x.startsWith("stalled")));
    if (!stalled) throw new Error("no stalled deal");
    const text = stalled.reasons.find((x: string) => x.startsWith("stalled")) as string;
    const [, inStage, typical] = text.match(/(\d+)d in \w+, typical ([\d.]+)d/) ?? [];
    expect(Number(inStage)).toBe(stalled.days_in_stage);
    expect(Number(typical)).toBe(want.typical.get(stalled.stage));
    expect(Number(inStage)).toBeGreaterThan(Number(typical));
  });

  it("filters by owner and deal type", async () => {
    const owner = (await db.one<{ name: string }>("SELECT name FROM sb_users ORDER BY id LIMIT 1"))?.name;
    const r = await s.call("deals_at_risk", { owner, type: "new_business", limit: 50 });
    expect(r.isError, r.text).toBe(false);
    for (const d of r.data.deals) {
      expect(d.owner).toBe(owner);
      expect(d.type).toBe("new_business");
    }
    const open = await db.one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM sb_deals d JOIN sb_users u ON u.id = d.owner_id
       WHERE d.stage NOT IN ('closed_won','closed_lost') AND u.name = ? AND d.type = 'new_business'`,
      [owner],
    );
    expect(r.data.totals.open_deals).toBe(num(open?.n));
  });

  it("rejects a cursor from another list", async () => {
    const other = (await s.call("deals_list", { limit: 1 })).data.next_cursor;
    expect((await s.call("deals_at_risk", { cursor: other })).isError).toBe(true);
  });
});
