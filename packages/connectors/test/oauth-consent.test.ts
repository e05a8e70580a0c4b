import { randomBytes } from "node:crypto";
import { authMigrations, CredentialVault, masterKeyFromBytes } from "@revops/auth";
import { migrate } from "@revops/store";
import {
  type HubSpotState,
  type RunningFake,
  type SalesforceState,
  startHubSpotFake,
  startSalesforceFake,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configuredConnections, probeConnection, type VaultAccess } from "../src/doctor";
import {
  ConsentError,
  consentProvider,
  consentTokenUrl,
  runConsent,
  storeConsent,
  vaultTokens,
} from "../src/oauth-consent";
import { memoryKv, sqlite } from "./helpers";

let hs: RunningFake<HubSpotState>;
let sf: RunningFake<SalesforceState>;

beforeAll(async () => {
  hs = await startHubSpotFake({ deals: [{ dealname: "Acme", amount: "100" }] });
  sf = await startSalesforceFake({ Account: [{ Name: "Acme" }] });
});
afterAll(async () => {
  await hs.close();
  await sf.close();
});

const hubspot = () =>
  consentProvider("hubspot", {
    tokenUrl: consentTokenUrl("hubspot", { testBaseUrl: hs.url }),
    testBaseUrl: hs.url,
  });
const salesforce = () =>
  consentProvider("salesforce", { tokenUrl: consentTokenUrl("salesforce", { testBaseUrl: sf.url }) });

/** A "browser": loads the consent page, presses a button, follows the redirect back to the loopback listener. */
async function browse(url: string, decision: "allow" | "deny", tamper?: (back: URL) => URL | undefined) {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("id=allow");
  const form = new URLSearchParams(new URL(url).searchParams);
  form.set("decision", decision);
  const post = await fetch(url.split("?")[0] as string, { method: "POST", body: form, redirect: "manual" });
  expect(post.status).toBe(302);
  const back = new URL(post.headers.get("location") as string);
  const target = tamper ? tamper(back) : back;
  if (target) await fetch(target);
  return back;
}

const CLIENTS = {
  hubspot: { clientId: "hubspot-test-client", clientSecret: "hubspot-test-secret" },
  salesforce: { clientId: "salesforce-test-client", clientSecret: "salesforce-test-secret" },
};

describe("OAuth consent on a loopback redirect against the vendor fakes", () => {
  it("HubSpot: allow → code redeemed once with PKCE → tokens; the same code again is refused", async () => {
    let back: URL | undefined;
    const result = await runConsent({
      provider: hubspot(),
      ...CLIENTS.hubspot,
      open: async (url) => {
        const u = new URL(url);
        expect(u.pathname).toBe("/oauth/authorize");
        expect(u.searchParams.get("code_challenge_method")).toBe("S256");
        expect(u.searchParams.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
        back = await browse(url, "allow");
      },
    });
    expect(result.tokens.accessToken).toMatch(/^CJ/);
    expect(result.tokens.refreshToken).toBeTruthy();
    expect(result.tokens.expiresAt).toBeGreaterThan(Date.now() + 29 * 60_000);
    // the authorization code is single-use at the vendor
    const again = await fetch(`${hs.url}/oauth/v1/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        ...{ client_id: CLIENTS.hubspot.clientId, client_secret: CLIENTS.hubspot.clientSecret },
        code: back?.searchParams.get("code") ?? "",
        redirect_uri: result.redirectUri,
      }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ status: "BAD_AUTH_CODE" });
  });

  it("Salesforce: the web-server flow returns the instance URL and a refresh token", async () => {
    const result = await runConsent({
      provider: salesforce(),
      ...CLIENTS.salesforce,
      open: (url) => void browse(url, "allow"),
    });
    expect(result.tokens.instanceUrl).toBe(sf.url);
    expect(result.tokens.refreshToken).toBeTruthy();
    expect(new URL(result.redirectUri).hostname).toBe("127.0.0.1");
  });

  it("denied consent is a clear message", async () => {
    const run = runConsent({
      provider: salesforce(),
      ...CLIENTS.salesforce,
      open: (url) => void browse(url, "deny"),
    });
    await expect(run).rejects.toThrow(
      /Salesforce access was not allowed in the browser \(access_denied\): nothing was stored/,
    );
    await expect(run).rejects.toMatchObject({ reason: "denied" });
  });

  it("a redirect with another state is refused before any code is redeemed", async () => {
    const grants = hs.state.oauth.grants.length;
    const run = runConsent({
      provider: hubspot(),
      ...CLIENTS.hubspot,
      open: (url) =>
        void browse(url, "allow", (back) => {
          back.searchParams.set("state", "forged");
          return back;
        }),
    });
    await expect(run).rejects.toMatchObject({ reason: "state" });
    await expect(run).rejects.toThrow(/did not carry the state/);
    expect(hs.state.oauth.grants.length).toBe(grants);
  });

  it("a wrong client secret, a wrong verifier or an expired code fail the exchange", async () => {
    await expect(
      runConsent({
        provider: hubspot(),
        clientId: CLIENTS.hubspot.clientId,
        clientSecret: "nope",
        open: (u) => void browse(u, "allow"),
      }),
    ).rejects.toThrow(
      /did not redeem the authorization code \(Token endpoint .* answered HTTP 400 BAD_CLIENT_SECRET\)/,
    );
    // the code outlives its lifetime: the fake's clock moves 16 minutes before the exchange
    const now = sf.state.oauth.now;
    try {
      await expect(
        runConsent({
          provider: salesforce(),
          ...CLIENTS.salesforce,
          open: async (u) => {
            await browse(u, "allow", (back) => {
              sf.state.oauth.now = () => now() + 16 * 60_000;
              return back;
            });
          },
        }),
      ).rejects.toMatchObject({ reason: "exchange", message: expect.stringContaining("invalid_grant") });
    } finally {
      sf.state.oauth.now = now;
    }
  });

  it("the fake refuses an unregistered redirect URI and a wrong PKCE verifier", async () => {
    const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const params = new URLSearchParams({
      response_type: "code",
      client_id: CLIENTS.salesforce.clientId,
      redirect_uri: "https://evil.example/callback",
      state: "s",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const bad = await fetch(`${sf.url}/services/oauth2/authorize?${params}`, { redirect: "manual" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("redirect_uri_mismatch");
    params.set("redirect_uri", "http://127.0.0.1:9/callback");
    params.set("decision", "allow");
    const newCode = async () => {
      const ok = await fetch(`${sf.url}/services/oauth2/authorize`, {
        method: "POST",
        body: params,
        redirect: "manual",
      });
      return new URL(ok.headers.get("location") as string).searchParams.get("code") ?? "";
    };
    let code = await newCode();
    const redeem = (extra: Record<string, string>) =>
      fetch(`${sf.url}/services/oauth2/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          ...(CLIENTS.salesforce.clientId && {
            client_id: CLIENTS.salesforce.clientId,
            client_secret: CLIENTS.salesforce.clientSecret,
          }),
          ...extra,
        }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
    expect(await redeem({ redirect_uri: "http://127.0.0.1:10/callback", code_verifier: "x" })).toMatchObject({
      status: 400,
      body: { error: "redirect_uri_mismatch" },
    });
    code = await newCode();
    expect(
      await redeem({ redirect_uri: "http://127.0.0.1:9/callback", code_verifier: "not-the-verifier" }),
    ).toMatchObject({
      status: 400,
      body: { error: "invalid_grant", error_description: "invalid code verifier" },
    });
  });

  it("stored in the vault: the doctor's probe uses the token, and after expiry refreshes it and saves it back", async () => {
    const db = await sqlite();
    await migrate(db, authMigrations);
    const vault = new CredentialVault(db, { current: masterKeyFromBytes(randomBytes(32)) });
    const kv = await memoryKv();
    const { tokens } = await runConsent({
      provider: hubspot(),
      ...CLIENTS.hubspot,
      open: (u) => void browse(u, "allow"),
    });
    await storeConsent(vault, {
      connectionId: "sales-hubspot",
      vendor: "hubspot",
      tokens,
      clientSecret: CLIENTS.hubspot.clientSecret,
    });
    // the vault holds ciphertext only
    const rows = await db.query<{ ciphertext: string }>("SELECT ciphertext FROM auth_credentials");
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.ciphertext).not.toContain(tokens.accessToken.slice(2, 12));

    const env = {
      SALES_CRM: "hubspot",
      HUBSPOT_OAUTH_CONNECTION: "sales-hubspot",
      REVOPS_MASTER_KEY: "test-master-key", // the servers require the vault's key with a consent
      HUBSPOT_CLIENT_ID: CLIENTS.hubspot.clientId,
      REVOPS_TEST_VENDOR_BASE_URL: hs.url,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    };
    const [conn] = configuredConnections(env).connections;
    expect(conn).toMatchObject({ vendor: "hubspot", vault: { id: "sales-hubspot" } });
    const access: VaultAccess = (fn) => fn({ vault, kv });
    const first = await probeConnection(conn as NonNullable<typeof conn>, { vault: access });
    expect(first).toMatchObject({ status: "ok", credential: "OAuth, tokens in the vault (sales-hubspot)" });
    const refreshes = () => hs.state.oauth.grants.filter((g) => g.type === "refresh_token").length;
    expect(refreshes()).toBe(0);

    // the vendor's clock passes the token's lifetime: HubSpot answers 401, the probe refreshes and retries once
    const now = hs.state.oauth.now;
    hs.state.oauth.now = () => now() + 31 * 60_000;
    try {
      const after = await probeConnection(conn as NonNullable<typeof conn>, { vault: access });
      expect(after.status).toBe("ok");
      expect(refreshes()).toBe(1);
      const stored = JSON.parse((await vault.get("sales-hubspot")) as string) as { accessToken: string };
      expect(stored.accessToken).not.toBe(tokens.accessToken);
    } finally {
      hs.state.oauth.now = now;
    }
    // without the vault, or without stored tokens, the probe says how to fix it
    expect(await probeConnection(conn as NonNullable<typeof conn>)).toMatchObject({
      status: "problem",
      failure: "misconfigured",
    });
    await expect(
      vaultTokens({
        vault,
        kv,
        vendor: "hubspot",
        connectionId: "other",
        clientId: "c",
        tokenUrl: "http://x",
      }),
    ).rejects.toThrow(/revops connections add hubspot/);
  });
});

describe("ConsentError", () => {
  it("times out when the browser never comes back", async () => {
    await expect(
      runConsent({ provider: hubspot(), ...CLIENTS.hubspot, open: () => {}, timeoutMs: 200 }),
    ).rejects.toBeInstanceOf(ConsentError);
  });
});
