import { portVariables } from "@revops/kit";
import type { z } from "zod";
import type { CsPorts } from "../ports";
import type { csIntegrationEnv } from "./config";
import { crmIntegrationEnv } from "./crm-config";

type Variable = keyof z.input<typeof csIntegrationEnv> & string;

const TEST_VENDOR: Variable[] = [
  "REVOPS_TEST_VENDOR_BASE_URL",
  "REVOPS_TEST_VENDOR_CA",
  "REVOPS_ALLOW_INSECURE_TEST_VENDOR",
];
// the CRM's renewal history reaches the churn model through the support port (ADR 0048)
const CRM = Object.keys(crmIntegrationEnv.shape) as Variable[];
const INTERCOM: Variable[] = [
  "CS_CONVERSATIONS",
  "INTERCOM_ACCESS_TOKEN",
  "INTERCOM_OAUTH_CONNECTION",
  "INTERCOM_CLIENT_ID",
  "INTERCOM_CLIENT_SECRET",
  "INTERCOM_REGION",
];

/**
 * The settings behind each customer-success port: a named connection (`ZENDESK_API_TOKEN__EU`) reaches the ports it
 * sets. The account book, health model, tasks and onboarding plans are the sandbox's on every connection.
 */
export const csConnections = portVariables<CsPorts, Variable>({
  // tickets (Zendesk), usage (Mixpanel), conversations (Intercom) and renewals (CRM) answer as one support port
  support: [
    "CS_SUPPORT",
    "ZENDESK_SUBDOMAIN",
    "ZENDESK_EMAIL",
    "ZENDESK_API_TOKEN",
    "ZENDESK_OAUTH_CONNECTION",
    "ZENDESK_CLIENT_ID",
    "ZENDESK_CLIENT_SECRET",
    "CS_USAGE",
    "MIXPANEL_PROJECT_ID",
    "MIXPANEL_SERVICE_ACCOUNT_USERNAME",
    "MIXPANEL_SERVICE_ACCOUNT_SECRET",
    "MIXPANEL_REGION",
    "MIXPANEL_ACCOUNT_PROPERTY",
    "MIXPANEL_USAGE_EVENTS",
    "MIXPANEL_DATA_GROUP_ID",
    "MIXPANEL_GROUP_DOMAIN_PROPERTY",
    "MIXPANEL_GROUP_CRM_PROPERTY",
    "MIXPANEL_GROUP_FACT_PROPERTIES",
    ...INTERCOM,
    ...CRM,
    "CS_STALE_MAX_AGE_MINUTES",
    ...TEST_VENDOR,
  ],
  messages: [
    "CS_EMAIL",
    "CS_MESSAGE_CHANNEL",
    "SENDGRID_API_KEY",
    "SENDGRID_FROM_EMAIL",
    "INTERCOM_ADMIN_ID",
    ...INTERCOM,
    ...TEST_VENDOR,
  ],
});
