import { portVariables } from "@revops/kit";
import type { z } from "zod";
import type { MarketingPorts } from "../ports";
import type { marketingIntegrationEnv } from "./config";

type Variable = keyof z.input<typeof marketingIntegrationEnv> & string;

const TEST_VENDOR: Variable[] = ["REVOPS_TEST_VENDOR_BASE_URL", "REVOPS_ALLOW_INSECURE_TEST_VENDOR"];
const HUBSPOT: Variable[] = [
  "MARKETING_SOURCE",
  "HUBSPOT_ACCESS_TOKEN",
  "HUBSPOT_OAUTH_CONNECTION",
  "HUBSPOT_CLIENT_ID",
  "HUBSPOT_CLIENT_SECRET",
  "MARKETING_STALE_MAX_AGE_MINUTES",
  ...TEST_VENDOR,
];

/**
 * The settings behind each marketing port: a named connection (`HUBSPOT_ACCESS_TOKEN__EU`) reaches the ports it
 * sets. Budgets, the content calendar and settings are the suite's own records, the same on every connection.
 */
export const marketingConnections = portVariables<MarketingPorts, Variable>({
  marketing: HUBSPOT,
  forms: HUBSPOT,
  // lead history comes from the marketing source
  leadScoring: HUBSPOT,
  email: [
    "SENDGRID_API_KEY",
    "SENDGRID_FROM_EMAIL",
    "SENDGRID_SENDER_ID",
    "SENDGRID_UNSUBSCRIBE_GROUP_ID",
    ...TEST_VENDOR,
  ],
  web: [
    "MARKETING_WEB",
    "MARKETING_SOURCE",
    "GA4_PROPERTY_ID",
    "GOOGLE_ACCESS_TOKEN",
    "GOOGLE_OAUTH_CONNECTION",
    "GOOGLE_CLIENT_ID",
    "GOOGLE_CLIENT_SECRET",
    "REVOPS_TEST_GOOGLE_BASE_URL",
    "REVOPS_ALLOW_INSECURE_TEST_VENDOR",
  ],
});
