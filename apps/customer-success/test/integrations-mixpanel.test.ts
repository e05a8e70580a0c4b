import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { AccountSignals } from "@revops/model";
import { attributeVendorCalls } from "@revops/safety";
import { sandboxDatabase } from "@revops/sandbox";
import {
  connectInProcess,
  type MixpanelEvent,
  type RunningMixpanelFake,
  startMixpanelFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { healthScore } from "../src/domain/health";
import { SandboxSupport } from "../src/integrations/sandbox/support";
import { createCustomerSuccessServer } from "../src/server";

// pinned to the sandbox's own today, so the book's renewals and Mixpanel's windows share one calendar
const TODAY = "2026-11-23";
const now = () => new Date(`${TODAY}T12:00:00Z`);
const DAY_S = 86_400;
const at = (daysAgo: number, hour = 10) =>
  Date.parse(`${TODAY}T00:00:00Z`) / 1000 - daysAgo * DAY_S + hour * 3600;

let n = 0;
const ev = (
  account: string | undefined,
  daysAgo: number,
  user: string,
  event = "Report viewed",
): MixpanelEvent => ({
  event,
  properties: {
    time: at(daysAgo),
    distinct_id: user,
    $insert_id: `ins-${n++}`,
    ...(account === undefined ? {} : { account_id: account }),
  },
});
const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let fake: RunningMixpanelFake;
let s: Awaited<ReturnType<typeof connectInProcess>>;
let book: AccountSignals[];
let growing: AccountSignals; // usage doubled
let shrinking: AccountSignals; // usage down 75 %
let silent: AccountSignals; // no events at all
const exportsSeen = () => fake.requests.filter((r) => r.path === "/api/2.0/export");

type Health = { signals: AccountSignals; score: number };
async function health(id: string): Promise<Health> {
  const r = await s.client.readResource({ uri: `cs://accounts/${id}/health` });
  return JSON.parse((r.contents[0] as { text: string }).text) as Health;
}

beforeAll(async () => {
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("mp-book") }),
    createLogger("silent", "test"),
  );
  book = await new SandboxSupport(await sandboxDatabase(rt)).accountSignals();
  await rt.close(1000);
  [growing, shrinking, silent] = book as [AccountSignals, AccountSignals, AccountSignals];
  fake = await startMixpanelFake({
    events: [
      // growing: 1 user daily before, 2 users daily in the last 30 days
      ...days(31, 60).map((d) => ev(growing.accountId, d, "g1")),
      ...days(1, 30).flatMap((d) => [ev(growing.accountId, d, "g1"), ev(growing.accountId, d, "g2")]),
      // shrinking: 40 events before, 10 in the last 30 days by one user on 10 days
      ...days(31, 50).flatMap((d) => [ev(shrinking.accountId, d, "s1"), ev(shrinking.accountId, d, "s2")]),
      ...days(1, 10).map((d) => ev(shrinking.accountId, d, "s1", "Dashboard opened")),
      // outside the windows or not usage of a book account: never counted
      ev(growing.accountId, 0, "g1"),
      ev(growing.accountId, 61, "g1"),
      ev(undefined, 3, "anon"),
      ev("acc_not_in_book", 3, "x1"),
    ],
  });
  vi.stubEnv("CS_USAGE", "mixpanel");
  vi.stubEnv("MIXPANEL_PROJECT_ID", "3141592");
  vi.stubEnv("MIXPANEL_SERVICE_ACCOUNT_USERNAME", "revops.sa");
  vi.stubEnv("MIXPANEL_SERVICE_ACCOUNT_SECRET", "sa-secret");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_TEST_VENDOR_CA", fake.ca);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  s = await connectInProcess([createCustomerSuccessServer({ now })], {
    hooks: () => ({ meter: attributeVendorCalls }),
  });
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
  vi.unstubAllEnvs();
});

describe("customer-success server with usage from Mixpanel", () => {
  // every planted account's usage, and the book's fields beside it: signals-port.test.ts (the same on every provider)
  it("reads the last 30 complete days vs the 30 before in one export of events with an account", async () => {
    const before = exportsSeen().length;
    expect((await health(growing.accountId)).signals).toMatchObject({
      usageLast30: 60,
      usagePrev30: 30,
      activeUsersLast30: 2,
    });
    const req = exportsSeen().at(before);
    expect(req?.query.get("from_date")).toBe("2026-09-24");
    expect(req?.query.get("to_date")).toBe("2026-11-22");
    expect(req?.query.get("where")).toBe('defined(properties["account_id"])');
    expect(req?.query.get("limit")).toBe("100000");
  });

  it("ranks accounts at risk on Mixpanel usage and says where the data came from", async () => {
    const seeded: Record<string, [number, number, number]> = {
      [growing.accountId]: [60, 30, 2],
      [shrinking.accountId]: [10, 40, 0],
    };
    // the book with the seeded usage laid over it; accounts without events have none
    const expected = book
      .map((a) => {
        const [usageLast30, usagePrev30, activeUsersLast30] = seeded[a.accountId] ?? [0, 0, 0];
        // Mixpanel's usage replaces the book's, monthly actives included (not read from Mixpanel)
        const usage = { usageLast30, usagePrev30, activeUsersLast30, monthlyActivesPerSeat: null };
        return { a, h: healthScore({ ...a, ...usage }, TODAY) };
      })
      .filter(({ h }) => h.risk === "high")
      .sort((x, y) => x.h.score - y.h.score || y.a.arr - x.a.arr);
    const r = await s.call("accounts_at_risk", { limit: 100 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta).toMatchObject({ source: "mixpanel+sandbox", as_of: TODAY });
    expect(r.data.total_at_risk).toBe(expected.length);
    expect(r.data.arr_at_risk).toBe(expected.reduce((t, e) => t + e.a.arr, 0));
    expect(
      r.data.accounts.map((x: { account_id: string; health_score: number }) => [
        x.account_id,
        x.health_score,
      ]),
    ).toEqual(expected.slice(0, 100).map((e) => [e.a.accountId, e.h.score]));
    const shrinkingHealth = await health(shrinking.accountId);
    expect(shrinkingHealth.score).toBe(
      healthScore(
        { ...shrinking, usageLast30: 10, usagePrev30: 40, activeUsersLast30: 0, monthlyActivesPerSeat: null },
        TODAY,
      ).score,
    );
    expect((shrinkingHealth as unknown as { reasons: string[] }).reasons).toContain(
      "usage down 75% vs previous 30 days",
    );
    expect(((await health(silent.accountId)) as unknown as { reasons: string[] }).reasons).toContain(
      "usage down 100% vs previous 30 days",
    );
  });

  it("retries a 429 from the export once and answers", async () => {
    fake.state.events.push(ev(shrinking.accountId, 2, "s3"));
    const before = exportsSeen().length;
    fake.faults.next({ kind: "status", status: 429, retryAfter: "0" }, { path: "/api/2.0/export" });
    const h = await health(shrinking.accountId);
    expect(h.signals).toMatchObject({ usageLast30: 11, usagePrev30: 40 });
    expect(exportsSeen().length - before).toBe(2);
    expect(exportsSeen().at(-2)?.fault).toBe("status");
  });

  it("serves the last good usage, marked stale, while Mixpanel is down", async () => {
    const warm = await s.call("accounts_at_risk", { limit: 5 });
    expect(warm.isError, warm.text).toBe(false);
    fake.faults.always({ kind: "status", status: 503 });
    try {
      const stale = await s.call("accounts_at_risk", { limit: 5 });
      expect(stale.isError, stale.text).toBe(false);
      expect(stale.data.accounts).toEqual(warm.data.accounts);
      expect(stale.data.meta.caveats.at(-1)).toMatch(
        /^Mixpanel is unavailable .*showing cached data from \d{4}-/,
      );
      expect(stale.text.split("cached data from")).toHaveLength(2);
    } finally {
      fake.faults.clear();
    }
  });

  it("answers bad service-account credentials with a clear error", async () => {
    fake.state.serviceAccount.secret = "rotated";
    try {
      const r = await s.call("accounts_at_risk", {});
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(
        /^Error \(denied\): Mixpanel rejected the token for connection cs-mixpanel: create a new service-account secret/,
      );
    } finally {
      fake.state.serviceAccount.secret = "sa-secret";
    }
  });

  it("keeps every request within Mixpanel's export contract", () => {
    expect(fake.violations).toEqual([]);
  });
});
