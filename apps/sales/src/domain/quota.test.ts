import { describe, expect, it } from "vitest";
import { goalEndDay } from "../integrations/hubspot/quotas";
import { chooseQuotas, quarterQuotas } from "./quota";

const Q1 = ["2026-01-01", "2026-03-31"] as const;

describe("quarterQuotas: CRM periods → a quarter's quota", () => {
  it("adds up monthly periods inside the quarter and leaves out those outside it", () => {
    const q = quarterQuotas(
      [
        { ownerId: "a", start: "2026-01-01", end: "2026-01-31", amount: 10_000 },
        { ownerId: "a", start: "2026-02-01", end: "2026-02-28", amount: 20_000 },
        { ownerId: "a", start: "2026-03-01", end: "2026-03-31", amount: 30_000 },
        { ownerId: "a", start: "2026-04-01", end: "2026-04-30", amount: 99_000 },
      ],
      ...Q1,
    );
    expect(q.get("a")).toEqual({ amount: 60_000, coveredDays: 90, prorated: 0 });
  });

  it("prorates a period reaching outside the quarter by its days inside", () => {
    // 2026 has 365 days; Q1 has 90 of them
    const q = quarterQuotas(
      [{ ownerId: "b", start: "2026-01-01", end: "2026-12-31", amount: 365_000 }],
      ...Q1,
    );
    expect(q.get("b")).toEqual({ amount: 90_000, coveredDays: 90, prorated: 1 });
  });

  it("says how many of the quarter's days the periods cover", () => {
    const q = quarterQuotas([{ ownerId: "c", start: "2026-02-01", end: "2026-02-28", amount: 5_000 }], ...Q1);
    expect(q.get("c")).toEqual({ amount: 5_000, coveredDays: 28, prorated: 0 });
  });
});

describe("chooseQuotas: the CRM's quota where it has one, else the configured one", () => {
  it("keeps both sources apart and notes a configured amount the CRM overrides", () => {
    const q = chooseQuotas(new Map([["a", { amount: 60_000, coveredDays: 90, prorated: 0 }]]), [
      { ownerId: "a", amount: 50_000 },
      { ownerId: "z", amount: 40_000 },
    ]);
    expect(Object.fromEntries(q)).toEqual({
      a: { amount: 60_000, source: "crm", configured: 50_000, coveredDays: 90 },
      z: { amount: 40_000, source: "configured" },
    });
  });
});

describe("goalEndDay: HubSpot goal ends", () => {
  it("reads an end at midnight UTC as exclusive and any other end as that day", () => {
    expect(goalEndDay("2026-02-01T00:00:00Z")).toBe("2026-01-31");
    expect(goalEndDay("2026-02-01T00:00:00.000Z")).toBe("2026-01-31");
    expect(goalEndDay("2026-01-31T23:59:59.999Z")).toBe("2026-01-31");
  });
});
