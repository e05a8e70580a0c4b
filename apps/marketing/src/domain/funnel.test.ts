import { describe, expect, it } from "vitest";
import { daysBetween, groupFunnel, immatureMonths, median, rate } from "./funnel";

describe("funnel arithmetic", () => {
  it("counts whole calendar days between dates or timestamps", () => {
    expect(daysBetween("2026-02-03T23:59:00Z", "2026-02-04T00:01:00Z")).toBe(1);
    expect(daysBetween("2026-02-28", "2026-03-01")).toBe(1);
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
  });

  it("takes the median of odd and even counts, null when empty", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(rate(1, 3)).toBe(0.333);
    expect(rate(1, 0)).toBeNull();
  });

  it("groups cells and stage dates, leaving out intervals out of order", () => {
    const cell = (month: string, source: string, leads: number) => ({
      month,
      source,
      leads,
      mqls: leads,
      sqls: leads,
      opportunities: 1,
      won: 1,
      wonRevenue: 100,
    });
    const lead = (month: string, source: string, createdAt: string, opportunityAt: string) => ({
      month,
      source,
      createdAt,
      mqlAt: null,
      sqlAt: null,
      opportunityAt,
      wonAt: null,
    });
    const { groups, total } = groupFunnel(
      {
        cells: [cell("2026-01", "a", 2), cell("2026-02", "a", 3), cell("2026-02", "b", 4)],
        dated: [
          lead("2026-01", "a", "2026-01-05T10:00:00Z", "2026-01-15"),
          lead("2026-02", "a", "2026-02-10T10:00:00Z", "2026-02-01"), // opportunity before the lead
        ],
        datedStages: ["opportunity"],
        notes: [],
      },
      "source",
    );
    expect(groups.map((g) => [g.source, g.leads, g.wonRevenue])).toEqual([
      ["a", 5, 200],
      ["b", 4, 100],
    ]);
    expect(groups[0]?.days.lead_to_opportunity).toEqual([10]);
    expect(total.leads).toBe(9);
    expect(total.days.lead_to_opportunity).toEqual([10]);
  });

  it("flags cohort months that ended less than the given days ago", () => {
    // 2026-09 ended 54 days before 2026-11-23, 2026-10 only 23
    expect(immatureMonths(["2026-09", "2026-10", "2026-11", "2026-10"], "2026-11-23", 50)).toEqual([
      "2026-10",
      "2026-11",
    ]);
    expect(immatureMonths(["2026-11"], "2026-11-23", null)).toEqual([]);
  });
});
