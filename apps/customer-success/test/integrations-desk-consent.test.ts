import { randomBytes } from "node:crypto";
import {
  type ConsentVendor,
  consentProvider,
  consentTokenUrl,
  openCredentialVault,
  runConsent,
  storeConsent,
} from "@revops/connectors/oauth-consent";
import { openSql } from "@revops/store";
import {
  connectInProcess,
  type IntercomState,
  type RunningFake,
  startIntercomFake,
  startZendeskFake,
  tempDataDir,
  type ZendeskState,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadCsIntegrationsConfig } from "../src/integrations/config";
import { createCustomerSuccessServer } from "../src/server";

const KEY = randomBytes(32).toString("base64");
let zd: RunningFake<ZendeskState>;
let ic: RunningFake<IntercomState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;
const issued: Record<string, string> = {};

/** What `revops setup` leaves behind: the consent's tokens and the client secret in the servers' vault. */
async function consent(vendor: ConsentVendor, url: string, dir: string) {
  const clientSecret = `${vendor}-test-secret`;
  const { tokens } = await runConsent({
    provider: consentProvider(vendor, {
      tokenUrl: consentTokenUrl(vendor, { testBaseUrl: url }),
      testBaseUrl: url,
    }),
    clientId: `${vendor}-test-client`,
    clientSecret,
    open: async (u) => {
      const form = new URLSearchParams(new URL(u).searchParams);
      form.set("decision", "allow");
      const r = await fetch(u.split("?")[0] as string, { method: "POST", body: form, redirect: "manual" });
      void fetch(r.headers.get("location") as string);
    },
  });
  issued[vendor] = tokens.accessToken;
  const db = await openSql({ dataDir: dir });
  const vault = await openCredentialVault(db, { REVOPS_MASTER_KEY: KEY });
  await storeConsent(vault, { connectionId: `cs-${vendor}`, vendor, tokens, clientSecret });
  await db.close();
}

beforeAll(async () => {
  [zd, ic] = await Promise.all([
    startZendeskFake({
      tickets: [
        { subject: "Printer on fire", status: "open", priority: "urgent" },
        { subject: "Invoice copy", status: "solved" },
      ],
      oauth: { accessTtlSec: 7200 },
    }),
    // only tokens the consent issued are accepted (the fixed API token is never configured here)
    startIntercomFake({
      accessToken: "ic-api-token-unused",
      contacts: [{ name: "Ada", email: "ada@example.test" }],
      conversations: [{ title: "Billing", rating: { rating: 5, at: 1_763_000_000 } }],
    }),
  ]);
  const dir = tempDataDir("cs-desk-consent");
  await consent("zendesk", zd.url, dir);
  await consent("intercom", ic.url, dir);
  for (const [k, v] of Object.entries({
    CS_SUPPORT: "zendesk",
    ZENDESK_OAUTH_CONNECTION: "cs-zendesk",
    ZENDESK_CLIENT_ID: "zendesk-test-client",
    CS_CONVERSATIONS: "intercom",
    INTERCOM_OAUTH_CONNECTION: "cs-intercom",
    INTERCOM_CLIENT_ID: "intercom-test-client",
    REVOPS_MASTER_KEY: KEY,
    REVOPS_DATA_DIR: dir,
    REVOPS_TEST_VENDOR_BASE_URL: `zendesk=${zd.url},intercom=${ic.url}`,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  }))
    vi.stubEnv(k, v);
  s = await connectInProcess([createCustomerSuccessServer()], { env: { REVOPS_DATA_DIR: dir } });
});

afterAll(async () => {
  await s?.close();
  await Promise.all([zd?.close(), ic?.close()]);
  vi.unstubAllEnvs();
});

const bearers = (f: RunningFake<unknown>, prefix: string) =>
  f.requests.filter((r) => r.path.startsWith(prefix)).map((r) => r.headers.authorization);

describe("customer-success connected to Zendesk and Intercom through the OAuth consent (tokens in the vault)", () => {
  it("reads tickets from Zendesk with the stored Bearer token, and refreshes it once after it expires", async () => {
    const first = await s.call("tickets_list", { status: "open" });
    expect(first.isError, first.text).toBe(false);
    expect(first.text).toContain("Printer on fire");
    expect(new Set(bearers(zd, "/api/v2/"))).toEqual(new Set([`Bearer ${issued.zendesk}`]));

    const clock = zd.state.oauth.now;
    zd.state.oauth.now = () => clock() + 121 * 60_000;
    try {
      const before = bearers(zd, "/api/v2/").length;
      const second = await s.call("tickets_list", { status: "solved" });
      expect(second.isError, second.text).toBe(false);
      expect(second.text).toContain("Invoice copy");
      expect(zd.state.oauth.grants.filter((g) => g.type === "refresh_token")).toHaveLength(1);
      const after = bearers(zd, "/api/v2/").slice(before);
      expect(after[0]).toBe(`Bearer ${issued.zendesk}`);
      expect(after.at(-1)).not.toBe(`Bearer ${issued.zendesk}`);
    } finally {
      zd.state.oauth.now = clock;
    }
  });

  it("reads conversation ratings from Intercom with the stored (non-expiring) token", async () => {
    const r = await s.call("nps_summary", {});
    expect(r.isError, r.text).toBe(false);
    expect(r.data.meta.source).toContain("intercom");
    expect(r.data.responses).toBe(1);
    expect(new Set(bearers(ic, "/conversations"))).toEqual(new Set([`Bearer ${issued.intercom}`]));
  });

  it("names what is missing, and needs no API token variables with the consent", () => {
    const base = { CS_SUPPORT: "zendesk", ZENDESK_SUBDOMAIN: "acme", ZENDESK_OAUTH_CONNECTION: "cs-zendesk" };
    expect(() => loadCsIntegrationsConfig(base)).toThrow(
      /ZENDESK_CLIENT_ID: is required with ZENDESK_OAUTH_CONNECTION/,
    );
    expect(
      loadCsIntegrationsConfig({
        ...base,
        ZENDESK_CLIENT_ID: "c",
        REVOPS_MASTER_KEY: KEY,
        CS_CONVERSATIONS: "intercom",
        INTERCOM_OAUTH_CONNECTION: "cs-intercom",
        INTERCOM_CLIENT_ID: "i",
      }),
    ).toMatchObject({
      support: {
        consented: { connectionId: "cs-zendesk", tokenUrl: "https://acme.zendesk.com/oauth/tokens" },
      },
      conversations: {
        consented: { connectionId: "cs-intercom", tokenUrl: "https://api.intercom.io/auth/eagle/token" },
      },
    });
  });
});
