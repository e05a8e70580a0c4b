import { createServer } from "node:net";
import { classifyProbeFailure } from "@revops/connectors/doctor";
import { baseConfigSchema, createLogger, KitApp, KitRuntime } from "@revops/kit";
import { VendorError, type VendorErrorKind } from "@revops/resilience";
import {
  connectInProcess,
  modelVisibleTokens,
  type RunningFake,
  resultTokens,
  startHubSpotFake,
  startIntercomFake,
  startZendeskFake,
} from "@revops/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { safetyConfigSchema, safetyHooks, safetyModules } from "../src/index";
import { integrationsReport, opsToolset } from "../src/ops-module";
import { usageModule } from "../src/usage-module";

const HUBSPOT_TOKEN = "pat-na1-77777777-hubspot-secret";
const ZENDESK_TOKEN = "zd-api-token-secret-88888888";
const INTERCOM_TOKEN = "ic-access-token-secret-99999999";
const MIXPANEL_USER = "revops.sa";
const SECRETS = [HUBSPOT_TOKEN, ZENDESK_TOKEN, INTERCOM_TOKEN];

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** Connects the safety modules in process with exactly this environment (no .env file). */
async function connect(env: Record<string, string>) {
  vi.stubEnv("REVOPS_ENV_FILE", "/nonexistent/.env");
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  try {
    return await connectInProcess([usageModule], {
      hooks: safetyHooks("ops-test"),
      schema: safetyConfigSchema,
      env: { REVOPS_PRINCIPAL: "ops" },
    });
  } finally {
    vi.unstubAllEnvs();
  }
}

let hubspot: RunningFake<unknown>;
let zendesk: RunningFake<unknown>;
let intercom: RunningFake<unknown>;
let deadPort: number;
const texts: string[] = [];

beforeAll(async () => {
  hubspot = await startHubSpotFake({ deals: [{ dealname: "Acme renewal", amount: "1000" }] });
  zendesk = await startZendeskFake({});
  intercom = await startIntercomFake({ accessToken: INTERCOM_TOKEN });
  deadPort = await closedPort();
});
afterEach(() => {
  for (const f of [hubspot, zendesk, intercom]) f.faults.clear();
});
afterAll(async () => {
  await Promise.all([hubspot, zendesk, intercom].map((f) => f?.close()));
  // nothing the tool returned carries a credential
  for (const t of texts) for (const s of SECRETS) expect(t).not.toContain(s);
});

const VENDORS = () => ({
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url},zendesk=${zendesk.url},intercom=http://127.0.0.1:${deadPort}`,
  SALES_CRM: "hubspot",
  MARKETING_SOURCE: "hubspot",
  HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
  CS_SUPPORT: "zendesk",
  ZENDESK_EMAIL: "agent@example.com",
  ZENDESK_API_TOKEN: ZENDESK_TOKEN,
  CS_CONVERSATIONS: "intercom",
  INTERCOM_ACCESS_TOKEN: INTERCOM_TOKEN,
  CS_USAGE: "mixpanel",
  MIXPANEL_SERVICE_ACCOUNT_USERNAME: MIXPANEL_USER,
});

describe("integrations_health", () => {
  it("is in every server's safety modules, in the ops toolset, off by default and read-only", () => {
    expect(safetyModules).toContain(usageModule);
    expect(usageModule.toolsets).toContainEqual(opsToolset);
    expect(opsToolset.default).toBe(false);
    const tool = usageModule.tools.find((t) => t.name === "integrations_health");
    expect(tool?.toolset).toBe("ops");
    expect(tool?.annotations.readOnlyHint).toBe(true);
    expect(tool?.guard).toBeUndefined();
  });

  it("costs the model little: the listing and a four-connection answer", async () => {
    const runtime = new KitRuntime(baseConfigSchema.parse({}), createLogger("silent", "test"));
    const app = new KitApp({ modules: [usageModule], runtime, selection: { toolsets: ["ops"] } });
    expect(app.tools.map((t) => t.name)).toEqual(["integrations_health"]);
    const listed = modelVisibleTokens(app.listedTool(app.tools[0] as (typeof app.tools)[number]));
    console.log(`integrations_health: ${listed} model-visible tokens (o200k)`);
    expect(listed).toBeLessThanOrEqual(100);
  });

  it("reports each connection: a good HubSpot, a Zendesk with a rejected token, an unreachable Intercom, a half-set Mixpanel", async () => {
    zendesk.faults.always(
      { kind: "status", status: 401, body: { error: "Couldn't authenticate you" } },
      { path: /^\/api\/v2\// },
    );
    const s = await connect(VENDORS());
    try {
      const r = await s.call("integrations_health");
      texts.push(r.text, JSON.stringify(r.data));
      expect(r.isError, r.text).toBe(false);
      const cost = resultTokens({ structuredContent: r.data, content: [{ text: r.text }] });
      console.log(
        `integrations_health result, 4 connections: ${cost.structured} tokens structured, ${cost.text} text`,
      );
      expect(Math.max(cost.structured, cost.text)).toBeLessThanOrEqual(1500);
      expect(r.data.sandbox).toBe(false);
      const by = Object.fromEntries(
        (r.data.connections as { connection: string }[]).map((c) => [c.connection, c]),
      );
      expect(Object.keys(by).sort()).toEqual(["hubspot", "intercom", "mixpanel", "zendesk"]);

      expect(by.hubspot).toEqual({
        connection: "hubspot",
        vendor: "hubspot",
        status: "ok",
        latency_ms: expect.any(Number),
        servers: ["sales", "marketing"],
      });
      expect(by.zendesk).toMatchObject({
        vendor: "zendesk",
        status: "auth_failed",
        latency_ms: expect.any(Number),
        servers: ["customer-success"],
      });
      expect(JSON.stringify(by.zendesk)).toContain("ZENDESK_EMAIL / ZENDESK_API_TOKEN are rejected");
      expect(by.intercom).toMatchObject({ vendor: "intercom", status: "unreachable" });
      expect(JSON.stringify(by.intercom)).toMatch(/is unreachable/);
      // settings missing: not called, so no latency; every missing variable in one line
      expect(by.mixpanel).toMatchObject({ vendor: "mixpanel", status: "misconfigured" });
      expect(by.mixpanel).not.toHaveProperty("latency_ms");
      expect(JSON.stringify(by.mixpanel)).toContain("MIXPANEL_PROJECT_ID is required");
      expect(JSON.stringify(by.mixpanel)).toContain("MIXPANEL_SERVICE_ACCOUNT_SECRET is required");
      expect(r.data.note).toBe(
        "1 of 4 connections working; fix the others as each line says (docs/integrations.md).",
      );
      expect(r.text).toMatch(/^✓ hubspot \(hubspot\) ok · sales, marketing · \d+ ms$/m);

      // read-only: the checks made GET requests and nothing else
      expect(hubspot.requests.map((q) => `${q.method} ${q.path}`)).toContain("GET /crm/v3/objects/deals");
      expect([...hubspot.requests, ...zendesk.requests].every((q) => q.method === "GET")).toBe(true);

      // one server's view: only what it selects
      const sales = await s.call("integrations_health", { server: "sales" });
      texts.push(sales.text);
      expect((sales.data.connections as { connection: string }[]).map((c) => c.connection)).toEqual([
        "hubspot",
      ]);
      expect(sales.data.note).toBe("1 of 1 connection working.");
    } finally {
      await s.close();
    }
  });

  it("on the sandbox: no connection to check, and it says the sandbox needs none", async () => {
    const before = hubspot.requests.length + zendesk.requests.length;
    const s = await connect({});
    try {
      const r = await s.call("integrations_health");
      expect(r.isError, r.text).toBe(false);
      expect(r.data).toEqual({
        sandbox: true,
        connections: [],
        note: expect.stringContaining(
          "the servers run on the sandbox (the demo company), which needs no connection",
        ),
      });
      expect(hubspot.requests.length + zendesk.requests.length).toBe(before);
    } finally {
      await s.close();
    }
  });

  it("rejects an unknown server name", async () => {
    const s = await connect({});
    try {
      const r = await s.call("integrations_health", { server: "finance" });
      expect(r.isError).toBe(true);
      expect(r.text).toContain("server");
    } finally {
      await s.close();
    }
  });
});

describe("integrationsReport", () => {
  it("reports a bad selector and half-set vendors as misconfigured, one entry per connection, nothing called", async () => {
    const report = await integrationsReport({
      SALES_CRM: "pipedrive",
      MARKETING_SOURCE: "hubspot",
      ZENDESK_EMAIL: "agent@example.com",
      SALES_CRM__EU: "salesforce",
    });
    expect(report.sandbox).toBe(false);
    const rows = report.integrations.map((i) => [i.connection, i.status, i.servers]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ["SALES_CRM", "misconfigured", []],
        ["hubspot", "misconfigured", ["marketing"]],
        ["zendesk", "misconfigured", []],
        ["salesforce-eu", "misconfigured", ["sales"]],
      ]),
    );
    expect(report.integrations).toHaveLength(4);
    expect(report.integrations.every((i) => i.latencyMs === undefined)).toBe(true);
    const hub = report.integrations.find((i) => i.connection === "hubspot");
    expect(hub?.fix).toContain("HUBSPOT_ACCESS_TOKEN is required");
    const zd = report.integrations.find((i) => i.connection === "zendesk");
    expect(zd?.fix).toContain("ZENDESK_SUBDOMAIN is required");
    expect(zd?.fix).toContain("ZENDESK_API_TOKEN is required");
  });
});

describe("classifyProbeFailure", () => {
  const v = (kind: VendorErrorKind, status?: number) =>
    new VendorError({
      vendor: "hubspot",
      kind,
      retryable: false,
      message: kind,
      ...(status ? { status } : {}),
    });
  it.each([
    [v("auth", 401), "auth_failed"],
    [v("auth", 403), "auth_failed"],
    [v("unavailable", 503), "unreachable"],
    [v("timeout"), "unreachable"],
    [v("rate_limited", 429), "unreachable"],
    [v("quota_exhausted", 429), "unreachable"],
    [v("not_found", 404), "misconfigured"],
    [v("invalid", 400), "misconfigured"],
    [Object.assign(new Error("connect"), { code: "ECONNREFUSED" }), "unreachable"],
    [new Error("something else"), "misconfigured"],
  ] as const)("%s → %s", (err, status) => {
    expect(classifyProbeFailure(err)).toBe(status);
  });
});
