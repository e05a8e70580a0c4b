import { z } from "zod";

/** Salesforce and HubSpot credentials as every server that reads a CRM takes them; each adds its own selector. */
export const crmCredentialEnv = z.object({
  SALESFORCE_INSTANCE_URL: z.url({ protocol: /^https?$/ }).optional(),
  SALESFORCE_ACCESS_TOKEN: z.string().min(1).optional(),
  SALESFORCE_REFRESH_TOKEN: z.string().min(1).optional(),
  SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
  /** Where refresh tokens are redeemed: login.salesforce.com, test.salesforce.com (sandboxes) or My Domain. */
  SALESFORCE_LOGIN_URL: z.url({ protocol: /^https$/ }).default("https://login.salesforce.com"),
  /** Set by `revops setup` after the OAuth consent: the vault entry of the tokens, and the app's client. */
  SALESFORCE_OAUTH_CONNECTION: z.string().min(1).optional(),
  HUBSPOT_ACCESS_TOKEN: z.string().min(1).optional(),
  HUBSPOT_OAUTH_CONNECTION: z.string().min(1).optional(),
  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
});
