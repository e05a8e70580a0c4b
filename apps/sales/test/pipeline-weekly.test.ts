import type { SqlDb } from "@revops/store";
import { resultTokens, type SandboxServer, withSandboxServer } from "@revops/testing";
import { describe, expect, it } from "vitest";
import { createSalesServer } from "../src/server";

// pipeline_summary's weekly series against the stage history read with SQL (never the code's own snapshots).
let db: SqlDb;
let s: SandboxServer["s"];
let today: string;
withSandboxServer(
  "pipeline-weekly",
  () => [createSalesServer()],
  (h) => {
    ({ db, s, today } = h);
  },
);

const OPEN = ["prospecting", "qualification", "proposal", "negotiation"];
const minus = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/** Open amount per stage of deals closing in [from, to], each in its last stage entered on or before `day`. */
async function openAt(day: string, from: string, to: string, ownerName?: string) {
  const rows = await db.query<{ stage: string; amount: number }>(
    `SELECT h.to_stage AS stage, SUM(d.amount) AS amount
     FROM sb_deals d JOIN sb_users u ON u.id = d.owner_id
     JOIN sb_deal_stage_history h ON h.deal_id = d.id
     WHERE d.close_date >= ? AND d.close_date <= ? AND (? IS NULL OR u.name = ?)
       AND h.id = (SELECT h2.id FROM sb_deal_stage_history h2
                   WHERE h2.deal_id = d.id AND substr(h2.changed_at, 1, 10) <= ?
                   ORDER BY h2.changed_at DESC, h2.id DESC LIMIT 1)
     GROUP BY h.to_stage`,
    [from, to, ownerName ?? null, ownerName ?? null, day],
  );
  const by = new Map(rows.map((r) => [r.stage, Math.round(Number(r.amount))]));
  return Object.fromEntries(OPEN.map((st) => [st, by.get(st) ?? 0]));
}

describe("pipeline_summary by_week", () => {
  it("gives each open stage's amount at the end of each of the last 8 weeks, the last week being today's", async () => {
    const r = await s.call("pipeline_summary", { quarter: "2026-Q4" });
    expect(r.isError, r.text).toBe(false);
    const w = r.data.by_week as { week_ending: string[]; open: Record<string, number[]> };
    expect(w.week_ending).toEqual([49, 42, 35, 28, 21, 14, 7, 0].map((n) => minus(today, n)));
    for (const [i, day] of w.week_ending.entries()) {
      const want = await openAt(day, "2026-10-01", "2026-12-31");
      expect(Object.fromEntries(OPEN.map((st) => [st, w.open[st]?.[i]])), day).toEqual(want);
    }
    // the last week is the pipeline as it is: the stage totals of the same result
    for (const line of r.data.by_stage as { stage: string; amount: number }[])
      if (OPEN.includes(line.stage)) expect(w.open[line.stage]?.[7]).toBe(line.amount);
    // the series moves: deals advanced and closed over the quarter
    expect(new Set(w.open.prospecting).size).toBeGreaterThan(1);
    expect(resultTokens(r as never).structured).toBeLessThanOrEqual(1500);
  });

  it("ends a past quarter's weeks on its last day, for one owner", async () => {
    const owner = (await s.call("deals_list", { limit: 1 })).data.deals[0].owner as string;
    const r = await s.call("pipeline_summary", { quarter: "2025-Q2", owner });
    const w = r.data.by_week as { week_ending: string[]; open: Record<string, number[]> };
    expect(w.week_ending.at(-1)).toBe("2025-06-30");
    for (const [i, day] of w.week_ending.entries()) {
      const want = await openAt(day, "2025-04-01", "2025-06-30", owner);
      expect(Object.fromEntries(OPEN.map((st) => [st, w.open[st]?.[i]])), day).toEqual(want);
    }
    // the whole team's first week still had open deals closing in the quarter
    const all = (await s.call("pipeline_summary", { quarter: "2025-Q2" })).data.by_week;
    const first = await openAt(all.week_ending[0], "2025-04-01", "2025-06-30");
    expect(Object.fromEntries(OPEN.map((st) => [st, all.open[st][0]]))).toEqual(first);
    expect(Object.values(first).some((v) => v > 0)).toBe(true);
  });
});
