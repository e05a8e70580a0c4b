import { randomBytes } from "node:crypto";
import {
  consentProvider,
  consentTokenUrl,
  openCredentialVault,
  runConsent,
  storeConsent,
} from "@revops/connectors/oauth-consent";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { type GoogleState, type RunningFake, startGoogleFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadSalesCalendarConfig } from "../src/integrations/config";
import { vendorCalendar } from "../src/integrations/vendor-ports";

const KEY = randomBytes(32).toString("base64");
const CLIENT = { clientId: "google-test-client", clientSecret: "google-test-secret" };
const REP = "rep@example.com";
let fake: RunningFake<GoogleState>;
let rt: KitRuntime;
let access: string;

beforeAll(async () => {
  // Google's access tokens live an hour: a fixed GOOGLE_ACCESS_TOKEN stops working the same day
  fake = await startGoogleFake({
    oauth: { accessTtlSec: 3599 },
    events: [
      { calendarId: REP, summary: "Busy", start: "2027-03-02T15:00:00Z", end: "2027-03-02T16:00:00Z" },
    ],
  });
  vi.stubEnv("REVOPS_MASTER_KEY", KEY);
  rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("google-consent") }),
    createLogger("silent", "test"),
  );
  // what `revops connections add google` leaves behind: the tokens and the client secret in the vault
  const { tokens } = await runConsent({
    provider: consentProvider("google", {
      tokenUrl: consentTokenUrl("google", { testBaseUrl: fake.url }),
      testBaseUrl: fake.url,
    }),
    ...CLIENT,
    open: async (url) => {
      const form = new URLSearchParams(new URL(url).searchParams);
      form.set("decision", "allow");
      const r = await fetch(url.split("?")[0] as string, { method: "POST", body: form, redirect: "manual" });
      void fetch(r.headers.get("location") as string);
    },
  });
  access = tokens.accessToken;
  await storeConsent(await openCredentialVault(await rt.sql(), { REVOPS_MASTER_KEY: KEY }), {
    connectionId: "sales-google",
    vendor: "google",
    tokens,
    clientSecret: CLIENT.clientSecret,
  });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rt?.close(1000);
  await fake?.close();
});

const settings = {
  SALES_CALENDAR: "google",
  GOOGLE_OAUTH_CONNECTION: "sales-google",
  GOOGLE_CLIENT_ID: CLIENT.clientId,
  REVOPS_MASTER_KEY: KEY,
};

describe("Google Calendar and Gmail connected through the OAuth consent (tokens in the vault)", () => {
  it("uses the stored token, and after the hour refreshes it once and retries", async () => {
    const config = loadSalesCalendarConfig({
      ...settings,
      REVOPS_TEST_GOOGLE_BASE_URL: fake.url,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    });
    expect(config).toMatchObject({
      calendar: "google",
      accessToken: "",
      consented: { connectionId: "sales-google", clientId: CLIENT.clientId, tokenUrl: `${fake.url}/token` },
    });
    if (config.calendar !== "google") throw new Error("expected the Google config");
    const google = await vendorCalendar(rt, config);
    const bearers = () =>
      fake.requests.filter((r) => r.path.startsWith("/calendar/")).map((r) => r.headers.authorization);
    const busy = () => google.busy([REP], "2027-03-02T00:00:00Z", "2027-03-03T00:00:00Z");
    expect((await busy())[REP]).toBeDefined();
    expect(new Set(bearers())).toEqual(new Set([`Bearer ${access}`]));

    const clock = fake.state.oauth.now;
    fake.state.oauth.now = () => clock() + 61 * 60_000;
    try {
      const before = bearers().length;
      expect((await busy())[REP]).toBeDefined();
      expect(fake.state.oauth.grants.filter((g) => g.type === "refresh_token")).toHaveLength(1);
      const after = bearers().slice(before);
      expect(after[0]).toBe(`Bearer ${access}`);
      expect(after.at(-1)).not.toBe(`Bearer ${access}`);
    } finally {
      fake.state.oauth.now = clock;
    }
    expect(fake.violations).toEqual([]);
  });

  it("names what is missing, and points at the consent when there is no token at all", () => {
    expect(() => loadSalesCalendarConfig({ ...settings, GOOGLE_CLIENT_ID: undefined })).toThrow(
      /GOOGLE_CLIENT_ID: is required with GOOGLE_OAUTH_CONNECTION/,
    );
    expect(() => loadSalesCalendarConfig({ SALES_CALENDAR: "google" })).toThrow(
      /revops connections add google/,
    );
    expect(loadSalesCalendarConfig(settings)).toMatchObject({
      consented: { tokenUrl: "https://oauth2.googleapis.com/token" },
    });
  });
});
