import { configuredConnections } from "@revops/connectors/doctor";
import { describe, expect, it } from "vitest";
import { checkMarketingSettings } from "../src/integrations/check-settings";

const KEY = { REVOPS_MASTER_KEY: "master-key-for-tests" };
const HS = { MARKETING_SOURCE: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-na1-123456" };
const GA4 = { MARKETING_WEB: "google", GOOGLE_ACCESS_TOKEN: "ya29.x", GA4_PROPERTY_ID: "123456" };

/** [case, environment, accepted]: the server's start-up check and `revops doctor` must both give this verdict. */
const TABLE: [string, Record<string, string>, boolean][] = [
  ["hubspot token", HS, true],
  ["hubspot without token", { MARKETING_SOURCE: "hubspot" }, false],
  [
    "hubspot consent",
    { MARKETING_SOURCE: "hubspot", HUBSPOT_OAUTH_CONNECTION: "c", HUBSPOT_CLIENT_ID: "id", ...KEY },
    true,
  ],
  [
    "hubspot consent without vault key",
    { MARKETING_SOURCE: "hubspot", HUBSPOT_OAUTH_CONNECTION: "c", HUBSPOT_CLIENT_ID: "id" },
    false,
  ],
  ["hubspot fake without the flag", { ...HS, REVOPS_TEST_VENDOR_BASE_URL: "http://127.0.0.1:1" }, false],
  ["sendgrid key and sender", { SENDGRID_API_KEY: "SG.x", SENDGRID_FROM_EMAIL: "team@acme.test" }, true],
  // the doctor once said nothing of SendGrid: the server refuses a key without its sender
  ["sendgrid key without sender", { SENDGRID_API_KEY: "SG.x" }, false],
  ["sendgrid sender not an address", { SENDGRID_API_KEY: "SG.x", SENDGRID_FROM_EMAIL: "team" }, false],
  ["ga4 with token", GA4, true],
  // the doctor once accepted these two: GA4 needs its numeric property with MARKETING_WEB=google
  ["ga4 without property", { ...GA4, GA4_PROPERTY_ID: "" }, false],
  ["ga4 measurement id", { ...GA4, GA4_PROPERTY_ID: "G-ABC123" }, false],
  ["ga4 without token", { MARKETING_WEB: "google", GA4_PROPERTY_ID: "123456" }, false],
  [
    "ga4 consent",
    { ...GA4, GOOGLE_ACCESS_TOKEN: "", GOOGLE_OAUTH_CONNECTION: "g", GOOGLE_CLIENT_ID: "id", ...KEY },
    true,
  ],
  ["ga4 fake without the flag", { ...GA4, REVOPS_TEST_GOOGLE_BASE_URL: "http://127.0.0.1:3" }, false],
];

/** The variable a ConfigError names first ("Invalid configuration:\n  NAME: …" or "  NAME (got …): …"). */
const namedBy = (e: unknown) => /\n\s+([A-Z][A-Z0-9_]*)/.exec(String((e as Error).message))?.[1];

describe("the marketing server and `revops doctor` judge vendor settings alike", () => {
  it.each(TABLE)("%s", (_, env, accepted) => {
    let refused: string | undefined;
    try {
      checkMarketingSettings(env);
    } catch (e) {
      refused = namedBy(e) ?? "?";
    }
    const problems = configuredConnections(env).problems.map((p) => p.variable);
    expect({ server: refused === undefined, doctor: problems.length === 0 }).toEqual({
      server: accepted,
      doctor: accepted,
    });
    // and the doctor names the variable the server stops on
    if (refused) expect(problems).toContain(refused);
  });
});
