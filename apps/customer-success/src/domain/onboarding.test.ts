import type { CsmLoad, OnboardingPlan, WonDeal } from "@revops/model";
import { describe, expect, it } from "vitest";
import { draftOnboardings, median, planStatus } from "./onboarding";

const deal = (id: string, segment: WonDeal["segment"]): WonDeal => ({
  dealId: id,
  dealName: id,
  stage: "closed_won",
  type: "new_business",
  closeDate: "2026-10-01",
  accountId: `acc_${id}`,
  accountName: id,
  segment,
  plan: null,
});
const csm = (id: string, segment: CsmLoad["segment"], openPlans: number): CsmLoad => ({
  id,
  name: id,
  segment,
  openPlans,
});

describe("onboarding domain", () => {
  it("spreads a bulk hand-off over the segment's CSMs by load, ties by id", () => {
    const team = [csm("b", "smb", 1), csm("a", "smb", 2), csm("e", "enterprise", 0)];
    const drafts = draftOnboardings(
      [deal("1", "smb"), deal("2", "smb"), deal("3", "smb"), deal("4", "mid_market")],
      team,
    );
    expect(drafts.map((d) => d?.owner.id)).toEqual(["b", "a", "b", undefined]);
    expect(team.map((c) => c.openPlans)).toEqual([1, 2, 0]); // the caller's load is not mutated
    expect(drafts[0]?.milestones[0]).toEqual({
      seq: 1,
      name: "Kickoff call",
      dueDate: "2026-10-04",
      value: false,
    });
  });

  it("counts done, overdue (open past due) and stalled (overdue > 14 days), and time to value", () => {
    const plan: OnboardingPlan = {
      id: "onb_1",
      dealId: "1",
      accountId: "acc_1",
      accountName: "A",
      segment: "smb",
      ownerId: "b",
      ownerName: "B",
      startDate: "2026-10-01",
      milestones: [
        { seq: 1, name: "k", dueDate: "2026-10-04", doneDate: "2026-10-05", value: false },
        { seq: 2, name: "v", dueDate: "2026-10-31", doneDate: "2026-11-02", value: true },
        { seq: 3, name: "t", dueDate: "2026-11-05", doneDate: null, value: false },
        { seq: 4, name: "g", dueDate: "2026-11-15", doneDate: null, value: false },
        { seq: 5, name: "x", dueDate: "2026-12-01", doneDate: null, value: false },
      ],
    };
    expect(planStatus(plan, "2026-11-23")).toMatchObject({
      complete: false,
      done: 2,
      overdue: 2,
      stalled: 1,
      timeToValue: 32,
      next: { name: "t", dueDate: "2026-11-05", daysOverdue: 18 },
    });
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
