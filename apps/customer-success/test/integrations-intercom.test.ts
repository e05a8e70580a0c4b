import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { AccountSignals } from "@revops/model";
import { attributeVendorCalls } from "@revops/safety";
import { sandboxDatabase } from "@revops/sandbox";
import {
  connectInProcess,
  type IntercomState,
  type RunningFake,
  startIntercomFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RATING_TO_NPS } from "../src/integrations/intercom/ratings";
import { SandboxSupport } from "../src/integrations/sandbox/support";
import { createCustomerSuccessServer } from "../src/server";
import { intercomBookSeed } from "./intercom-book-seed";

const TODAY = "2026-11-23";
const now = () => new Date(`${TODAY}T12:00:00Z`);
const at = (daysAgo: number, hour = 10) =>
  Date.parse(`${TODAY}T00:00:00Z`) / 1000 - daysAgo * 86_400 + hour * 3600;
const day = (daysAgo: number) => new Date((at(daysAgo) - 10 * 3600) * 1000).toISOString().slice(0, 10);

let fake: RunningFake<IntercomState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;
let big: AccountSignals;
let small: AccountSignals;
const searches = () => fake.requests.filter((r) => r.path === "/conversations/search");

async function signals(id: string): Promise<AccountSignals> {
  const r = await s.client.readResource({ uri: `cs://accounts/${id}/health` });
  return (JSON.parse((r.contents[0] as { text: string }).text) as { signals: AccountSignals }).signals;
}

beforeAll(async () => {
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("ic-book") }),
    createLogger("silent", "test"),
  );
  [big, small] = (await new SandboxSupport(await sandboxDatabase(rt)).accountSignals()) as [
    AccountSignals,
    AccountSignals,
  ];
  await rt.close(1000);
  fake = await startIntercomFake(intercomBookSeed(big, small, at));
  vi.stubEnv("CS_CONVERSATIONS", "intercom");
  vi.stubEnv("INTERCOM_ACCESS_TOKEN", "ic-good");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
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

describe("customer-success server with conversations and ratings from Intercom", () => {
  it("maps Intercom's 1–5 rating onto the 0–10 scale", () => {
    expect(RATING_TO_NPS).toEqual({ 1: 0, 2: 3, 3: 5, 4: 8, 5: 10 });
  });

  it("summarizes NPS from conversation ratings, with the detractors' remarks newest first", async () => {
    const r = await s.call("nps_summary", { comments: 5 });
    expect(r.isError, r.text).toBe(false);
    // scores 10, 8, 0, 3, 10, 5: two promoters, one passive, three detractors
    expect(r.data).toMatchObject({ responses: 6, promoters: 2, passives: 1, detractors: 3, nps: -17 });
    expect(r.data.meta.source).toBe("intercom+sandbox");
    expect(r.data.meta.as_of).toBe(TODAY);
    expect(
      r.data.detractor_comments.map((c: { account_name: string; score: number; responded_at: string }) => [
        c.account_name,
        c.score,
        c.responded_at.slice(0, 10),
      ]),
    ).toEqual([
      ["", 5, day(2)],
      ["Small Co (Intercom)", 0, day(4)],
      ["Small Co (Intercom)", 3, day(95)],
    ]);
    expect(r.data.detractor_comments[1].comment).toContain("Export keeps failing");
  });

  it("filters by rating date and by account", async () => {
    const month = await s.call("nps_summary", { from: day(30), to: TODAY });
    expect(month.data).toMatchObject({ responses: 4, promoters: 1, passives: 1, detractors: 2, nps: -25 });
    const one = await s.call("nps_summary", { account_id: big.accountId });
    expect(one.data).toMatchObject({ responses: 2, promoters: 1, passives: 1, detractors: 0, nps: 50 });
  });

  // each field of the overlay, and the book's fields beside it: signals-port.test.ts (the same on every provider)
  it("serves Intercom's support load on the health resource and names it as the source", async () => {
    expect(await signals(big.accountId)).toMatchObject({ accountName: big.accountName, ticketsLast90: 3 });
    const risk = await s.call("accounts_at_risk", { limit: 3 });
    expect(risk.isError, risk.text).toBe(false);
    expect(risk.data.meta.source).toBe("intercom+sandbox");
  });

  it("retries a 503 once", async () => {
    const before = searches().length;
    fake.faults.next({ kind: "status", status: 503 }, { path: "/conversations/search" });
    const r = await s.call("nps_summary", { from: day(7), to: TODAY });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ responses: 2, detractors: 2 });
    expect(searches().length - before).toBe(2);
    expect(searches().at(-2)?.fault).toBe("status");
  });

  it("serves the last good ratings, marked stale, while Intercom is down", async () => {
    const warm = await s.call("nps_summary", { from: day(60), to: TODAY });
    expect(warm.isError, warm.text).toBe(false);
    fake.faults.always({ kind: "status", status: 503 });
    try {
      const stale = await s.call("nps_summary", { from: day(60), to: TODAY });
      expect(stale.isError, stale.text).toBe(false);
      expect(stale.data.nps).toBe(warm.data.nps);
      expect(stale.data.meta.caveats.at(-1)).toMatch(
        /^Intercom is unavailable .*showing cached data from \d{4}-/,
      );
      expect(stale.text.split("cached data from")).toHaveLength(2);
    } finally {
      fake.faults.clear();
    }
  });

  it("answers a rejected access token with a clear error", async () => {
    vi.stubEnv("INTERCOM_ACCESS_TOKEN", "ic-revoked");
    const bad = await connectInProcess([createCustomerSuccessServer({ now })]);
    try {
      const r = await bad.call("nps_summary", {});
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(
        /^Error \(denied\): Intercom rejected the access token of connection cs-intercom/,
      );
    } finally {
      await bad.close();
      vi.stubEnv("INTERCOM_ACCESS_TOKEN", "ic-good");
    }
  });

  it("keeps every request and answer within Intercom's 2.14 contract", () => {
    expect(fake.violations).toEqual([]);
  });
});
