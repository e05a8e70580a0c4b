import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { FormsPort, TrafficDimension, WebAnalyticsPort } from "@revops/model";
import { ensureSandboxLoaded, SANDBOX_DEFAULTS } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { seedHubSpotForms, startGa4Fake, startHubSpotFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMarketingServer } from "../src/server";

/** A provider's web and forms ports, and the sandbox tables the data it serves came from (vendors: seeded from them). */
interface Provider {
  web: WebAnalyticsPort;
  forms: FormsPort;
  db: SqlDb;
  close(): Promise<void>;
}

const n = (v: unknown) => Number(v ?? 0);
const RANGE = { from: "2026-10-01", to: "2026-10-31" };
const SCALE = 0.05;

/** Website traffic and form submissions (web_analytics, forms_list, funnel views): the same assertions on every provider. */
function describeWebContract(name: string, setup: () => Promise<Provider>) {
  describe(`WebAnalyticsPort + FormsPort contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    }, 120_000);
    afterAll(async () => p?.close());

    it("gives sessions and conversions per day, oldest first, as the rows sum them, the totals their sum", async () => {
      const r = await p.web.traffic({ ...RANGE, by: "day" });
      const want = await p.db.query<Record<string, unknown>>(
        `SELECT day, SUM(sessions) AS s, SUM(conversions) AS c, SUM(engaged_sessions) AS e FROM sb_web_traffic
         WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day`,
        [RANGE.from, RANGE.to],
      );
      expect(want.length).toBe(31);
      expect(r.rows.map((x) => [x.key, x.sessions, x.conversions, x.engagedSessions])).toEqual(
        want.map((w) => [w.day, n(w.s), n(w.c), n(w.e)]),
      );
      expect(r.totals.sessions).toBe(r.rows.reduce((t, x) => t + x.sessions, 0));
      expect(r.totals.conversions).toBe(r.rows.reduce((t, x) => t + x.conversions, 0));
      expect(r.through).toBe(want.at(-1)?.day);
    });

    it("breaks the same traffic down by source / medium and by landing page, most sessions first", async () => {
      const day = await p.web.traffic({ ...RANGE, by: "day" });
      for (const by of ["source_medium", "landing_page"] as TrafficDimension[]) {
        const r = await p.web.traffic({ ...RANGE, by });
        const sessions = r.rows.map((x) => x.sessions);
        expect(sessions).toEqual([...sessions].sort((a, b) => b - a));
        expect(new Set(r.rows.map((x) => x.key)).size).toBe(r.rows.length);
        expect(r.totals.sessions).toBe(day.totals.sessions);
        expect(r.rows.reduce((t, x) => t + x.conversions, 0)).toBe(day.totals.conversions);
      }
      const sm = await p.web.traffic({ ...RANGE, by: "source_medium" });
      const want = await p.db.query<{ k: string }>(
        "SELECT DISTINCT source || ' / ' || medium AS k FROM sb_web_traffic WHERE day BETWEEN ? AND ?",
        [RANGE.from, RANGE.to],
      );
      expect(sm.rows.map((x) => x.key).sort()).toEqual(want.map((w) => w.k).sort());
    });

    it("counts each form's submissions in the range, both end days included; views are sessions or unknown", async () => {
      const r = await p.forms.forms(RANGE);
      const want = await p.db.query<Record<string, unknown>>(
        `SELECT f.name, (SELECT COUNT(*) FROM sb_form_submissions x WHERE x.form_id = f.id
           AND substr(x.submitted_at, 1, 10) BETWEEN ? AND ?) AS subs FROM sb_forms f`,
        [RANGE.from, RANGE.to],
      );
      expect(new Map(r.forms.map((f) => [f.name, f.submissions]))).toEqual(
        new Map(want.map((w) => [String(w.name), n(w.subs)])),
      );
      expect(want.reduce((t, w) => t + n(w.subs), 0)).toBeGreaterThan(0);
      for (const f of r.forms) if (f.views !== null) expect(f.views).toBeGreaterThanOrEqual(0);
      // adjacent ranges add up
      const first = await p.forms.forms({ from: RANGE.from, to: "2026-10-15" });
      const second = await p.forms.forms({ from: "2026-10-16", to: RANGE.to });
      const subs = (x: typeof r) => x.forms.reduce((t, f) => t + f.submissions, 0);
      expect(subs(first) + subs(second)).toBe(subs(r));
    });
  });
}

describeWebContract("sandbox on SQLite", async () => {
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("web-port"), SANDBOX_SCALE: String(SCALE) }),
    createLogger("silent", "test"),
  );
  const { web, forms } = await createMarketingServer().ports(rt);
  await forms.forms(RANGE); // loads the company
  return { web, forms, db: await rt.sql(), close: () => rt.close(1000) };
});

describeWebContract("GA4 (googleapis) and HubSpot forms (@hubspot/api-client) over their fakes", async () => {
  // the vendors serve the sandbox's own traffic and submissions, so its tables say what they must answer
  const dir = mkdtempSync(join(tmpdir(), "web-port-vendors-"));
  const db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db, { seed: SANDBOX_DEFAULTS.seed, scale: SCALE });
  const traffic = await db.query<Record<string, unknown>>("SELECT * FROM sb_web_traffic");
  const ga4 = await startGa4Fake({
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
  const hubspot = await startHubSpotFake();
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
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("web-port-rt") }),
    createLogger("silent", "test"),
  );
  try {
    const ports = await createMarketingServer().ports(rt);
    return {
      web: ports.web,
      forms: ports.forms,
      db,
      close: async () => {
        await rt.close(1000);
        await ga4.close();
        await hubspot.close();
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } finally {
    vi.unstubAllEnvs();
  }
});
