import { z } from "zod";
import { credentialFormatsOf } from "../vendor-credentials/formats";

/** Salesforce and HubSpot credentials as every server that reads a CRM takes them; each adds its own selector. */
export const crmCredentialEnv = z.object(
  credentialFormatsOf(
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
  ),
);
