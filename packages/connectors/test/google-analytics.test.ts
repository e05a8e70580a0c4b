import { type Ga4Row, type Ga4State, type RunningFake, startGa4Fake } from "@revops/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGa4Connector, GA4_PAGE_ROWS } from "../src/index";
import { FAST_POLICY } from "./helpers";

const row = (date: string, source: string, sessions: number): Ga4Row => ({
  date,
  sessionSource: source,
  sessionMedium: source === "google" ? "organic" : "email",
  landingPage: "/",
  sessions,
  engagedSessions: Math.floor(sessions / 2),
  keyEvents: 1,
  totalUsers: sessions - 1,
});
const ROWS = [
  row("2026-11-01", "google", 40),
  row("2026-11-01", "hubspot", 10),
  row("2026-11-02", "google", 30),
];
const REQUEST = {
  dateRanges: [{ startDate: "2026-11-01", endDate: "2026-11-30" }],
  dimensions: [{ name: "sessionSourceMedium" }],
  metrics: [{ name: "sessions" }, { name: "keyEvents" }],
  metricAggregations: ["TOTAL"],
};

let fake: RunningFake<Ga4State>;
const connector = () =>
  createGa4Connector(
    {
      id: "acme-ga4",
      vendor: "google",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { accessToken: "ya29.test" },
    },
    { policy: FAST_POLICY },
  );

beforeEach(async () => {
  fake = await startGa4Fake({ properties: { "123456": ROWS }, tokensPerDay: 25, tokensPerReport: 10 });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

describe("GA4 Data API runReport through @googleapis/analyticsdata", () => {
  it("posts the report to properties/{id}:runReport and reads string metric values, totals and rowCount", async () => {
    const { value } = await (await connector()).runReport("123456", REQUEST);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v1beta/properties/123456:runReport",
    ]);
    expect(fake.state.reports[0]).toMatchObject({ limit: String(GA4_PAGE_ROWS), offset: "0" });
    expect(value.rows?.map((r) => [r.dimensionValues?.[0]?.value, r.metricValues?.[0]?.value])).toEqual([
      ["google / organic", "70"],
      ["hubspot / email", "10"],
    ]);
    expect(value.totals?.[0]?.metricValues?.map((m) => m.value)).toEqual(["80", "3"]);
    expect(value.rowCount).toBe(2);
  });

  it("an unknown dimension is refused with Google's INVALID_ARGUMENT message, not retried", async () => {
    const c = await connector();
    await expect(
      c.runReport("123456", { ...REQUEST, dimensions: [{ name: "sessionCampaign" }] }),
    ).rejects.toThrow(/sessionCampaign is not a valid dimension/);
    expect(fake.requests).toHaveLength(1);
  });

  it("a spent daily token quota (429 RESOURCE_EXHAUSTED, per day) is quota_exhausted, never retried", async () => {
    const c = await connector();
    await c.runReport("123456", REQUEST);
    await c.runReport("123456", { ...REQUEST, metrics: [{ name: "sessions" }] });
    const err = await c
      .runReport("123456", { ...REQUEST, metrics: [{ name: "totalUsers" }] })
      .catch((e) => e);
    expect(err).toMatchObject({ kind: "quota_exhausted", retryable: false, status: 429 });
    expect(fake.requests).toHaveLength(3);
  });

  it("a property the token cannot read is a permission error", async () => {
    const err = await (await connector()).runReport("999", REQUEST).catch((e) => e);
    expect(err).toMatchObject({ status: 403 });
  });
});
