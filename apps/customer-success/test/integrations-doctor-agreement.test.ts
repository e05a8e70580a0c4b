import { configuredConnections } from "@revops/connectors/doctor";
import { itJudgesSettingsLikeTheDoctor, type SettingsCase } from "@revops/testing";
import { describe } from "vitest";
import { loadCsIntegrationsConfig } from "../src/integrations/config";

const KEY = { REVOPS_MASTER_KEY: "master-key-for-tests" };
const ZD = {
  CS_SUPPORT: "zendesk",
  ZENDESK_SUBDOMAIN: "acme",
  ZENDESK_EMAIL: "agent@acme.test",
  ZENDESK_API_TOKEN: "zd-123456",
};
const MP = {
  CS_USAGE: "mixpanel",
  MIXPANEL_PROJECT_ID: "123",
  MIXPANEL_SERVICE_ACCOUNT_USERNAME: "sa",
  MIXPANEL_SERVICE_ACCOUNT_SECRET: "mp-secret-123",
};
const IC = { CS_CONVERSATIONS: "intercom", INTERCOM_ACCESS_TOKEN: "ic-123456" };

/** [case, environment, accepted]: the server's start-up check and `revops doctor` must both give this verdict. */
const TABLE: SettingsCase[] = [
  ["zendesk api token", ZD, true],
  ["zendesk without email", { ...ZD, ZENDESK_EMAIL: "" }, false],
  // the doctor once accepted an agent "email" the server refuses
  ["zendesk email not an address", { ...ZD, ZENDESK_EMAIL: "agent" }, false],
  ["zendesk full host as subdomain", { ...ZD, ZENDESK_SUBDOMAIN: "acme.zendesk.com" }, false],
  [
    "zendesk consent",
    {
      CS_SUPPORT: "zendesk",
      ZENDESK_SUBDOMAIN: "acme",
      ZENDESK_OAUTH_CONNECTION: "z",
      ZENDESK_CLIENT_ID: "id",
      ...KEY,
    },
    true,
  ],
  [
    "zendesk consent without vault key",
    {
      CS_SUPPORT: "zendesk",
      ZENDESK_SUBDOMAIN: "acme",
      ZENDESK_OAUTH_CONNECTION: "z",
      ZENDESK_CLIENT_ID: "id",
    },
    false,
  ],
  ["mixpanel service account", MP, true],
  ["mixpanel project not a number", { ...MP, MIXPANEL_PROJECT_ID: "acme" }, false],
  ["mixpanel without secret", { ...MP, MIXPANEL_SERVICE_ACCOUNT_SECRET: "" }, false],
  ["mixpanel region", { ...MP, MIXPANEL_REGION: "asia" }, false],
  ["intercom token", IC, true],
  ["intercom without token", { CS_CONVERSATIONS: "intercom" }, false],
  ["intercom region", { ...IC, INTERCOM_REGION: "asia" }, false],
  [
    "intercom consent without client id",
    { CS_CONVERSATIONS: "intercom", INTERCOM_OAUTH_CONNECTION: "i", ...KEY },
    false,
  ],
  [
    "sendgrid key and sender",
    { CS_EMAIL: "sendgrid", SENDGRID_API_KEY: "SG.x", SENDGRID_FROM_EMAIL: "cs@acme.test" },
    true,
  ],
  // the doctor once knew no CS_EMAIL: SendGrid selected without its key went unseen
  ["sendgrid selected without key", { CS_EMAIL: "sendgrid" }, false],
  ["crm hubspot", { CS_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-1" }, true],
  ["crm hubspot without token", { CS_CRM: "hubspot" }, false],
  ["crm salesforce without instance", { CS_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D!x" }, false],
  [
    "fakes as pairs with the flag",
    {
      ...ZD,
      ...MP,
      REVOPS_TEST_VENDOR_BASE_URL: "zendesk=http://127.0.0.1:1,mixpanel=http://127.0.0.1:2",
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    },
    true,
  ],
  ["fakes without the flag", { ...ZD, REVOPS_TEST_VENDOR_BASE_URL: "http://127.0.0.1:1" }, false],
  [
    "fakes not a URL",
    { ...ZD, REVOPS_TEST_VENDOR_BASE_URL: "zendesk", REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" },
    false,
  ],
];

describe("the customer-success server and `revops doctor` judge vendor settings alike", () => {
  itJudgesSettingsLikeTheDoctor(
    TABLE,
    (env) => loadCsIntegrationsConfig(env),
    (env) => configuredConnections(env).problems,
  );
});
