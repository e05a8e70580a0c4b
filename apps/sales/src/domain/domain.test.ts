import { describe, expect, it } from "vitest";
import { stageConversion } from "./forecast";
import {
  forecastPoint,
  pooled,
  rateTable,
  type SnapshotCellLike,
  seededNormal,
  summariseBacktest,
} from "./forecast-model";
import { completeQuartersBefore, forecastPlan } from "./forecast-plan";
import { isQuarter, parseQuarter, quarterOf, shiftQuarter } from "./period";
import { summarisePipeline } from "./pipeline";

const deal = (
  id: string,
  stage: string,
  amount: number,
  extra: Partial<{ probability: number; forecastCategory: string; closeDate: string }> = {},
) => ({
  id,
  stage,
  amount,
  probability: extra.probability ?? 50,
  forecastCategory: extra.forecastCategory ?? "pipeline",
  closeDate: extra.closeDate ?? "2026-12-01",
});

describe("periods", () => {
  it("parses, derives and shifts quarters", () => {
    expect(parseQuarter("2024-Q1")).toEqual({ label: "2024-Q1", from: "2024-01-01", to: "2024-03-31" });
    expect(parseQuarter("2024-Q4").to).toBe("2024-12-31");
    expect(quarterOf("2026-11-23")).toBe("2026-Q4");
    expect(shiftQuarter("2026-Q1", -1)).toBe("2025-Q4");
    expect(shiftQuarter("2026-Q4", 1)).toBe("2027-Q1");
    expect(isQuarter("2026-Q5")).toBe(false);
    expect(() => parseQuarter("26Q1")).toThrow(/YYYY-Qn/);
  });
});

describe("pipeline summary", () => {
  it("weights open deals, counts won/lost, finds slipped deals", () => {
    const s = summarisePipeline(
      [
        deal("a", "proposal", 1000, { probability: 50, forecastCategory: "commit", closeDate: "2026-11-01" }),
        deal("b", "negotiation", 2000, { probability: 75, forecastCategory: "best_case" }),
        deal("c", "closed_won", 500, { probability: 100 }),
        deal("d", "closed_lost", 700, { probability: 0 }),
      ],
      "2026-11-23",
    );
    expect(s.open).toEqual({ deals: 2, amount: 3000, weighted: 2000 });
    expect(s.won).toEqual({ deals: 1, amount: 500 });
    expect(s.win_rate).toBe(0.5);
    expect(s.slipped).toEqual({ deals: 1, amount: 1000 });
    expect(s.forecast_categories).toEqual({ commit: 1000, best_case: 2000, pipeline: 0 });
  });

  it("has no win rate or average without decided deals", () => {
    const s = summarisePipeline([], "2026-01-01");
    expect(s.win_rate).toBeNull();
    expect(s.average_won_deal).toBeNull();
  });
});

describe("forecast", () => {
  it("uses history where the sample is large enough, CRM probability otherwise", () => {
    const closed = [
      ...Array.from({ length: 6 }, (_, i) => deal(`w${i}`, "closed_won", 100)),
      ...Array.from({ length: 4 }, (_, i) => deal(`l${i}`, "closed_lost", 100)),
    ];
    const history = closed.map((d) => ({ dealId: d.id, toStage: "proposal" }));
    const conv = stageConversion(closed, history);
    expect(conv.proposal).toEqual({ rate: 0.6, sample: 10, source: "history" });
    expect(conv.negotiation).toEqual({ rate: 0.75, sample: 0, source: "crm_probability" });
  });
});

describe("forecast-v2 model", () => {
  const cell = (c: Partial<SnapshotCellLike>): SnapshotCellLike => ({
    point: 0,
    type: "new_business",
    band: "<10k",
    stage: "proposal",
    category: "pipeline",
    slip: 0,
    deals: 1,
    amount: 1000,
    amountSq: 1_000_000,
    finalWonAmount: 0,
    ...c,
  });

  it("pools a small sample toward its prior, weighted by dollars", () => {
    expect(pooled(undefined, 0.5)).toBe(0.5);
    // 2 deals of $100, both won, prior .5 worth 10 deals: (200 + 10·100·.5) / (200 + 10·100)
    expect(pooled({ deals: 2, won: 2, amount: 200, wonAmount: 200 }, 0.5)).toBeCloseTo(700 / 1200, 10);
    // a big sample barely moves
    expect(pooled({ deals: 1000, won: 300, amount: 1e6, wonAmount: 3e5 }, 0.9)).toBeCloseTo(0.306, 3);
  });

  it("rates fall back from cell to type to stage to CRM probability, and a rep toward the team", () => {
    const team = [
      {
        month: "2026-01",
        type: "expansion",
        band: "<10k",
        stage: "proposal",
        deals: 40,
        won: 36,
        amount: 40_000,
        wonAmount: 36_000,
      },
    ];
    const r = rateTable(team);
    expect(r.rate("expansion", "<10k", "proposal")).toBeCloseTo(
      pooled(team[0], r.typeStage("expansion", "proposal")),
      10,
    );
    expect(r.rate("expansion", "<10k", "proposal")).toBeGreaterThan(0.8);
    expect(r.typeStage("renewal", "negotiation")).toBe(0.75);
    const rep = rateTable(team, [
      { ...team[0], deals: 2, won: 0, wonAmount: 0, amount: 2000 } as (typeof team)[0],
    ]);
    const teamRate = r.rate("expansion", "<10k", "proposal");
    expect(rep.rate("expansion", "<10k", "proposal")).toBeCloseTo(
      (10 * 1000 * teamRate) / (2000 + 10 * 1000),
      10,
    );
  });

  it("lets what open deals at the same point of past quarters won pull the reached-stage rate", () => {
    const team = [
      {
        month: "2026-01",
        type: "new_business",
        band: "<10k",
        stage: "proposal",
        deals: 50,
        won: 40,
        amount: 50_000,
        wonAmount: 40_000,
      },
    ];
    const plain = rateTable(team).rate("new_business", "<10k", "proposal");
    const snap = [cell({ deals: 50, amount: 50_000, amountSq: 5e7, finalWonAmount: 20_000 })];
    const withSnap = rateTable(team, undefined, 10, snap).rate("new_business", "<10k", "proposal");
    expect(withSnap).toBeLessThan(plain);
    expect(withSnap).toBeGreaterThan(0.4);
  });

  it("counts won and commit at 100 %, discounts slipped deals and simulates deterministically", () => {
    const rates = rateTable([]);
    const cells = [
      cell({ stage: "closed_won", category: "", amount: 500, amountSq: 250_000, finalWonAmount: 500 }),
      cell({ stage: "negotiation", category: "commit", amount: 1000 }),
      cell({ stage: "proposal", category: "best_case", amount: 2000, amountSq: 4e6, slip: 2 }),
    ];
    const f = forecastPoint(cells, rates, {}, 500, 7);
    expect(f.categories).toEqual({ closed_won: 500, commit: 1500, best_case: 3500, pipeline: 3500 });
    expect(f.slipped).toEqual({ deals: 1, amount: 2000, expected: 250 });
    expect(f.expected).toBe(500 + 750 + 250);
    expect(f.p10).toBeGreaterThanOrEqual(500);
    expect(f.p10).toBeLessThanOrEqual(f.p50);
    expect(f.p50).toBeLessThanOrEqual(f.p90);
    expect(forecastPoint(cells, rates, {}, 500, 7)).toEqual(f);
    const a = seededNormal(1);
    const b = seededNormal(1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it("summarises a backtest and plans its points", () => {
    expect(
      summariseBacktest([
        { quarter: "q", week: 2, p10: 80, p50: 110, p90: 120, actual: 100, error: 0.1 },
        { quarter: "q", week: 6, p10: 80, p50: 90, p90: 95, actual: 100, error: -0.1 },
      ]),
    ).toEqual({ points: 2, mean_signed_error: 0, mean_abs_error: 0.1, p10_p90_coverage: 0.5 });
    expect(completeQuartersBefore("2027-Q1", "2026-11-23", 4)).toEqual([
      "2026-Q3",
      "2026-Q2",
      "2026-Q1",
      "2025-Q4",
    ]);
    const plan = forecastPlan("2026-Q4", "2026-11-23");
    expect(plan.offset).toBe(53);
    expect(plan.backtest.map((b) => `${b.quarter}/${b.week}`)[0]).toBe("2025-Q4/2");
    expect(plan.backtest).toHaveLength(12);
  });
});
