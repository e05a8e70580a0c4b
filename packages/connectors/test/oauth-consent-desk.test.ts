import { createHash, randomBytes } from "node:crypto";
import { authMigrations, CredentialVault, masterKeyFromBytes } from "@revops/auth";
import { migrate, type SqlDb } from "@revops/store";
import {
  type IntercomState,
  type RunningFake,
  startIntercomFake,
  startZendeskFake,
  type ZendeskState,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configuredConnections, probeConnection, type VaultAccess } from "../src/doctor";
import {
  type ConsentVendor,
  consentProvider,
  consentTokenUrl,
  runConsent,
  storeConsent,
} from "../src/oauth-consent";
import { memoryKv, sqlite } from "./helpers";

let zd: RunningFake<ZendeskState>;
let ic: RunningFake<IntercomState>;
const CLIENTS = {
  zendesk: { clientId: "zendesk-test-client", clientSecret: "zendesk-test-secret" },
  intercom: { clientId: "intercom-test-client", clientSecret: "intercom-test-secret" },
};

beforeAll(async () => {
  [zd, ic] = await Promise.all([
    startZendeskFake({
      tickets: [{ subject: "Printer on fire", status: "open" }],
      oauth: { accessTtlSec: 7200 },
    }),
    // a fixed API token is still accepted beside the tokens the consent issues
    startIntercomFake({
      accessToken: "ic-api-token",
      conversations: [{ title: "Billing" }],
      contacts: [{ name: "Ada", email: "ada@example.com" }],
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([zd.close(), ic.close()]);
});

const fakeOf = (vendor: "zendesk" | "intercom") => (vendor === "zendesk" ? zd : ic);
const provider = (vendor: "zendesk" | "intercom") => {
  const testBaseUrl = fakeOf(vendor).url;
  return consentProvider(vendor, { tokenUrl: consentTokenUrl(vendor, { testBaseUrl }), testBaseUrl });
};

/** A "browser" that presses Allow on the consent page and follows the redirect (optionally altered) back. */
async function allow(url: string, alter: (back: URL) => URL = (b) => b) {
  const form = new URLSearchParams(new URL(url).searchParams);
  form.set("decision", "allow");
  const post = await fetch(url.split("?")[0] as string, { method: "POST", body: form, redirect: "manual" });
  await fetch(alter(new URL(post.headers.get("location") as string)));
}

async function vaultOn(db: SqlDb) {
  await migrate(db, authMigrations);
  return new CredentialVault(db, { current: masterKeyFromBytes(randomBytes(32)) });
}

/** Consent, then the tokens stored as `revops setup` does; the raw row must not show them. */
async function consentAndStore(vendor: "zendesk" | "intercom", connectionId: string) {
  const db = await sqlite();
  const vault = await vaultOn(db);
  let asked: URL | undefined;
  const { tokens } = await runConsent({
    provider: provider(vendor),
    ...CLIENTS[vendor],
    open: async (url) => {
      asked = new URL(url);
      await allow(url);
    },
  });
  await storeConsent(vault, {
    connectionId,
    vendor: vendor as ConsentVendor,
    tokens,
    clientSecret: CLIENTS[vendor].clientSecret,
  });
  const rows = await db.query<Record<string, string>>("SELECT * FROM auth_credentials");
  const raw = JSON.stringify(rows);
  expect(raw).not.toContain(tokens.accessToken);
  expect(raw).not.toContain(CLIENTS[vendor].clientSecret);
  expect(JSON.parse((await vault.get(connectionId)) as string)).toMatchObject({
    vendor,
    accessToken: tokens.accessToken,
  });
  return { vault, tokens, asked: asked as URL };
}

describe("Zendesk OAuth consent (authorization code with PKCE on <subdomain>.zendesk.com, on the fake)", () => {
  it("asks read write with S256 PKCE and state, redeems the code with the verifier, stores the tokens encrypted", async () => {
    const { tokens, asked } = await consentAndStore("zendesk", "cs-zendesk");
    expect(asked.pathname).toBe("/oauth/authorizations/new");
    expect(asked.searchParams.get("scope")).toBe("read write");
    expect(asked.searchParams.get("code_challenge_method")).toBe("S256");
    expect(asked.searchParams.get("state")?.length).toBeGreaterThanOrEqual(43);
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresAt).toBeLessThan(Date.now() + 7201_000);
    expect(zd.state.oauth.grants.at(-1)).toEqual({ type: "authorization_code", ok: true });
  });

  it("a redirect with another state is refused before the code is redeemed", async () => {
    const grants = zd.state.oauth.grants.length;
    const run = runConsent({
      provider: provider("zendesk"),
      ...CLIENTS.zendesk,
      open: (url) =>
        void allow(url, (back) => {
          back.searchParams.set("state", "forged");
          return back;
        }),
    });
    await expect(run).rejects.toMatchObject({ reason: "state" });
    expect(zd.state.oauth.grants.length).toBe(grants);
  });

  it("the fake's token endpoint checks the PKCE verifier and answers RFC 6749 errors", async () => {
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const redirect = "http://127.0.0.1:9/callback";
    const q = new URLSearchParams({
      response_type: "code",
      client_id: CLIENTS.zendesk.clientId,
      redirect_uri: redirect,
      state: "s",
      code_challenge: challenge,
      code_challenge_method: "S256",
      decision: "allow",
    });
    const back = await fetch(`${zd.url}/oauth/authorizations/new`, {
      method: "POST",
      body: q,
      redirect: "manual",
    });
    const code = new URL(back.headers.get("location") as string).searchParams.get("code") as string;
    const redeem = (code_verifier: string) =>
      fetch(`${zd.url}/oauth/tokens`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: redirect,
          code_verifier,
          ...{ client_id: CLIENTS.zendesk.clientId, client_secret: CLIENTS.zendesk.clientSecret },
        }),
      });
    const wrong = await redeem("not-the-verifier");
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
    // the code was spent by the refused attempt: single use
    expect((await redeem(verifier)).status).toBe(400);
  });

  it("stored in the vault: the doctor's probe lists a ticket with the Bearer token, and refreshes once after expiry", async () => {
    const { vault, tokens } = await consentAndStore("zendesk", "cs-zendesk");
    const kv = await memoryKv();
    const seen = configuredConnections({
      CS_SUPPORT: "zendesk",
      ZENDESK_OAUTH_CONNECTION: "cs-zendesk",
      REVOPS_MASTER_KEY: "test-master-key", // the servers require the vault's key with a consent
      ZENDESK_CLIENT_ID: CLIENTS.zendesk.clientId,
      REVOPS_TEST_VENDOR_BASE_URL: zd.url,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    });
    expect(seen.problems).toEqual([]);
    const conn = seen.connections.find((c) => c.vendor === "zendesk");
    const access: VaultAccess = (fn) => fn({ vault, kv });
    const probe = () => probeConnection(conn as NonNullable<typeof conn>, { vault: access });
    expect(await probe()).toMatchObject({
      status: "ok",
      credential: "OAuth, tokens in the vault (cs-zendesk)",
    });
    const refreshes = () => zd.state.oauth.grants.filter((x) => x.type === "refresh_token").length;
    const before = refreshes();
    const now = zd.state.oauth.now;
    zd.state.oauth.now = () => now() + 121 * 60_000;
    try {
      expect((await probe()).status).toBe("ok");
      expect(refreshes()).toBe(before + 1);
      const stored = JSON.parse((await vault.get("cs-zendesk")) as string) as { accessToken: string };
      expect(stored.accessToken).not.toBe(tokens.accessToken);
    } finally {
      zd.state.oauth.now = now;
    }
  });
});

describe("Intercom OAuth consent (app.intercom.com/oauth and api.intercom.io/auth/eagle/token, on the fake)", () => {
  it("sends client_id, state and redirect_uri without scopes, and stores the non-expiring token without a refresh token", async () => {
    const { tokens, asked } = await consentAndStore("intercom", "cs-intercom");
    expect(asked.pathname).toBe("/oauth");
    expect(asked.searchParams.get("client_id")).toBe(CLIENTS.intercom.clientId);
    expect(asked.searchParams.get("state")).toBeTruthy();
    expect(asked.searchParams.has("scope")).toBe(false);
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 50 * 365 * 86_400_000);
  });

  it("a wrong client secret is refused: nothing is returned to store", async () => {
    const run = runConsent({
      provider: provider("intercom"),
      ...CLIENTS.intercom,
      clientSecret: "wrong",
      open: (url) => void allow(url),
    });
    await expect(run).rejects.toMatchObject({ reason: "exchange" });
    await expect(run).rejects.toThrow(/did not redeem the authorization code \(.*invalid_client\)/);
  });

  it("stored in the vault: the doctor's probe lists conversations with it; a missing client id is named", async () => {
    const { vault } = await consentAndStore("intercom", "cs-intercom");
    const env = {
      CS_CONVERSATIONS: "intercom",
      INTERCOM_OAUTH_CONNECTION: "cs-intercom",
      REVOPS_MASTER_KEY: "test-master-key", // the servers require the vault's key with a consent
      INTERCOM_CLIENT_ID: CLIENTS.intercom.clientId,
      REVOPS_TEST_VENDOR_BASE_URL: ic.url,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    };
    const seen = configuredConnections(env);
    expect(seen.problems).toEqual([]);
    const conn = seen.connections.find((c) => c.vendor === "intercom");
    const access: VaultAccess = async (fn) => fn({ vault, kv: await memoryKv() });
    expect(await probeConnection(conn as NonNullable<typeof conn>, { vault: access })).toMatchObject({
      status: "ok",
      credential: "OAuth, token in the vault (cs-intercom)",
    });
    const { INTERCOM_CLIENT_ID: _, ...half } = env;
    expect(configuredConnections(half).problems.map((p) => p.variable)).toEqual(["INTERCOM_CLIENT_ID"]);
  });
});
