import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSandboxLoaded, SANDBOX_DEFAULTS } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

// Every figure is recomputed from sb_web_traffic, sb_forms and sb_form_submissions with SQL, never from the tools' code.

let s: Awaited<ReturnType<typeof connectInProcess>>;
let db: SqlDb;
let dir: string;
const n = (v: unknown) => Number(v ?? 0);
const rate = (a: number, b: number) => (b ? Math.round((a / b) * 10_000) / 10_000 : null);
// the sandbox's today is 2026-11-23: the default range is the 28 days through yesterday
const FROM = "2026-10-26";
const TO = "2026-11-22";

/** Sums per SQL key expression over the range, as the tools show them. */
async function sums(key: string, from = FROM, to = TO) {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${key} AS k, SUM(sessions) AS s, SUM(engaged_sessions) AS e, SUM(conversions) AS c, SUM(users) AS u
     FROM sb_web_traffic WHERE day >= ? AND day <= ? GROUP BY ${key}`,
    [from, to],
  );
  return new Map(
    rows.map((r) => [
      String(r.k),
      {
        sessions: n(r.s),
        engaged_sessions: n(r.e),
        engagement_rate: rate(n(r.e), n(r.s)),
        conversions: n(r.c),
        conversion_rate: rate(n(r.c), n(r.s)),
        users: n(r.u),
      },
    ]),
  );
}

beforeAll(async () => {
  s = await connectInProcess([createMarketingServer()]);
  dir = mkdtempSync(join(tmpdir(), "web-test-"));
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db, { seed: SANDBOX_DEFAULTS.seed, scale: SANDBOX_DEFAULTS.scale });
});
afterAll(async () => {
  await s.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("web_analytics on the sandbox", () => {
  it("by source / medium over the default 28 days matches SQL row by row, most sessions first, with totals", async () => {
    const r = await s.call("web_analytics", { group_by: "source_medium" });
    expect(r.isError, r.text).toBe(false);
    const want = await sums("source || ' / ' || medium");
    expect(r.data.rows).toHaveLength(8);
    for (const row of r.data.rows) expect(row).toEqual({ key: row.key, ...want.get(row.key) });
    const sessions = r.data.rows.map((x: { sessions: number }) => x.sessions);
    expect(sessions).toEqual([...sessions].sort((a, b) => b - a));
    expect(r.data.totals).toEqual((await sums("'all'")).get("all"));
    expect(r.data.meta.inputs).toMatchObject({ from: FROM, to: TO, days: 28, group_by: "source_medium" });
    expect(r.data.meta.caveats).toContain(`Data through ${TO}.`);
    // measured by SQL at seed 42, scale 1 (see packages/sandbox/README.md)
    expect([r.data.rows[0].key, r.data.totals.sessions, r.data.totals.conversions]).toEqual([
      "google / organic",
      12_177,
      327,
    ]);
  });

  it("by ISO week (keyed by Monday) matches SQL", async () => {
    const r = await s.call("web_analytics", { group_by: "week", from: "2026-11-02", to: "2026-11-22" });
    const monday = "date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days')";
    const want = await sums(monday, "2026-11-02", "2026-11-22");
    expect(r.data.rows.map((x: { key: string }) => x.key)).toEqual([
      "2026-11-02",
      "2026-11-09",
      "2026-11-16",
    ]);
    for (const row of r.data.rows) expect(row).toEqual({ key: row.key, ...want.get(row.key) });
  });

  it("caps rows and says what was left out; totals still cover everything", async () => {
    const r = await s.call("web_analytics", { group_by: "landing_page", limit: 2 });
    expect(r.data.rows).toHaveLength(2);
    expect(r.data.note).toMatch(/Showing 2 of 6 rows; 4 left out/);
    expect(r.data.totals.sessions).toBe((await sums("'all'")).get("all")?.sessions);
  });

  it("refuses a reversed, future or too long range naming the field and the fix", async () => {
    const reversed = await s.call("web_analytics", { from: "2026-11-10", to: "2026-11-01" });
    expect(reversed.isError).toBe(true);
    expect(reversed.text).toMatch(/from is after to/);
    const future = await s.call("web_analytics", { to: "2026-12-01" });
    expect(future.text).toMatch(/to is after today \(2026-11-23\)/);
    const long = await s.call("web_analytics", { from: "2025-01-01", to: "2026-11-01" });
    expect(long.text).toMatch(/more than 400 days.*from: "2025-09-28"/s);
    const bad = await s.call("web_analytics", { group_by: "campaign" });
    expect(bad.text).toMatch(/group_by/);
  });
});

describe("forms_list on the sandbox", () => {
  it("submissions, views (sessions on the form's page) and conversion rate per form match SQL", async () => {
    const r = await s.call("forms_list", { from: "2026-10-01", to: "2026-10-31" });
    expect(r.isError, r.text).toBe(false);
    const want = await db.query<Record<string, unknown>>(
      `SELECT f.id, f.name,
         (SELECT SUM(t.sessions) FROM sb_web_traffic t WHERE t.landing_page = f.landing_page
            AND t.day BETWEEN '2026-10-01' AND '2026-10-31') AS views,
         (SELECT COUNT(*) FROM sb_form_submissions x WHERE x.form_id = f.id
            AND substr(x.submitted_at, 1, 10) BETWEEN '2026-10-01' AND '2026-10-31') AS subs
       FROM sb_forms f ORDER BY subs DESC, f.id`,
    );
    expect(r.data.forms).toEqual(
      want.map((w) => ({
        id: w.id,
        name: w.name,
        submissions: n(w.subs),
        views: n(w.views),
        conversion_rate: rate(n(w.subs), n(w.views)),
      })),
    );
    const subs = want.reduce((t, w) => t + n(w.subs), 0);
    const views = want.reduce((t, w) => t + n(w.views), 0);
    expect(r.data.totals).toEqual({ submissions: subs, views, conversion_rate: rate(subs, views) });
    // a page's conversions in GA4 terms are its form's submissions: both tools agree
    const pages = await s.call("web_analytics", {
      group_by: "landing_page",
      from: "2026-10-01",
      to: "2026-10-31",
    });
    expect(pages.data.totals.conversions).toBe(subs);
    // measured by SQL at seed 42, scale 1
    expect([r.data.forms[0].name, subs]).toEqual(["Webinar registration", 391]);
  });
});
