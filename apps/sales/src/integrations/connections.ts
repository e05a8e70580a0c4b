import { portVariables } from "@revops/kit";
import type { z } from "zod";
import type { SalesPorts } from "../ports";
import type { salesIntegrationEnv } from "./config";

type Variable = keyof z.input<typeof salesIntegrationEnv> & string;

const TEST_VENDOR: Variable[] = ["REVOPS_TEST_VENDOR_BASE_URL", "REVOPS_ALLOW_INSECURE_TEST_VENDOR"];
const CRM: Variable[] = [
  "SALES_CRM",
  "SALESFORCE_INSTANCE_URL",
  "SALESFORCE_ACCESS_TOKEN",
  "SALESFORCE_REFRESH_TOKEN",
  "SALESFORCE_CLIENT_ID",
  "SALESFORCE_CLIENT_SECRET",
  "SALESFORCE_LOGIN_URL",
  "SALESFORCE_OAUTH_CONNECTION",
  "HUBSPOT_ACCESS_TOKEN",
  "HUBSPOT_OAUTH_CONNECTION",
  "HUBSPOT_CLIENT_ID",
  "HUBSPOT_CLIENT_SECRET",
  "SALES_STAGE_MAP",
  "SALES_STALE_MAX_AGE_MINUTES",
  ...TEST_VENDOR,
];
const ENRICHMENT: Variable[] = [
  "SALES_ENRICHMENT",
  "APOLLO_API_KEY",
  "APOLLO_CREDIT_CONFIRM_ABOVE",
  "REVOPS_TEST_ENRICHMENT_BASE_URL",
  "REVOPS_ALLOW_INSECURE_TEST_VENDOR",
];
const GOOGLE: Variable[] = [
  "SALES_CALENDAR",
  "GOOGLE_ACCESS_TOKEN",
  "GOOGLE_OAUTH_CONNECTION",
  "GOOGLE_CLIENT_ID",
  "GOOGLE_CLIENT_SECRET",
  "SALES_EMAIL_DAILY_CAP",
  "REVOPS_TEST_GOOGLE_BASE_URL",
  "REVOPS_ALLOW_INSECURE_TEST_VENDOR",
];

/** The settings behind each sales port: a named connection (`HUBSPOT_ACCESS_TOKEN__EU`) reaches the ports it sets. */
export const salesConnections = portVariables<SalesPorts, Variable>({
  crm: CRM,
  // enriched fields are written onto the CRM's accounts
  accountWrite: CRM,
  enrichment: ENRICHMENT,
  // Apollo's directory, or the sandbox's beside the sandbox CRM
  prospecting: [...ENRICHMENT, "SALES_CRM"],
  calendar: GOOGLE,
  mail: GOOGLE,
});
