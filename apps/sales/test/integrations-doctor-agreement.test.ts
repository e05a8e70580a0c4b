import { configuredConnections } from "@revops/connectors/doctor";
import { itJudgesSettingsLikeTheDoctor, type SettingsCase } from "@revops/testing";
import { describe } from "vitest";
import { checkSalesSettings } from "../src/integrations/config";

const KEY = { REVOPS_MASTER_KEY: "master-key-for-tests" };
const FAKE = { REVOPS_TEST_VENDOR_BASE_URL: "http://127.0.0.1:1", REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" };
const SF_REFRESH = {
  SALES_CRM: "salesforce",
  SALESFORCE_REFRESH_TOKEN: "refresh-123456",
  SALESFORCE_CLIENT_ID: "client",
  SALESFORCE_CLIENT_SECRET: "client-secret-123",
  ...KEY,
};

/** [case, environment, accepted]: the server's start-up check and `revops doctor` must both give this verdict. */
const TABLE: SettingsCase[] = [
  ["hubspot token", { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-na1-123456" }, true],
  ["hubspot without token", { SALES_CRM: "hubspot" }, false],
  [
    "hubspot consent",
    { SALES_CRM: "hubspot", HUBSPOT_OAUTH_CONNECTION: "c", HUBSPOT_CLIENT_ID: "id", ...KEY },
    true,
  ],
  [
    "hubspot consent without client id",
    { SALES_CRM: "hubspot", HUBSPOT_OAUTH_CONNECTION: "c", ...KEY },
    false,
  ],
  // the doctor once accepted this: the server refuses a consent without the vault's key
  [
    "hubspot consent without vault key",
    { SALES_CRM: "hubspot", HUBSPOT_OAUTH_CONNECTION: "c", HUBSPOT_CLIENT_ID: "id" },
    false,
  ],
  ["hubspot on a fake with the flag", { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-1", ...FAKE }, true],
  // the doctor once accepted vendor=URL pairs the sales server refused: both take them now
  [
    "hubspot on a fake given as pairs",
    {
      SALES_CRM: "hubspot",
      HUBSPOT_ACCESS_TOKEN: "pat-1",
      ...FAKE,
      REVOPS_TEST_VENDOR_BASE_URL: "hubspot=http://127.0.0.1:1",
    },
    true,
  ],
  [
    "hubspot on a fake without the flag",
    {
      SALES_CRM: "hubspot",
      HUBSPOT_ACCESS_TOKEN: "pat-1",
      REVOPS_TEST_VENDOR_BASE_URL: "http://127.0.0.1:1",
    },
    false,
  ],
  [
    "salesforce session",
    {
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: "00D!x",
      SALESFORCE_INSTANCE_URL: "https://acme.my.salesforce.com",
    },
    true,
  ],
  [
    "salesforce session without instance",
    { SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D!x" },
    false,
  ],
  [
    "salesforce instance not a URL",
    { SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D!x", SALESFORCE_INSTANCE_URL: "acme" },
    false,
  ],
  ["salesforce refresh token", SF_REFRESH, true],
  ["salesforce refresh without secret", { ...SF_REFRESH, SALESFORCE_CLIENT_SECRET: "" }, false],
  // the doctor once accepted these two: the vault's key, and a login host that is not Salesforce's
  ["salesforce refresh without vault key", { ...SF_REFRESH, REVOPS_MASTER_KEY: "" }, false],
  [
    "salesforce refresh on a foreign login host",
    { ...SF_REFRESH, SALESFORCE_LOGIN_URL: "https://login.example.com" },
    false,
  ],
  [
    "salesforce login URL not https",
    { ...SF_REFRESH, SALESFORCE_LOGIN_URL: "http://login.salesforce.com" },
    false,
  ],
  ["salesforce without credentials", { SALES_CRM: "salesforce" }, false],
  ["apollo key", { SALES_ENRICHMENT: "apollo", APOLLO_API_KEY: "apollo-123456" }, true],
  ["apollo without key", { SALES_ENRICHMENT: "apollo" }, false],
  [
    "apollo fake without the flag",
    {
      SALES_ENRICHMENT: "apollo",
      APOLLO_API_KEY: "k",
      REVOPS_TEST_ENRICHMENT_BASE_URL: "http://127.0.0.1:2",
    },
    false,
  ],
  ["google token", { SALES_CALENDAR: "google", GOOGLE_ACCESS_TOKEN: "ya29.x" }, true],
  ["google without token", { SALES_CALENDAR: "google" }, false],
  [
    "google consent",
    { SALES_CALENDAR: "google", GOOGLE_OAUTH_CONNECTION: "g", GOOGLE_CLIENT_ID: "id", ...KEY },
    true,
  ],
  // the doctor once ignored a refused Google fake and would have probed the real Google
  [
    "google fake without the flag",
    {
      SALES_CALENDAR: "google",
      GOOGLE_ACCESS_TOKEN: "ya29.x",
      REVOPS_TEST_GOOGLE_BASE_URL: "http://127.0.0.1:3",
    },
    false,
  ],
];

describe("the sales server and `revops doctor` judge vendor settings alike", () => {
  itJudgesSettingsLikeTheDoctor(
    TABLE,
    (env) => checkSalesSettings(env),
    (env) => configuredConnections(env).problems,
  );
});
