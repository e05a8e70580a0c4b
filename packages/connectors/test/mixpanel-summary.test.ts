import { type MixpanelEvent, type RunningMixpanelFake, startMixpanelFake } from "@revops/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMixpanelConnector, type ExportedEvent } from "../src/index";
import { FAST_POLICY, memoryKv } from "./helpers";

const T = Date.UTC(2026, 10, 20, 10) / 1000;
const ev = (i: number, account?: string): MixpanelEvent => ({
  event: "Report viewed",
  properties: {
    time: T + i,
    distinct_id: `u${i}`,
    $insert_id: `i${i}`,
    ...(account ? { account_id: account } : {}),
  },
});
const range = { from: "2026-11-20", to: "2026-11-20", where: 'defined(properties["account_id"])' };

let fake: RunningMixpanelFake;
beforeEach(async () => {
  fake = await startMixpanelFake({ events: [ev(1, "acc_1"), ev(2, "acc_1"), ev(3), ev(4, "acc_2")] });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

async function exportOnly(kv?: Awaited<ReturnType<typeof memoryKv>>) {
  return createMixpanelConnector(
    {
      id: "cs-mp",
      vendor: "mixpanel",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      testCa: fake.ca,
      credentials: { username: "revops.sa", secret: "sa-secret", projectId: "3141592" },
    },
    { policy: FAST_POLICY, ...(kv ? { staleCache: { cache: kv, maxAgeMs: 60_000 } } : {}) },
  );
}
const count = (rows: ExportedEvent[]) => rows.length;

describe("Mixpanel export summaries on an export-only connection", () => {
  it("filters with where, caps with limit, and says when the cap was reached", async () => {
    const mp = await exportOnly();
    const full = await mp.summarizeExport(
      { ...range, limit: 10 },
      { name: "n", summarize: (r, t) => [count(r), t] },
    );
    expect(full.value).toEqual([3, false]);
    const capped = await mp.summarizeExport(
      { ...range, limit: 3 },
      { name: "n", summarize: (r, t) => [count(r), t] },
    );
    expect(capped.value).toEqual([3, true]);
    const req = fake.requests.at(-1);
    expect([req?.query.get("where"), req?.query.get("limit")]).toEqual([
      'defined(properties["account_id"])',
      "3",
    ]);
    await expect(mp.importEvents([], { idempotencyKey: "k" })).rejects.toThrow(/no project token/);
  });

  it("caches only the summary and serves it, flagged, while Mixpanel is down", async () => {
    const mp = await exportOnly(await memoryKv());
    const summarize = (rows: ExportedEvent[]) => ({ events: rows.length });
    expect((await mp.summarizeExport(range, { name: "s", summarize })).value).toEqual({ events: 3 });
    fake.faults.always({ kind: "status", status: 503 });
    const stale = await mp.summarizeExport(range, { name: "s", summarize });
    expect(stale).toMatchObject({ stale: true, value: { events: 3 } });
    expect(fake.requests.filter((r) => r.fault === "status")).toHaveLength(FAST_POLICY.maxAttempts);
  });
});
