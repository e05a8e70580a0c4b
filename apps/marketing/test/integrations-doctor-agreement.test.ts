import { configuredConnections } from "@revops/connectors/doctor";
import { itJudgesSettingsLikeTheDoctor, type SettingsCase } from "@revops/testing";
import { describe } from "vitest";
import { checkMarketingSettings } from "../src/integrations/check-settings";

const KEY = { REVOPS_MASTER_KEY: "master-key-for-tests" };
const HS = { MARKETING_SOURCE: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-na1-123456" };
const GA4 = { MARKETING_WEB: "google", GOOGLE_ACCESS_TOKEN: "ya29.x", GA4_PROPERTY_ID: "123456" };

/** [case, environment, accepted]: the server's start-up check and `revops doctor` must both give this verdict. */
const TABLE: SettingsCase[] = [
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

describe("the marketing server and `revops doctor` judge vendor settings alike", () => {
  itJudgesSettingsLikeTheDoctor(
    TABLE,
    (env) => checkMarketingSettings(env),
    (env) => configuredConnections(env).problems,
  );
});
