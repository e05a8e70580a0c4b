import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSandboxLoaded, SANDBOX_DEFAULTS } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  connectInProcess,
  type Ga4State,
  type HubSpotState,
  type RunningFake,
  seedHubSpotForms,
  startGa4Fake,
  startHubSpotFake,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMarketingServer } from "../src/server";

// The sandbox's web traffic and forms served by the GA4 and HubSpot fakes, read through the real SDKs; every
// expectation is recomputed from the sandbox tables with SQL.

let s: Awaited<ReturnType<typeof connectInProcess>>;
let db: SqlDb;
let dir: string;
let ga4: RunningFake<Ga4State>;
let hubspot: RunningFake<HubSpotState>;
const n = (v: unknown) => Number(v ?? 0);
const RANGE = { from: "2026-10-01", to: "2026-10-31" };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "web-vendors-"));
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db, { seed: SANDBOX_DEFAULTS.seed, scale: SANDBOX_DEFAULTS.scale });
  const traffic = await db.query<Record<string, unknown>>("SELECT * FROM sb_web_traffic");
  ga4 = await startGa4Fake({
    properties: {
      "123456": traffic.map((t) => ({
        date: String(t.day),
        sessionSource: String(t.source),
        sessionMedium: String(t.medium),
        landingPage: String(t.landing_page),
        sessions: n(t.sessions),
        engagedSessions: n(t.engaged_sessions),
        keyEvents: n(t.conversions),
        totalUsers: n(t.users),
      })),
    },
  });
  hubspot = await startHubSpotFake();
  const forms = await db.query<{ id: string; name: string }>("SELECT id, name FROM sb_forms ORDER BY id");
  const subs = await db.query<{ form_id: string; submitted_at: string }>(
    "SELECT form_id, submitted_at FROM sb_form_submissions",
  );
  seedHubSpotForms(
    hubspot.state,
    forms.map((f) => ({
      name: f.name,
      submissions: subs.filter((x) => x.form_id === f.id).map((x) => ({ at: x.submitted_at })),
    })),
  );
  for (const [k, v] of Object.entries({
    MARKETING_SOURCE: "hubspot",
    HUBSPOT_ACCESS_TOKEN: "pat-na1-test",
    REVOPS_TEST_VENDOR_BASE_URL: hubspot.url,
    MARKETING_WEB: "google",
    GA4_PROPERTY_ID: "123456",
    GOOGLE_ACCESS_TOKEN: "ya29.test",
    REVOPS_TEST_GOOGLE_BASE_URL: ga4.url,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  }))
    vi.stubEnv(k, v);
  s = await connectInProcess([createMarketingServer()]);
}, 120_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await s?.close();
  await ga4?.close();
  await hubspot?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("web toolset on the vendors (fakes)", () => {
  it("web_analytics reads GA4's runReport: per source / medium as SQL sums it, with GA4's caveats", async () => {
    const r = await s.call("web_analytics", { ...RANGE, group_by: "source_medium" });
    expect(r.isError, r.text).toBe(false);
    const want = await db.query<Record<string, unknown>>(
      `SELECT source || ' / ' || medium AS k, SUM(sessions) AS s, SUM(conversions) AS c FROM sb_web_traffic
       WHERE day BETWEEN ? AND ? GROUP BY source, medium ORDER BY s DESC`,
      [RANGE.from, RANGE.to],
    );
    expect(
      r.data.rows.map((x: { key: string; sessions: number; conversions: number }) => [
        x.key,
        x.sessions,
        x.conversions,
      ]),
    ).toEqual(want.map((w) => [w.k, n(w.s), n(w.c)]));
    expect(r.data.meta.source).toBe("google-analytics-4");
    expect(r.data.meta.caveats.join(" ")).toMatch(/distinct users/);
    expect(ga4.state.reports[0]).toMatchObject({
      dimensions: [{ name: "sessionSourceMedium" }],
      metrics: [
        { name: "sessions" },
        { name: "engagedSessions" },
        { name: "keyEvents" },
        { name: "totalUsers" },
      ],
    });
    expect(ga4.violations).toEqual([]);
  });

  // the port's day rows against SQL on every provider: web-port.test.ts
  it("by day, the result says how fresh GA4's data is", async () => {
    const r = await s.call("web_analytics", { ...RANGE, group_by: "day", limit: 31 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.caveats).toContain("Data through 2026-10-31.");
  });

  it("a spent GA4 quota is a clear error, not figures", async () => {
    ga4.state.tokensUsed.set("123456", ga4.state.tokensPerDay);
    const r = await s.call("web_analytics", { from: "2026-09-01", to: "2026-09-30" });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/daily API quota is used up/);
    ga4.state.tokensUsed.clear();
  });

  it("forms_list counts HubSpot's submissions per form as SQL does; views are unknown", async () => {
    const r = await s.call("forms_list", RANGE);
    expect(r.isError, r.text).toBe(false);
    const want = await db.query<Record<string, unknown>>(
      `SELECT f.name, (SELECT COUNT(*) FROM sb_form_submissions x WHERE x.form_id = f.id
         AND substr(x.submitted_at, 1, 10) BETWEEN ? AND ?) AS subs FROM sb_forms f`,
      [RANGE.from, RANGE.to],
    );
    const got = new Map(
      r.data.forms.map((f: { name: string; submissions: number }) => [f.name, f.submissions]),
    );
    expect(got).toEqual(new Map(want.map((w) => [w.name, n(w.subs)])));
    expect(r.data.forms.every((f: { views: unknown }) => f.views === null)).toBe(true);
    expect(r.data.totals.conversion_rate).toBeNull();
    expect(r.data.meta.caveats.join(" ")).toMatch(/does not report form views/);
  });
});
