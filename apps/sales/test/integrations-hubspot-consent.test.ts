import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  consentProvider,
  consentTokenUrl,
  openCredentialVault,
  runConsent,
  storeConsent,
} from "@revops/connectors/oauth-consent";
import { openSql } from "@revops/store";
import { connectInProcess, type HubSpotState, type RunningFake, startHubSpotFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadSalesCrmConfig } from "../src/integrations/config";
import { createSalesServer } from "../src/server";

const KEY = randomBytes(32).toString("base64");
let fake: RunningFake<HubSpotState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;
let access: string;

beforeAll(async () => {
  fake = await startHubSpotFake({
    deals: [{ dealname: "Acme expansion", amount: "5000", dealstage: "appointmentscheduled" }],
  });
  const dir = mkdtempSync(join(tmpdir(), "sales-consent-"));
  // what `revops setup` leaves behind: the consent's tokens and the client secret in the servers' vault
  const { tokens } = await runConsent({
    provider: consentProvider("hubspot", {
      tokenUrl: consentTokenUrl("hubspot", { testBaseUrl: fake.url }),
      testBaseUrl: fake.url,
    }),
    clientId: "hubspot-test-client",
    clientSecret: "hubspot-test-secret",
    open: async (url) => {
      const form = new URLSearchParams(new URL(url).searchParams);
      form.set("decision", "allow");
      const r = await fetch(url.split("?")[0] as string, { method: "POST", body: form, redirect: "manual" });
      void fetch(r.headers.get("location") as string);
    },
  });
  access = tokens.accessToken;
  const db = await openSql({ dataDir: dir });
  await storeConsent(await openCredentialVault(db, { REVOPS_MASTER_KEY: KEY }), {
    connectionId: "sales-hubspot",
    vendor: "hubspot",
    tokens,
    clientSecret: "hubspot-test-secret",
  });
  await db.close();
  for (const [k, v] of Object.entries({
    SALES_CRM: "hubspot",
    HUBSPOT_OAUTH_CONNECTION: "sales-hubspot",
    HUBSPOT_CLIENT_ID: "hubspot-test-client",
    REVOPS_MASTER_KEY: KEY,
    REVOPS_DATA_DIR: dir,
    REVOPS_TEST_VENDOR_BASE_URL: fake.url,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  }))
    vi.stubEnv(k, v);
  s = await connectInProcess([createSalesServer()], { env: { REVOPS_DATA_DIR: dir } });
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
  vi.unstubAllEnvs();
});

const dataTokens = () =>
  fake.requests.filter((r) => r.path.startsWith("/crm/")).map((r) => r.headers.authorization);

describe("HubSpot connected through the OAuth consent (tokens in the vault)", () => {
  it("uses the stored token, and after it expires refreshes it once and retries", async () => {
    const first = await s.call("deals_list", {});
    expect(first.isError, first.text).toBe(false);
    expect(first.data.deals.map((d: { name: string }) => d.name)).toEqual(["Acme expansion"]);
    expect(new Set(dataTokens())).toEqual(new Set([`Bearer ${access}`]));

    const clock = fake.state.oauth.now;
    fake.state.oauth.now = () => clock() + 31 * 60_000;
    try {
      const before = dataTokens().length;
      const second = await s.call("deals_list", {});
      expect(second.isError, second.text).toBe(false);
      expect(fake.state.oauth.grants.filter((g) => g.type === "refresh_token")).toHaveLength(1);
      const after = dataTokens().slice(before);
      expect(after[0]).toBe(`Bearer ${access}`);
      expect(after.at(-1)).not.toBe(`Bearer ${access}`);
    } finally {
      fake.state.oauth.now = clock;
    }
  });

  it("names what is missing", () => {
    const base = { SALES_CRM: "hubspot", HUBSPOT_OAUTH_CONNECTION: "sales-hubspot" };
    expect(() => loadSalesCrmConfig(base)).toThrow(
      /HUBSPOT_CLIENT_ID: is required with HUBSPOT_OAUTH_CONNECTION/,
    );
    expect(() => loadSalesCrmConfig({ ...base, HUBSPOT_CLIENT_ID: "c" })).toThrow(
      /REVOPS_MASTER_KEY: is required with HUBSPOT_OAUTH_CONNECTION/,
    );
    expect(
      loadSalesCrmConfig({
        ...base,
        HUBSPOT_CLIENT_ID: "c",
        REVOPS_MASTER_KEY: KEY,
        SALESFORCE_LOGIN_URL: undefined,
      }),
    ).toMatchObject({
      crm: "hubspot",
      consented: {
        connectionId: "sales-hubspot",
        clientId: "c",
        tokenUrl: "https://api.hubapi.com/oauth/v1/token",
      },
    });
  });
});
