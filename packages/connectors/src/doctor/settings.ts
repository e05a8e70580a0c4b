/**
 * What each vendor needs, declared once (which server selects which vendor, and what each port reads, is in
 * server-ports.ts). The doctor, `revops setup` and `revops connections` all read these declarations.
 */

import { type DoctorVendor, portSettings } from "./server-ports";

export {
  type DoctorVendor,
  SELECTORS,
  type Selector,
  type ServerName,
  selectorsFor,
} from "./server-ports";

export const VENDOR_LABELS: Record<DoctorVendor, string> = {
  hubspot: "HubSpot",
  salesforce: "Salesforce",
  zendesk: "Zendesk",
  intercom: "Intercom",
  mixpanel: "Mixpanel",
  apollo: "Apollo",
  sendgrid: "SendGrid",
  google: "Google (Calendar, Gmail and Analytics)",
};

/** One setting of a vendor: how to ask for it and whether it is a secret. */
export interface VendorVariable {
  name: string;
  /** The question, e.g. "Private-app access token". */
  label: string;
  /** Where to find the value. */
  hint?: string;
  secret?: boolean;
  /** Left empty, the default applies. */
  optional?: boolean;
  /** The only values allowed; the first is the default. */
  choices?: readonly string[];
  /** Created on the user's machine when absent (a key, never a vendor credential). */
  generated?: "base64-32-bytes";
  /** Asked, then kept encrypted in the credential vault: never written to the settings file. */
  vaulted?: boolean;
  /** Not asked: the consent flow sets it to the vault connection id it stored the tokens under. */
  fromConsent?: boolean;
}

/** One way of signing in to a vendor, with the variables it needs. */
export interface SignInMethod {
  id: string;
  label: string;
  /** Signs in through the vendor's OAuth consent in the browser (authorization code with PKCE). */
  consent?: boolean;
  variables: readonly VendorVariable[];
}

/** The credential vault's key, made by the wizard when absent (every consent method stores its tokens under it). */
const MASTER_KEY: VendorVariable = {
  name: "REVOPS_MASTER_KEY",
  label: "Master key of the credential vault",
  secret: true,
  generated: "base64-32-bytes",
};

export const VENDOR_SETTINGS: Record<DoctorVendor, readonly SignInMethod[]> = {
  hubspot: [
    {
      id: "private-app",
      label: "Private-app token",
      variables: [
        {
          name: "HUBSPOT_ACCESS_TOKEN",
          label: "HubSpot private-app access token",
          hint: "Settings → Integrations → Private Apps",
          secret: true,
        },
      ],
    },
    {
      id: "oauth",
      label: "Sign in with HubSpot in the browser (OAuth app; tokens renew themselves, kept in the vault)",
      consent: true,
      variables: [
        {
          name: "HUBSPOT_CLIENT_ID",
          label: "App client id",
          hint: "Developer account → Apps → your app → Auth; redirect URL http://127.0.0.1:<port>/callback",
        },
        { name: "HUBSPOT_CLIENT_SECRET", label: "App client secret", secret: true, vaulted: true },
        { name: "HUBSPOT_OAUTH_CONNECTION", label: "Vault connection of the tokens", fromConsent: true },
        {
          name: "REVOPS_MASTER_KEY",
          label: "Master key of the credential vault",
          secret: true,
          generated: "base64-32-bytes",
        },
      ],
    },
  ],
  salesforce: [
    {
      id: "refresh-token",
      label: "Connected app with a refresh token (renews itself; tokens kept in the vault)",
      variables: [
        {
          name: "SALESFORCE_CLIENT_ID",
          label: "Connected app consumer key",
          hint: "Setup → App Manager → View",
        },
        { name: "SALESFORCE_CLIENT_SECRET", label: "Connected app consumer secret", secret: true },
        {
          name: "SALESFORCE_REFRESH_TOKEN",
          label: "Integration user's refresh token",
          secret: true,
        },
        {
          name: "SALESFORCE_LOGIN_URL",
          label: "Login URL",
          hint: "https://test.salesforce.com for a sandbox org; empty for https://login.salesforce.com",
          optional: true,
        },
        {
          name: "REVOPS_MASTER_KEY",
          label: "Master key of the credential vault",
          secret: true,
          generated: "base64-32-bytes",
        },
      ],
    },
    {
      id: "oauth",
      label:
        "Sign in with Salesforce in the browser (OAuth web-server flow with PKCE; tokens kept in the vault)",
      consent: true,
      variables: [
        {
          name: "SALESFORCE_CLIENT_ID",
          label: "Connected app consumer key",
          hint: "Setup → App Manager → View; callback URL http://127.0.0.1:<port>/callback, scopes api and refresh_token",
        },
        {
          name: "SALESFORCE_CLIENT_SECRET",
          label: "Connected app consumer secret",
          secret: true,
          vaulted: true,
        },
        {
          name: "SALESFORCE_LOGIN_URL",
          label: "Login URL",
          hint: "https://test.salesforce.com for a sandbox org; empty for https://login.salesforce.com",
          optional: true,
        },
        { name: "SALESFORCE_OAUTH_CONNECTION", label: "Vault connection of the tokens", fromConsent: true },
        {
          name: "REVOPS_MASTER_KEY",
          label: "Master key of the credential vault",
          secret: true,
          generated: "base64-32-bytes",
        },
      ],
    },
    {
      id: "session",
      label: "Session access token (expires; no renewal)",
      variables: [
        {
          name: "SALESFORCE_INSTANCE_URL",
          label: "Instance URL",
          hint: "https://<domain>.my.salesforce.com",
        },
        { name: "SALESFORCE_ACCESS_TOKEN", label: "Session access token", secret: true },
      ],
    },
  ],
  zendesk: [
    {
      id: "api-token",
      label: "Agent email and API token",
      variables: [
        { name: "ZENDESK_SUBDOMAIN", label: "Subdomain", hint: "acme for https://acme.zendesk.com" },
        { name: "ZENDESK_EMAIL", label: "Agent email" },
        {
          name: "ZENDESK_API_TOKEN",
          label: "API token",
          hint: "Admin Center → Apps and integrations → Zendesk API",
          secret: true,
        },
      ],
    },
    {
      id: "oauth",
      label:
        "Sign in with Zendesk in the browser (OAuth client; tokens kept in the vault, renewed when Zendesk issues refresh tokens)",
      consent: true,
      variables: [
        { name: "ZENDESK_SUBDOMAIN", label: "Subdomain", hint: "acme for https://acme.zendesk.com" },
        {
          name: "ZENDESK_CLIENT_ID",
          label: "OAuth client identifier",
          hint: "Admin Center → Apps and integrations → APIs → OAuth clients (confidential); redirect URL http://127.0.0.1:<port>/callback",
        },
        { name: "ZENDESK_CLIENT_SECRET", label: "OAuth client secret", secret: true, vaulted: true },
        { name: "ZENDESK_OAUTH_CONNECTION", label: "Vault connection of the tokens", fromConsent: true },
        MASTER_KEY,
      ],
    },
  ],
  intercom: [
    {
      id: "access-token",
      label: "App access token",
      variables: [
        {
          name: "INTERCOM_ACCESS_TOKEN",
          label: "Access token",
          hint: "Developer Hub → your app → Authentication",
          secret: true,
        },
        { name: "INTERCOM_REGION", label: "Data region", choices: ["us", "eu", "au"] },
        {
          name: "INTERCOM_ADMIN_ID",
          label: "Admin id customer messages are sent as",
          hint: "Intercom → Settings → Teammates; only for message_send",
          optional: true,
        },
      ],
    },
    {
      id: "oauth",
      label: "Sign in with Intercom in the browser (OAuth app; the token does not expire, kept in the vault)",
      consent: true,
      variables: [
        {
          name: "INTERCOM_CLIENT_ID",
          label: "App client id",
          hint: "Developer Hub → your app → Basic information; Authentication → Use OAuth, redirect URL http://127.0.0.1:<port>/callback",
        },
        { name: "INTERCOM_CLIENT_SECRET", label: "App client secret", secret: true, vaulted: true },
        { name: "INTERCOM_REGION", label: "Data region", choices: ["us", "eu", "au"] },
        {
          name: "INTERCOM_ADMIN_ID",
          label: "Admin id customer messages are sent as",
          hint: "Intercom → Settings → Teammates; only for message_send",
          optional: true,
        },
        { name: "INTERCOM_OAUTH_CONNECTION", label: "Vault connection of the tokens", fromConsent: true },
        MASTER_KEY,
      ],
    },
  ],
  mixpanel: [
    {
      id: "service-account",
      label: "Service account",
      variables: [
        { name: "MIXPANEL_PROJECT_ID", label: "Project id", hint: "Project Settings → Overview" },
        {
          name: "MIXPANEL_SERVICE_ACCOUNT_USERNAME",
          label: "Service account username",
          hint: "Organization Settings → Service Accounts",
        },
        { name: "MIXPANEL_SERVICE_ACCOUNT_SECRET", label: "Service account secret", secret: true },
        { name: "MIXPANEL_REGION", label: "Data residency", choices: ["us", "eu", "in"] },
      ],
    },
  ],
  apollo: [
    {
      id: "api-key",
      label: "API key",
      variables: [
        {
          name: "APOLLO_API_KEY",
          label: "API key",
          hint: "Settings → Integrations → API Keys",
          secret: true,
        },
        {
          name: "APOLLO_CREDIT_CONFIRM_ABOVE",
          label: "Credits one call may spend before a human confirms",
          hint: "Default 5; account_enrich above it is a spend plan",
          optional: true,
        },
      ],
    },
  ],
  sendgrid: [
    {
      id: "api-key",
      label: "API key (marketing email, and customer-success email with CS_EMAIL=sendgrid)",
      variables: [
        {
          name: "SENDGRID_API_KEY",
          label: "API key",
          hint: "Settings → API Keys; Mail Send, Marketing and Suppressions read access",
          secret: true,
        },
        {
          name: "SENDGRID_FROM_EMAIL",
          label: "Verified sender address",
          hint: "Settings → Sender Authentication",
        },
      ],
    },
  ],
  google: [
    {
      id: "oauth",
      label: "Sign in with Google in the browser (OAuth client; tokens renew themselves, kept in the vault)",
      consent: true,
      variables: [
        {
          name: "GOOGLE_CLIENT_ID",
          label: "OAuth client id",
          hint: "Google Cloud console → APIs & Services → Credentials → OAuth client (Desktop app); Gmail, Calendar and Google Analytics Data APIs enabled",
        },
        { name: "GOOGLE_CLIENT_SECRET", label: "OAuth client secret", secret: true, vaulted: true },
        { name: "GOOGLE_OAUTH_CONNECTION", label: "Vault connection of the tokens", fromConsent: true },
        {
          name: "GA4_PROPERTY_ID",
          label: "GA4 property id (marketing web_analytics)",
          hint: "Analytics → Admin → Property details (a number, not the G- measurement id); only with MARKETING_WEB=google",
          optional: true,
        },
        {
          name: "REVOPS_MASTER_KEY",
          label: "Master key of the credential vault",
          secret: true,
          generated: "base64-32-bytes",
        },
      ],
    },
    {
      id: "access-token",
      label: "Access token (expires within the hour; no renewal)",
      variables: [
        { name: "GOOGLE_ACCESS_TOKEN", label: "OAuth access token", secret: true },
        {
          name: "GA4_PROPERTY_ID",
          label: "GA4 property id (marketing web_analytics)",
          hint: "Analytics → Admin → Property details (a number, not the G- measurement id); only with MARKETING_WEB=google",
          optional: true,
        },
      ],
    },
  ],
};

/** Test-only variables: the fakes' URLs, never written by setup. */
export const TEST_VARIABLES = [
  "REVOPS_TEST_VENDOR_BASE_URL",
  "REVOPS_TEST_GOOGLE_BASE_URL",
  "REVOPS_TEST_ENRICHMENT_BASE_URL",
  "REVOPS_TEST_VENDOR_CA",
  "REVOPS_ALLOW_INSECURE_TEST_VENDOR",
] as const;

/** Every variable of a vendor, over all its sign-in methods (what removing the vendor clears). */
export function vendorVariables(vendor: DoctorVendor): string[] {
  return [...new Set(VENDOR_SETTINGS[vendor].flatMap((m) => m.variables.map((v) => v.name)))];
}

/** The vault's master key is shared by every vendor: never a vendor's own variable to remove. */
export const SHARED_VARIABLES = new Set(["REVOPS_MASTER_KEY"]);

/** Read beside DOCTOR_VARIABLES, never per named connection: the servers refuse vaulted tokens without the key. */
export const VAULT_KEY_VARIABLES = ["REVOPS_MASTER_KEY", "REVOPS_MASTER_KEY_FILE"] as const;

/**
 * Every variable the doctor reads: every setting of the servers' ports (selectors included, so a named connection
 * is found by the same suffixes the servers find it by) and every vendor's sign-in settings but the shared key.
 */
export const DOCTOR_VARIABLES: readonly string[] = [
  ...new Set([
    ...portSettings(),
    ...(Object.keys(VENDOR_SETTINGS) as DoctorVendor[])
      .flatMap(vendorVariables)
      .filter((v) => !SHARED_VARIABLES.has(v)),
    ...TEST_VARIABLES,
  ]),
];
