import { randomBytes } from "node:crypto";
import { authMigrations, CredentialVault, masterKeyFromBytes } from "@revops/auth";
import { migrate } from "@revops/store";
import { type GoogleState, type RunningFake, startGoogleFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configuredConnections, probeConnection, type VaultAccess } from "../src/doctor";
import { consentProvider, consentTokenUrl, runConsent, storeConsent } from "../src/oauth-consent";
import { memoryKv, sqlite } from "./helpers";

let g: RunningFake<GoogleState>;
const CLIENT = { clientId: "google-test-client", clientSecret: "google-test-secret" };

beforeAll(async () => {
  // Google's access tokens live an hour
  g = await startGoogleFake({ oauth: { accessTtlSec: 3599 } });
});
afterAll(async () => {
  await g.close();
});

const google = () =>
  consentProvider("google", {
    tokenUrl: consentTokenUrl("google", { testBaseUrl: g.url }),
    testBaseUrl: g.url,
  });

/** A "browser" that presses Allow on the consent page and follows the redirect back to the loopback listener. */
async function allow(url: string) {
  const form = new URLSearchParams(new URL(url).searchParams);
  form.set("decision", "allow");
  const post = await fetch(url.split("?")[0] as string, { method: "POST", body: form, redirect: "manual" });
  await fetch(post.headers.get("location") as string);
}

describe("Google OAuth consent (accounts.google.com / oauth2.googleapis.com contracts, on the fake)", () => {
  it("asks for offline access with PKCE and the four scopes, and gets a refresh token", async () => {
    let asked: URL | undefined;
    const result = await runConsent({
      provider: google(),
      ...CLIENT,
      open: async (url) => {
        asked = new URL(url);
        await allow(url);
      },
    });
    expect(asked?.pathname).toBe("/o/oauth2/v2/auth");
    expect(asked?.searchParams.get("access_type")).toBe("offline");
    expect(asked?.searchParams.get("prompt")).toBe("consent");
    expect(asked?.searchParams.get("code_challenge_method")).toBe("S256");
    expect(asked?.searchParams.get("scope")?.split(" ")).toEqual([
      "https://www.googleapis.com/auth/gmail.readonly",
      "https://www.googleapis.com/auth/gmail.send",
      "https://www.googleapis.com/auth/gmail.compose",
      "https://www.googleapis.com/auth/calendar.events",
      "https://www.googleapis.com/auth/calendar.freebusy",
      "https://www.googleapis.com/auth/analytics.readonly",
    ]);
    expect(result.tokens.refreshToken).toBeTruthy();
    expect(result.tokens.expiresAt).toBeGreaterThan(Date.now() + 59 * 60_000);
  });

  it("without offline access Google issues no refresh token, and the wizard says so instead of storing a dying token", async () => {
    const online = { ...google(), params: {} };
    await expect(runConsent({ provider: online, ...CLIENT, open: (u) => void allow(u) })).rejects.toThrow(
      /refresh token/i,
    );
  });

  it("stored in the vault: the doctor's probe reads free/busy, and after the hour refreshes once and saves it back", async () => {
    const db = await sqlite();
    await migrate(db, authMigrations);
    const vault = new CredentialVault(db, { current: masterKeyFromBytes(randomBytes(32)) });
    const kv = await memoryKv();
    const { tokens } = await runConsent({ provider: google(), ...CLIENT, open: (u) => void allow(u) });
    await storeConsent(vault, {
      connectionId: "sales-google",
      vendor: "google",
      tokens,
      clientSecret: CLIENT.clientSecret,
    });
    const env = {
      SALES_CALENDAR: "google",
      GOOGLE_OAUTH_CONNECTION: "sales-google",
      REVOPS_MASTER_KEY: "test-master-key", // the servers require the vault's key with a consent
      GOOGLE_CLIENT_ID: CLIENT.clientId,
      REVOPS_TEST_GOOGLE_BASE_URL: g.url,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    };
    const seen = configuredConnections(env);
    expect(seen.problems).toEqual([]);
    const conn = seen.connections.find((c) => c.vendor === "google");
    expect(conn).toMatchObject({
      vendor: "google",
      vault: { id: "sales-google" },
      usedBy: [{ server: "sales", selector: "SALES_CALENDAR", connectionId: "sales-google" }],
    });
    const access: VaultAccess = (fn) => fn({ vault, kv });
    const probe = () => probeConnection(conn as NonNullable<typeof conn>, { vault: access });
    expect(await probe()).toMatchObject({
      status: "ok",
      credential: "OAuth, tokens in the vault (sales-google)",
    });
    const refreshes = () => g.state.oauth.grants.filter((x) => x.type === "refresh_token").length;
    expect(refreshes()).toBe(0);
    const now = g.state.oauth.now;
    g.state.oauth.now = () => now() + 61 * 60_000;
    try {
      expect((await probe()).status).toBe("ok");
      expect(refreshes()).toBe(1);
      const stored = JSON.parse((await vault.get("sales-google")) as string) as {
        accessToken: string;
        refreshToken: string;
      };
      expect(stored.accessToken).not.toBe(tokens.accessToken);
      // Google sends no new refresh token on a refresh: the stored one is kept
      expect(stored.refreshToken).toBe(tokens.refreshToken);
    } finally {
      g.state.oauth.now = now;
    }
  });

  it("the doctor names what is missing: a consent without its client id, or no token at all", () => {
    const half = configuredConnections({ SALES_CALENDAR: "google", GOOGLE_OAUTH_CONNECTION: "sales-google" });
    expect(half.problems.map((p) => p.variable)).toEqual(["GOOGLE_CLIENT_ID"]);
    const none = configuredConnections({ SALES_CALENDAR: "google" });
    expect(none.problems[0]?.message).toMatch(
      /GOOGLE_ACCESS_TOKEN is required when SALES_CALENDAR=google: .*revops connections add google/,
    );
  });
});
