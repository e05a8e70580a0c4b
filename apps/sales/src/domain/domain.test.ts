import { describe, expect, it } from "vitest";
import { forecastPeriod, stageConversion } from "./forecast";
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
    const f = forecastPeriod(
      [
        deal("x", "proposal", 1000, { forecastCategory: "commit" }),
        deal("y", "closed_won", 300),
        deal("z", "negotiation", 100, { forecastCategory: "omitted" }),
      ],
      conv,
    );
    expect(f).toEqual({
      closed_won: 300,
      expected: 300 + 600 + 75,
      low: 900,
      high: 300 + 900,
      open_deals: 2,
    });
  });
});
