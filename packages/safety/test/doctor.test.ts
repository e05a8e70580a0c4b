import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MIXPANEL_FAKE_CA,
  type RunningFake,
  startHubSpotFake,
  startIntercomFake,
  startMixpanelFake,
  startSalesforceFake,
  startZendeskFake,
} from "@revops/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../src/index";

const HUBSPOT_TOKEN = "pat-na1-11111111-hubspot-secret";
const ZENDESK_TOKEN = "zd-api-token-secret-22222222";
const INTERCOM_TOKEN = "ic-access-token-secret-33333333";
const SALESFORCE_TOKEN = "00Dsf-session-secret-44444444";
const MIXPANEL_SECRET = "mp-service-account-secret-5555";
const HUBSPOT_EU_TOKEN = "pat-eu1-66666666-revoked-secret";
const SECRETS = [
  HUBSPOT_EU_TOKEN,
  HUBSPOT_TOKEN,
  ZENDESK_TOKEN,
  INTERCOM_TOKEN,
  SALESFORCE_TOKEN,
  MIXPANEL_SECRET,
];

const outputs: string[] = [];

/** Runs `revops doctor` with exactly this environment (no .env); the output and the exit code. */
async function doctor(env: Record<string, string>, args: string[] = []) {
  const lines: string[] = [];
  let code: number | undefined;
  const cli = buildCli({
    env: {
      REVOPS_ENV_FILE: "/nonexistent/.env",
      REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "doctor-")),
      ...env,
    },
    print: (l) => lines.push(l),
  });
  const before = process.exitCode;
  try {
    await cli.parseAsync(["node", "revops", "doctor", "--timeout", "5", ...args]);
    code = process.exitCode as number | undefined;
  } finally {
    process.exitCode = before;
  }
  const text = lines.join("\n");
  outputs.push(text);
  return { text, lines, code };
}

/** Latencies vary: "· 12 ms" → "· N ms". */
const stable = (lines: string[]) => lines.map((l) => l.replace(/ · \d+ ms/g, " · N ms"));

const TEST = { REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" };

describe("revops doctor", () => {
  let hubspot: RunningFake<unknown>;
  let zendesk: RunningFake<unknown>;
  let intercom: RunningFake<unknown>;
  let salesforce: RunningFake<unknown>;
  let mixpanel: Awaited<ReturnType<typeof startMixpanelFake>>;

  beforeAll(async () => {
    hubspot = await startHubSpotFake({ deals: [{ dealname: "Acme renewal", amount: "1000" }] });
    zendesk = await startZendeskFake({});
    intercom = await startIntercomFake({ accessToken: INTERCOM_TOKEN });
    salesforce = await startSalesforceFake({});
    mixpanel = await startMixpanelFake({
      projectId: "3141592",
      serviceAccount: { username: "revops.sa", secret: MIXPANEL_SECRET },
    });
  });
  afterEach(() => {
    for (const f of [hubspot, zendesk, intercom, salesforce, mixpanel]) f.faults.clear();
  });
  afterAll(async () => {
    await Promise.all([hubspot, zendesk, intercom, salesforce, mixpanel].map((f) => f.close()));
    // whatever a test printed, no credential appears in it
    for (const text of outputs) for (const s of SECRETS) expect(text).not.toContain(s);
  });

  it("a good HubSpot and a Zendesk with a wrong token: one line each, and exit code 1", async () => {
    zendesk.faults.always(
      { kind: "status", status: 401, body: { error: "Couldn't authenticate you" } },
      { path: /^\/api\/v2\// },
    );
    const { lines, code } = await doctor({
      ...TEST,
      REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url},zendesk=${zendesk.url}`,
      SALES_CRM: "hubspot",
      MARKETING_SOURCE: "hubspot",
      HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
      CS_SUPPORT: "zendesk",
      ZENDESK_EMAIL: "agent@example.com",
      ZENDESK_API_TOKEN: ZENDESK_TOKEN,
    });
    const out = stable(lines);
    expect(out.slice(0, 3)).toEqual([
      "Vendor connections",
      "✓ HubSpot · sales-hubspot (SALES_CRM), marketing-hubspot (MARKETING_SOURCE) · N ms",
      "✗ Zendesk · cs-zendesk (CS_SUPPORT) · N ms — ZENDESK_EMAIL / ZENDESK_API_TOKEN are rejected: create a new API token (Admin Center → Apps and integrations → Zendesk API) for that agent and check the email.",
    ]);
    expect(out[3]).toBe("Storage the servers use");
    expect(out[4]).toMatch(/^✓ Database embedded SQLite in \S+ \(REVOPS_DATA_DIR\) · N ms$/);
    expect(out[5]).toMatch(/^– Redis REDIS_URL not set — rate limits/);
    expect(out[6]).toBe(
      "Summary: 1 of 2 vendor connections working, storage ok: 1 to fix (docs/integrations.md).",
    );
    expect(code).toBe(1);
    // the probes are read-only: one GET each, nothing written
    expect(hubspot.requests.map((r) => `${r.method} ${r.path}`)).toContain("GET /crm/v3/objects/deals");
    expect(hubspot.requests.every((r) => r.method === "GET")).toBe(true);
    expect(zendesk.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("checks named connections too: each line names its connection, problems name the suffixed variable", async () => {
    hubspot.faults.expireTokens(HUBSPOT_EU_TOKEN);
    const { lines, code } = await doctor({
      ...TEST,
      REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url}`,
      SALES_CRM: "hubspot",
      HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
      HUBSPOT_ACCESS_TOKEN__EU: HUBSPOT_EU_TOKEN,
      SALES_CRM__SF: "salesforce",
    });
    const out = stable(lines);
    expect(out[1]).toBe("✓ HubSpot · sales-hubspot (SALES_CRM) · N ms");
    expect(out[2]).toMatch(
      /^✗ HubSpot · sales-hubspot-eu \(SALES_CRM\) · N ms — HUBSPOT_ACCESS_TOKEN is rejected/,
    );
    expect(out[3]).toMatch(
      /^✗ Salesforce · sales-salesforce-sf \(SALES_CRM\) — SALESFORCE_REFRESH_TOKEN__SF or SALESFORCE_ACCESS_TOKEN__SF is required when SALES_CRM__SF=salesforce: /,
    );
    expect(code).toBe(1);
  });

  it("everything fine (vendors, PostgreSQL and Redis): exit code 0, Salesforce's remaining quota shown", async () => {
    const dbUrl = process.env.TEST_DATABASE_URL;
    const redisUrl = process.env.TEST_REDIS_URL;
    const { lines, code, text } = await doctor({
      ...TEST,
      REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url},salesforce=${salesforce.url},intercom=${intercom.url},mixpanel=${mixpanel.url}`,
      REVOPS_TEST_VENDOR_CA: MIXPANEL_FAKE_CA,
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: SALESFORCE_TOKEN,
      HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
      MARKETING_SOURCE: "hubspot",
      CS_CONVERSATIONS: "intercom",
      INTERCOM_ACCESS_TOKEN: INTERCOM_TOKEN,
      CS_USAGE: "mixpanel",
      MIXPANEL_PROJECT_ID: "3141592",
      MIXPANEL_SERVICE_ACCOUNT_USERNAME: "revops.sa",
      MIXPANEL_SERVICE_ACCOUNT_SECRET: MIXPANEL_SECRET,
      ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    });
    expect(code, text).toBe(0);
    const out = stable(lines);
    expect(out).toContain("✓ HubSpot · marketing-hubspot (MARKETING_SOURCE) · N ms");
    expect(out).toContain("✓ Intercom · cs-intercom (CS_CONVERSATIONS) · N ms");
    expect(out).toContain(
      "✓ Mixpanel · cs-mixpanel (CS_USAGE) · N ms — uses 1 of the project's 60 exports an hour",
    );
    expect(out.find((l) => l.startsWith("✓ Salesforce"))).toMatch(
      /^✓ Salesforce · sales-salesforce \(SALES_CRM\) · N ms · \d+\/\d+ API requests in 24 h left$/,
    );
    if (dbUrl)
      expect(out).toContain("✓ Database PostgreSQL postgres://127.0.0.1:5432/test (DATABASE_URL) · N ms");
    if (redisUrl) expect(out).toContain("✓ Redis redis://127.0.0.1:6379 (REDIS_URL) · N ms");
    expect(out.at(-1)).toBe("Summary: 4 of 4 vendor connections working, storage ok.");
  });

  it("half-configured connections name the missing variable", async () => {
    const { lines, code } = await doctor({
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: SALESFORCE_TOKEN,
      CS_USAGE: "mixpanel",
      MIXPANEL_PROJECT_ID: "3141592",
      CS_SUPPORT: "zendsk",
    });
    expect(lines).toContain(
      "✗ Salesforce · sales-salesforce (SALES_CRM) — SALESFORCE_INSTANCE_URL is required when SALES_CRM=salesforce: set your org's https://<domain>.my.salesforce.com.",
    );
    expect(lines).toContain(
      "✗ Mixpanel · cs-mixpanel (CS_USAGE) — MIXPANEL_SERVICE_ACCOUNT_USERNAME is required when CS_USAGE=mixpanel: create a service account with access to the project (Organization Settings → Service Accounts).",
    );
    expect(
      lines.some((l) => l.startsWith("✗ Mixpanel") && l.includes("MIXPANEL_SERVICE_ACCOUNT_SECRET")),
    ).toBe(true);
    expect(lines).toContain(
      '✗ CS_SUPPORT — CS_SUPPORT="zendsk" is not a choice: use sandbox or zendesk (see docs/integrations.md).',
    );
    expect(lines.at(-1)).toBe(
      "Summary: 0 of 3 vendor connections working, storage ok: 4 to fix (docs/integrations.md).",
    );
    expect(code).toBe(1);
  });

  it("a selector without credentials, a refused URL and an unreachable host say what to fix", async () => {
    const closed = await freePort();
    const { lines, code } = await doctor({
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: SALESFORCE_TOKEN,
      SALESFORCE_INSTANCE_URL: "http://10.0.0.5",
      CS_CONVERSATIONS: "intercom",
      ...TEST,
      REVOPS_TEST_VENDOR_BASE_URL: `hubspot=http://127.0.0.1:${closed}`,
      HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
    });
    const out = stable(lines);
    expect(out).toContain(
      "✗ Salesforce · sales-salesforce (SALES_CRM) · N ms — SALESFORCE_INSTANCE_URL is refused: only https:// is allowed (http://10.0.0.5).",
    );
    expect(out).toContain(
      "✗ Intercom · cs-intercom (CS_CONVERSATIONS) — INTERCOM_ACCESS_TOKEN is required when CS_CONVERSATIONS=intercom: the access token of an Intercom app with read access to users, companies and conversations (Developer Hub → your app → Authentication), or run `revops connections add intercom` to sign in.",
    );
    expect(out).toContain(
      `✗ HubSpot · hubspot (unused) · N ms — 127.0.0.1:${closed} is unreachable (ECONNREFUSED): check DNS, proxy and firewall.`,
    );
    expect(code).toBe(1);
  });

  it("a test base URL without the explicit allow flag is refused, as the apps refuse it", async () => {
    const seen = hubspot.requests.length;
    const { lines, code } = await doctor({
      REVOPS_TEST_VENDOR_BASE_URL: hubspot.url,
      SALES_CRM: "hubspot",
      HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
    });
    // the app would refuse to start HubSpot, so the real api.hubapi.com is not probed either
    expect(lines).toContain(
      "✗ HubSpot · sales-hubspot (SALES_CRM) — REVOPS_TEST_VENDOR_BASE_URL is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach the real vendor.",
    );
    expect(hubspot.requests).toHaveLength(seen);
    expect(code).toBe(1);
  });

  it("nothing configured: every server runs on the sandbox, and how to connect a vendor", async () => {
    const { lines, code } = await doctor({});
    expect(lines.slice(0, 2)).toEqual([
      "Vendor connections",
      "  No vendor is configured: every server runs on the sandbox (the demo company). To connect one, set a selector and its credentials, e.g. SALES_CRM=hubspot with HUBSPOT_ACCESS_TOKEN — see docs/integrations.md.",
    ]);
    expect(lines.at(-1)).toBe("Summary: no vendor connection (sandbox), storage ok.");
    expect(code).toBe(0);
  });

  it("--json parses and carries the same verdicts, masked credentials only", async () => {
    zendesk.faults.always({ kind: "status", status: 401, body: { error: "Couldn't authenticate you" } });
    const { text, code } = await doctor(
      {
        ...TEST,
        REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url},zendesk=${zendesk.url}`,
        SALES_CRM: "hubspot",
        HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
        CS_SUPPORT: "zendesk",
        ZENDESK_EMAIL: "agent@example.com",
        ZENDESK_API_TOKEN: ZENDESK_TOKEN,
      },
      ["--json"],
    );
    const report = JSON.parse(text) as {
      ok: boolean;
      sandbox: boolean;
      connections: {
        vendor: string;
        status: string;
        credential: string;
        latencyMs: number;
        message?: string;
      }[];
      problems: unknown[];
      storage: { name: string; status: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.sandbox).toBe(false);
    expect(report.connections.map((c) => [c.vendor, c.status, c.credential])).toEqual([
      ["hubspot", "ok", "pat-…"],
      ["zendesk", "problem", "agent@example.com/token zd-a…"],
    ]);
    expect(report.connections[1]?.message).toMatch(/^ZENDESK_EMAIL \/ ZENDESK_API_TOKEN are rejected/);
    expect(report.storage.map((s) => [s.name, s.status])).toEqual([
      ["database", "ok"],
      ["redis", "not_configured"],
    ]);
    expect(code).toBe(1);
  });
});

/** A port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
