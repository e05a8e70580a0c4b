import { type CallScope, runInCallScope, VendorError } from "@revops/resilience";
import { describe, expect, it } from "vitest";
import { FreshnessTracker, freshnessOf } from "../src/freshness";

const stale = (fetchedAt: string) => ({
  value: 1,
  stale: true as const,
  fetchedAt,
  ageMs: 0,
  error: new VendorError({ vendor: "hubspot", kind: "unavailable", retryable: true, message: "HTTP 503" }),
});

describe("freshness of an answer", () => {
  it("is absent for a fresh, complete answer", () => {
    const t = new FreshnessTracker("HubSpot");
    expect(t.take({ value: 1, stale: false })).toBe(1);
    expect(freshnessOf(t.mark([1]))).toBeUndefined();
  });

  it("names the oldest cached part and every cap that was hit", () => {
    const t = new FreshnessTracker("HubSpot");
    t.take(stale("2026-11-23T10:00:00.000Z"));
    t.take(stale("2026-11-23T09:00:00.000Z"));
    t.partial("Only 2,000 deals were read.");
    t.partial("Only 2,000 deals were read.");
    expect(freshnessOf(t.mark([]))).toEqual({
      stale: true,
      fetchedAt: "2026-11-23T09:00:00.000Z",
      partial: ["Only 2,000 deals were read."],
      note: "HubSpot is unavailable (HTTP 503); showing cached data from 2026-11-23T09:00:00.000Z. Only 2,000 deals were read.",
    });
  });

  it("reports a cap on a fresh answer without calling it stale", () => {
    const t = new FreshnessTracker("Zendesk");
    t.partial("Older tickets were not scanned.");
    expect(freshnessOf(t.mark({}))).toEqual({
      stale: false,
      partial: ["Older tickets were not scanned."],
      note: "Older tickets were not scanned.",
    });
    expect(freshnessOf(null)).toBeUndefined();
  });

  it("records its note on the tool call in progress, once, so the kit shows it with no tool code", async () => {
    const scope: CallScope = { warnings: [], notes: [] };
    await runInCallScope(scope, async () => {
      for (const _ of [1, 2]) {
        const t = new FreshnessTracker("HubSpot");
        t.take(stale("2026-11-23T09:00:00.000Z"));
        t.mark({});
      }
      new FreshnessTracker("HubSpot").mark({});
    });
    expect(scope.notes).toEqual([
      "HubSpot is unavailable (HTTP 503); showing cached data from 2026-11-23T09:00:00.000Z.",
    ]);
  });
});
