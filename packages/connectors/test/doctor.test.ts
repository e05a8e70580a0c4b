import {
  type Ga4State,
  json,
  type RunningFake,
  startFake,
  startGa4Fake,
  startHubSpotFake,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configuredConnections,
  type DoctorConnection,
  maskSecret,
  probeConnection,
  scrubSecrets,
} from "../src/doctor/index";

const TOKEN = "pat-na1-abcdef-0123456789";
const fakeOf = (url: string) => ({ baseUrl: url, allowInsecureTestBaseUrl: true });

describe("configuredConnections", () => {
  it("reads the apps' variables: which servers select each vendor, test fakes only with the flag", () => {
    const { connections, problems, secrets } = configuredConnections({
      SALES_CRM: "hubspot",
      MARKETING_SOURCE: "hubspot",
      HUBSPOT_ACCESS_TOKEN: TOKEN,
      SALES_ENRICHMENT: "apollo",
      APOLLO_API_KEY: "apollo-key-123456",
      INTERCOM_ACCESS_TOKEN: "ic-token-123456",
      INTERCOM_REGION: "eu",
      REVOPS_TEST_VENDOR_BASE_URL: "hubspot=http://127.0.0.1:1",
      REVOPS_TEST_ENRICHMENT_BASE_URL: "http://127.0.0.1:2",
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    });
    expect(problems).toEqual([]);
    expect(connections.map((c) => [c.vendor, c.usedBy.map((u) => u.connectionId), c.baseUrl])).toEqual([
      ["hubspot", ["sales-hubspot", "marketing-hubspot"], "http://127.0.0.1:1"],
      ["intercom", [], undefined],
      ["apollo", ["sales-apollo"], "http://127.0.0.1:2"],
    ]);
    expect(secrets).toEqual(expect.arrayContaining([TOKEN, "apollo-key-123456", "ic-token-123456"]));
  });

  it("half-configured: a token without its instance URL, a selector without credentials, a bad region", () => {
    const { connections, problems } = configuredConnections({
      SALESFORCE_ACCESS_TOKEN: "00D-token-123456",
      CS_SUPPORT: "zendesk",
      ZENDESK_SUBDOMAIN: "acme.zendesk.com",
      MIXPANEL_PROJECT_ID: "x1",
      MIXPANEL_SERVICE_ACCOUNT_USERNAME: "sa",
      MIXPANEL_SERVICE_ACCOUNT_SECRET: "secret-123456",
      MIXPANEL_REGION: "asia",
    });
    expect(connections).toEqual([]);
    // values the servers' formats refuse first, then what each vendor's rules find missing
    expect(problems.map((p) => p.variable)).toEqual([
      "ZENDESK_SUBDOMAIN",
      "MIXPANEL_PROJECT_ID",
      "MIXPANEL_REGION",
      "SALESFORCE_INSTANCE_URL",
      "ZENDESK_EMAIL",
      "ZENDESK_API_TOKEN",
    ]);
    expect(problems[2]?.message).toBe('MIXPANEL_REGION (got "asia") is not a region: use us, eu or in.');
    expect(problems[3]?.message).toBe(
      "SALESFORCE_INSTANCE_URL is required: set your org's https://<domain>.my.salesforce.com.",
    );
    expect(problems[4]?.message).toMatch(/^ZENDESK_EMAIL is required when CS_SUPPORT=zendesk: /);
  });

  it("SendGrid: the marketing server's key, and CS_EMAIL=sendgrid, each with its sender", () => {
    const key = "SG.key-0123456789";
    const half = configuredConnections({ SENDGRID_API_KEY: key });
    expect(half.problems.map((p) => p.message)).toEqual([
      "SENDGRID_FROM_EMAIL is required when SENDGRID_API_KEY is set: a verified sender address (Settings → Sender Authentication).",
    ]);
    const both = configuredConnections({
      CS_EMAIL: "sendgrid",
      SENDGRID_API_KEY: key,
      SENDGRID_FROM_EMAIL: "cs@acme.test",
    });
    expect(both.problems).toEqual([]);
    expect(both.connections).toMatchObject([
      { vendor: "sendgrid", apiKey: key, usedBy: [{ connectionId: "cs-sendgrid" }] },
    ]);
    expect(both.secrets).toContain(key);
  });

  it("masks: first 4 characters only, short values entirely", () => {
    expect(maskSecret(TOKEN)).toBe("pat-…");
    expect(maskSecret("short")).toBe("…");
    expect(scrubSecrets(`token ${TOKEN} in a message`, [TOKEN])).toBe("token pat-… in a message");
  });
});

describe("probeConnection", () => {
  let hubspot: Awaited<ReturnType<typeof startHubSpotFake>>;
  let apollo: RunningFake<{ calls: string[] }>;
  const hub = (url: string): DoctorConnection => ({
    id: "hubspot",
    vendor: "hubspot",
    usedBy: [],
    accessToken: TOKEN,
    ...fakeOf(url),
  });

  beforeAll(async () => {
    hubspot = await startHubSpotFake({});
    const state = { calls: [] as string[] };
    // Apollo's documented key check (docs.apollo.io → Authentication); the stock Apollo fake has only enrichment
    apollo = await startFake(
      {
        name: "apollo-health",
        route: (req) => {
          state.calls.push(`${req.method} ${req.path}`);
          if (req.path !== "/api/v1/auth/health") return json(404, { error: "not found" });
          const ok = req.headers["x-api-key"] === "apollo-good-key-1234";
          return {
            status: 200,
            body: { healthy: true, is_logged_in: ok },
            headers: { "x-rate-limit-daily": "600", "x-daily-requests-left": "598" },
          };
        },
        unauthorized: () => json(401, { error: "Invalid access credentials." }),
      },
      state,
    );
  });
  afterAll(async () => {
    await hubspot.close();
    await apollo.close();
  });

  it("HubSpot: ok with latency; a 403 names the scopes HubSpot says are missing", async () => {
    const ok = await probeConnection(hub(hubspot.url));
    expect(ok).toMatchObject({ status: "ok", credential: "pat-…" });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    expect(ok.message).toMatch(
      /^no server uses it yet: set SALES_CRM=hubspot or MARKETING_SOURCE=hubspot or CS_CRM=hubspot$/,
    );

    hubspot.faults.next({
      kind: "status",
      status: 403,
      body: {
        status: "error",
        message: "This app hasn't been granted all required scopes to make this call.",
        category: "MISSING_SCOPES",
        errors: [
          {
            message: "One or more of the following scopes are required.",
            context: { requiredGranularScopes: ["crm.objects.deals.read"] },
          },
        ],
      },
    });
    const denied = await probeConnection(hub(hubspot.url));
    expect(denied.status).toBe("problem");
    expect(denied.message).toMatch(/^HUBSPOT_ACCESS_TOKEN lacks scopes \(HTTP 403\)/);
    expect(denied.message).toMatch(/HubSpot says it is missing crm\.objects\.deals\.read\.$/);
  });

  it("HubSpot: a revoked token says how to get a new one; a hang is cut at the deadline", async () => {
    hubspot.faults.expireTokens(TOKEN);
    const rejected = await probeConnection(hub(hubspot.url));
    expect(rejected.message).toBe(
      "HUBSPOT_ACCESS_TOKEN is rejected: create a new private-app token (HubSpot → Settings → Integrations → Private Apps) and set it.",
    );
    hubspot.faults.clear();

    hubspot.faults.always({ kind: "hang" });
    const slow = await probeConnection(hub(hubspot.url), { timeoutMs: 300 });
    hubspot.faults.clear();
    expect(slow.status).toBe("problem");
    expect(slow.message).toBe(
      `${new URL(hubspot.url).host} did not answer within 300 ms: check the network path (proxy, firewall) and the vendor's status page.`,
    );
    expect(slow.latencyMs).toBeLessThan(2000);
  });

  it("Apollo: checks the key with auth/health, never an enrichment call, and shows the daily allowance", async () => {
    const conn = (apiKey: string): DoctorConnection => ({
      id: "apollo",
      vendor: "apollo",
      usedBy: [{ server: "sales", selector: "SALES_ENRICHMENT", connectionId: "sales-apollo" }],
      apiKey,
      ...fakeOf(apollo.url),
    });
    const ok = await probeConnection(conn("apollo-good-key-1234"));
    expect(ok).toMatchObject({
      status: "ok",
      message: "no enrichment credit spent",
      quota: { remaining: 598, limit: 600 },
    });
    const bad = await probeConnection(conn("apollo-bad-key-5678"));
    expect(bad).toMatchObject({
      status: "problem",
      message:
        "APOLLO_API_KEY is rejected: create a new API key (Apollo → Settings → Integrations → API Keys).",
    });
    expect(apollo.state.calls).toEqual(["GET /api/v1/auth/health", "GET /api/v1/auth/health"]);
  });

  it("a URL the safety checks refuse names the variable and the reason, without a request", async () => {
    const r = await probeConnection({
      id: "zendesk",
      vendor: "zendesk",
      usedBy: [],
      subdomain: "acme",
      email: "a@example.com",
      apiToken: "zd-token-123456",
      allowInsecureTestBaseUrl: false,
      baseUrl: "http://127.0.0.1:9",
      baseUrlVariable: "REVOPS_TEST_VENDOR_BASE_URL",
    });
    expect(r.message).toBe(
      "REVOPS_TEST_VENDOR_BASE_URL is refused: only https:// is allowed (http://127.0.0.1:9).",
    );
  });
});

describe("Salesforce's refresh-token flow in doctor", () => {
  let sf: Awaited<ReturnType<typeof import("@revops/testing").startSalesforceFake>>;
  beforeAll(async () => {
    const { startSalesforceFake } = await import("@revops/testing");
    sf = await startSalesforceFake({ Account: [{ Name: "Acme" }] });
  });
  afterAll(async () => sf?.close());

  const env = (refreshToken: string) => ({
    SALES_CRM: "salesforce",
    SALESFORCE_REFRESH_TOKEN: refreshToken,
    SALESFORCE_CLIENT_ID: "connected-app",
    SALESFORCE_CLIENT_SECRET: "cs-secret-0123456789",
    REVOPS_MASTER_KEY: "test-master-key",
    REVOPS_TEST_VENDOR_BASE_URL: sf.url,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  });

  it("redeems the refresh token like the server, then reads one account; a refused one names what to check", async () => {
    const good = configuredConnections(env("refresh-1"));
    expect(good.problems).toEqual([]);
    const [conn] = good.connections;
    if (!conn) throw new Error("no connection");
    const ok = await probeConnection(conn);
    expect(ok).toMatchObject({ status: "ok", credential: "refresh token refr…" });
    expect(sf.requests.filter((r) => r.path === "/services/oauth2/token")).toHaveLength(1);

    const [bad] = configuredConnections(env("revoked-refresh-token")).connections;
    if (!bad) throw new Error("no connection");
    const refused = await probeConnection(bad);
    expect(refused.status).toBe("problem");
    expect(refused.message).toContain("Salesforce refused the refresh token");
    expect(refused.message).toContain("SALESFORCE_REFRESH_TOKEN");
    expect(JSON.stringify([ok, refused])).not.toMatch(/revoked-refresh-token|cs-secret-0123456789/);
  });

  it("asks for the connected app's id and secret, and the vault's key, when only the refresh token is set", () => {
    const { problems } = configuredConnections({
      SALES_CRM: "salesforce",
      SALESFORCE_REFRESH_TOKEN: "r-123456",
    });
    // the vault's key: the servers refuse to start without it, and so does the doctor (it once accepted it)
    expect(problems.map((p) => p.variable)).toEqual([
      "SALESFORCE_CLIENT_ID",
      "SALESFORCE_CLIENT_SECRET",
      "REVOPS_MASTER_KEY",
    ]);
  });
});

describe("the GA4 probe (MARKETING_WEB=google)", () => {
  let ga4: RunningFake<Ga4State>;
  const row = { date: "2026-11-01", sessionSource: "google", sessionMedium: "organic", landingPage: "/" };
  beforeAll(async () => {
    ga4 = await startGa4Fake({
      properties: { "123456": [{ ...row, sessions: 3, engagedSessions: 1, keyEvents: 0, totalUsers: 2 }] },
    });
  });
  afterAll(async () => ga4.close());

  it("reads GA4_PROPERTY_ID beside the Google sign-in and calls runReport, not Calendar, for a marketing-only token", async () => {
    const { connections } = configuredConnections({
      MARKETING_WEB: "google",
      GOOGLE_ACCESS_TOKEN: "ya29.test-token",
      GA4_PROPERTY_ID: "123456",
      REVOPS_TEST_GOOGLE_BASE_URL: ga4.url,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    });
    const google = connections.find((c) => c.vendor === "google") as DoctorConnection;
    expect(google).toMatchObject({ ga4PropertyId: "123456" });
    const ok = await probeConnection(google);
    expect(ok, ok.message).toMatchObject({ status: "ok" });
    expect(ok.check).toContain(":runReport");
    expect(ok.check).not.toContain("freeBusy");
    expect(ok.message).toContain("GA4 property 123456 answered");
    expect(ga4.state.reports).toHaveLength(1);
  });

  it("a property the token cannot read names GA4_PROPERTY_ID and the fix", async () => {
    const conn: DoctorConnection = {
      id: "google",
      vendor: "google",
      accessToken: "ya29.test-token",
      ga4PropertyId: "999",
      usedBy: [{ server: "marketing", selector: "MARKETING_WEB", connectionId: "marketing-google" }],
      ...fakeOf(ga4.url),
    };
    const r = await probeConnection(conn);
    expect(r).toMatchObject({ status: "problem", failure: "misconfigured" });
    expect(r.message).toContain("GA4_PROPERTY_ID 999");
    expect(r.message).toContain("Property details");
    expect(r.message).toContain("Viewer");
  });
});
