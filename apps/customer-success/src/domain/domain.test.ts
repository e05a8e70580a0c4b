import { describe, expect, it } from "vitest";
import { healthScore } from "./health";
import { nps } from "./nps";

const healthy = {
  usageLast30: 1000,
  usagePrev30: 950,
  activeUsersLast30: 40,
  seats: 50,
  ticketsLast90: 2,
  urgentTicketsLast90: 0,
  badCsatLast90: 0,
  npsAvgLast180: 9,
  renewalDate: "2027-06-01",
};

describe("health score", () => {
  it("scores a healthy account high with no reasons", () => {
    const h = healthScore(healthy, "2026-11-23");
    expect(h.risk).toBe("low");
    expect(h.score).toBeGreaterThan(85);
    expect(h.reasons).toEqual([]);
  });

  it("explains every lost point on a declining account", () => {
    const h = healthScore(
      {
        ...healthy,
        usageLast30: 300,
        activeUsersLast30: 5,
        ticketsLast90: 12,
        urgentTicketsLast90: 3,
        badCsatLast90: 2,
        npsAvgLast180: 3,
      },
      "2026-11-23",
    );
    expect(h.risk).toBe("high");
    expect(h.reasons.join("; ")).toMatch(
      /usage down 68%.*10% of 50 seats.*3 urgent.*2 bad CSAT.*NPS score 3.0/,
    );
  });

  it("raises medium risk to high close to renewal, and handles missing data", () => {
    const medium = { ...healthy, usageLast30: 700, npsAvgLast180: null, ticketsLast90: 14 };
    expect(healthScore(medium, "2026-11-23").risk).toBe("medium");
    const near = healthScore({ ...medium, renewalDate: "2026-12-20" }, "2026-11-23");
    expect(near.risk).toBe("high");
    expect(near.days_to_renewal).toBe(27);
    expect(near.reasons).toContain("no NPS responses in 180 days");
    expect(
      healthScore({ ...healthy, usagePrev30: 0, usageLast30: 0, seats: 0, renewalDate: null }, "2026-11-23")
        .days_to_renewal,
    ).toBeNull();
  });
});

describe("NPS", () => {
  it("is % promoters minus % detractors", () => {
    expect(nps([10, 9, 8, 7, 6, 0])).toEqual({
      responses: 6,
      promoters: 2,
      passives: 2,
      detractors: 2,
      nps: 0,
    });
    expect(nps([10, 10, 6])).toMatchObject({ nps: 33 });
    expect(nps([]).nps).toBeNull();
  });
});
