import { describe, expect, it } from "vitest";
import { economics, funnel, rank } from "./economics";

describe("campaign economics", () => {
  it("computes unit costs and ROI, null where undefined", () => {
    expect(
      economics({ spend: 1000, budget: 2000, leads: 10, mqls: 4, pipeline: 5000, revenue: 3000 }),
    ).toEqual({
      cost_per_lead: 100,
      cost_per_mql: 250,
      pipeline_per_dollar: 5,
      roi: 2,
      budget_used: 0.5,
    });
    expect(economics({ spend: 0, budget: 0, leads: 0, mqls: 0, pipeline: 0, revenue: 0 })).toEqual({
      cost_per_lead: null,
      cost_per_mql: null,
      pipeline_per_dollar: null,
      roi: null,
      budget_used: null,
    });
  });

  it("ranks best first and puts missing values last", () => {
    const row = (roi: number | null, cpl: number | null) => ({
      ...economics({ spend: 1, budget: 1, leads: 1, mqls: 1, pipeline: 1, revenue: 1 }),
      roi,
      cost_per_lead: cpl,
      pipeline: 1,
      revenue: 1,
    });
    expect(rank([row(1, 5), row(null, null), row(3, 2)], "roi").map((r) => r.roi)).toEqual([3, 1, null]);
    expect(
      rank([row(1, 5), row(null, null), row(3, 2)], "cost_per_lead").map((r) => r.cost_per_lead),
    ).toEqual([2, 5, null]);
  });

  it("computes funnel rates", () => {
    expect(funnel({ leads: 100, mqls: 40, sqls: 20, converted: 5 })).toEqual({
      mql_rate: 0.4,
      sql_rate: 0.2,
      win_conversion: 0.05,
    });
    expect(funnel({ leads: 0, mqls: 0, sqls: 0, converted: 0 }).mql_rate).toBeNull();
  });
});
