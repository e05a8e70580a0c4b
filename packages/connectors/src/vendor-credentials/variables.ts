import type { DoctorVendor } from "../doctor/server-ports";
import type { CredentialVariable } from "./formats";

/**
 * The variables that sign a server in to each vendor (token or consent connection, consent client, tenant, region),
 * listed once: the servers' settings schemas take their formats from it and their ports' declarations name them.
 * Data only, like the ports' declarations that read it.
 */
export const VENDOR_VARIABLES = {
  hubspot: ["HUBSPOT_ACCESS_TOKEN", "HUBSPOT_OAUTH_CONNECTION", "HUBSPOT_CLIENT_ID", "HUBSPOT_CLIENT_SECRET"],
  salesforce: [
    "SALESFORCE_INSTANCE_URL",
    "SALESFORCE_ACCESS_TOKEN",
    "SALESFORCE_REFRESH_TOKEN",
    "SALESFORCE_CLIENT_ID",
    "SALESFORCE_CLIENT_SECRET",
    "SALESFORCE_LOGIN_URL",
    "SALESFORCE_OAUTH_CONNECTION",
  ],
  google: ["GOOGLE_ACCESS_TOKEN", "GOOGLE_OAUTH_CONNECTION", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"],
  zendesk: [
    "ZENDESK_SUBDOMAIN",
    "ZENDESK_EMAIL",
    "ZENDESK_API_TOKEN",
    "ZENDESK_OAUTH_CONNECTION",
    "ZENDESK_CLIENT_ID",
    "ZENDESK_CLIENT_SECRET",
  ],
  intercom: [
    "INTERCOM_ACCESS_TOKEN",
    "INTERCOM_OAUTH_CONNECTION",
    "INTERCOM_CLIENT_ID",
    "INTERCOM_CLIENT_SECRET",
    "INTERCOM_REGION",
  ],
  mixpanel: [
    "MIXPANEL_PROJECT_ID",
    "MIXPANEL_SERVICE_ACCOUNT_USERNAME",
    "MIXPANEL_SERVICE_ACCOUNT_SECRET",
    "MIXPANEL_REGION",
  ],
  apollo: ["APOLLO_API_KEY"],
  sendgrid: ["SENDGRID_API_KEY", "SENDGRID_FROM_EMAIL"],
} as const satisfies Record<DoctorVendor, readonly CredentialVariable[]>;

export type VendorVariables = typeof VENDOR_VARIABLES;
