import { type ConsentedConnection, consentedSettings } from "../oauth-consent/settings";
import { type Report, required, type TestFake } from "./checks";
import type { CredentialEnv } from "./formats";

/**
 * Each vendor's credential rules, declared once: which variables go together, which are required, and the
 * message naming the variable and the fix. The servers' loaders and `revops doctor` both run these.
 */
export interface VendorCheckContext {
  /** How the vendor was chosen, for messages ("SALES_CRM=hubspot"); none when set without a selector. */
  selector?: string | undefined;
  /** The process environment (the vault's master key is read from it). */
  raw: Readonly<Record<string, string | undefined>>;
  test: TestFake;
  /** What the server needs of the credential, appended to the fix ("crm.objects.deals.read, …"). */
  needs?: string | undefined;
}

/** The consent's connection (`revops setup`), when its variable is set; its problem otherwise reported. */
function consent(
  vendor: "hubspot" | "salesforce" | "google" | "zendesk" | "intercom",
  e: CredentialEnv,
  c: VendorCheckContext,
  report: Report,
  o: { loginUrl?: string; subdomain?: string } = {},
): ConsentedConnection | undefined | null {
  const s = consentedSettings(vendor, e, c.raw, {
    ...(c.test.baseUrl ? { testBaseUrl: c.test.baseUrl } : {}),
    ...o,
  });
  if (s && "variable" in s) {
    report(s.variable, s.message);
    return null;
  }
  return s;
}

const withNeeds = (fix: string, c: VendorCheckContext) => (c.needs ? `${fix} with ${c.needs}.` : `${fix}.`);

/** HubSpot: the consent's tokens or a private-app token. */
export function hubspotCredentials(e: CredentialEnv, c: VendorCheckContext, report: Report) {
  const consented = consent("hubspot", e, c, report);
  if (consented === null) return { accessToken: "" };
  if (!consented && !e.HUBSPOT_ACCESS_TOKEN) {
    report(
      "HUBSPOT_ACCESS_TOKEN",
      required(
        c.selector,
        `set a private-app token${c.needs ? ` with ${c.needs}` : ""} (Settings → Integrations → Private Apps), or run \`revops connections add hubspot\` to sign in.`,
      ),
    );
  }
  return {
    accessToken: consented ? "" : (e.HUBSPOT_ACCESS_TOKEN ?? ""),
    ...(consented ? { consented } : {}),
  };
}

export const SALESFORCE_TOKEN_PATH = "/services/oauth2/token";
const LOGIN_HOSTS = /^(login|test)\.salesforce\.com$|\.my\.salesforce\.com$/;
const MASTER_KEY_FIX =
  "the renewed tokens are kept encrypted in the credential vault; set base64 of 32 random bytes (openssl rand -base64 32).";

export interface SalesforceRefreshSettings {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUrl: string;
}

export interface SalesforceCredentials {
  accessToken?: string;
  oauth?: SalesforceRefreshSettings;
  instanceUrl?: string;
  consented?: ConsentedConnection;
}

/** The consent's tokens, a refresh token (recommended: renews itself) or a session token, and the org's instance. */
export function salesforceCredentials(
  e: CredentialEnv,
  c: VendorCheckContext,
  report: Report,
): SalesforceCredentials {
  const loginUrl = e.SALESFORCE_LOGIN_URL ?? "https://login.salesforce.com";
  const consented = consent("salesforce", e, c, report, { loginUrl });
  if (consented) return { consented };
  if (consented === null) return {};
  const refreshToken = e.SALESFORCE_REFRESH_TOKEN;
  let oauth: SalesforceRefreshSettings | undefined;
  if (refreshToken) {
    const [clientId, clientSecret] = [e.SALESFORCE_CLIENT_ID, e.SALESFORCE_CLIENT_SECRET];
    for (const [name, value] of [
      ["SALESFORCE_CLIENT_ID", clientId],
      ["SALESFORCE_CLIENT_SECRET", clientSecret],
    ] as const) {
      if (!value)
        report(
          name,
          "is required with SALESFORCE_REFRESH_TOKEN: copy it from the connected app (Setup → App Manager → View).",
        );
    }
    if (!c.raw.REVOPS_MASTER_KEY && !c.raw.REVOPS_MASTER_KEY_FILE)
      report("REVOPS_MASTER_KEY", `is required with SALESFORCE_REFRESH_TOKEN: ${MASTER_KEY_FIX}`);
    const login = new URL(loginUrl);
    if (!LOGIN_HOSTS.test(login.hostname))
      report(
        "SALESFORCE_LOGIN_URL",
        `"${login.hostname}" is not login.salesforce.com, test.salesforce.com or a *.my.salesforce.com domain.`,
      );
    // the fake answers the token endpoint itself
    const origin = c.test.baseUrl ?? login.origin;
    if (clientId && clientSecret)
      oauth = { clientId, clientSecret, refreshToken, tokenUrl: `${origin}${SALESFORCE_TOKEN_PATH}` };
  } else if (!e.SALESFORCE_ACCESS_TOKEN) {
    report(
      "SALESFORCE_REFRESH_TOKEN",
      `or SALESFORCE_ACCESS_TOKEN ${required(c.selector, "set the integration user's refresh token with SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET of its connected app (recommended: it renews itself), or a session access token.")}`,
    );
  }
  // the token endpoint names the org's instance, so the refresh-token flow needs no instance URL
  if (!e.SALESFORCE_INSTANCE_URL && !c.test.baseUrl && !refreshToken)
    report(
      "SALESFORCE_INSTANCE_URL",
      required(c.selector, "set your org's https://<domain>.my.salesforce.com."),
    );
  return {
    ...(e.SALESFORCE_ACCESS_TOKEN ? { accessToken: e.SALESFORCE_ACCESS_TOKEN } : {}),
    ...(oauth ? { oauth } : {}),
    ...(e.SALESFORCE_INSTANCE_URL ? { instanceUrl: e.SALESFORCE_INSTANCE_URL } : {}),
  };
}

/** Google Calendar, Gmail and Analytics: the consent's tokens or a fixed access token; `analytics` needs the GA4 property. */
export function googleCredentials(
  e: CredentialEnv,
  c: VendorCheckContext & { analytics?: boolean },
  report: Report,
) {
  if (c.analytics && !e.GA4_PROPERTY_ID)
    report(
      "GA4_PROPERTY_ID",
      required(c.selector, "the numeric id of the GA4 property (Admin → Property details)."),
    );
  const consented = consent("google", e, c, report);
  if (consented === undefined && !e.GOOGLE_ACCESS_TOKEN)
    report(
      "GOOGLE_ACCESS_TOKEN",
      required(
        c.selector,
        withNeeds(
          "run `revops connections add google` to sign in with Google (tokens renew themselves), or set an OAuth access token",
          c,
        ),
      ),
    );
  return {
    accessToken: consented ? "" : (e.GOOGLE_ACCESS_TOKEN ?? ""),
    ...(consented ? { consented } : {}),
    ...(e.GA4_PROPERTY_ID ? { propertyId: e.GA4_PROPERTY_ID } : {}),
  };
}

/** Zendesk: the account's subdomain, and the consent's tokens or an agent's email and API token. */
export function zendeskCredentials(e: CredentialEnv, c: VendorCheckContext, report: Report) {
  const subdomain = e.ZENDESK_SUBDOMAIN;
  if (!subdomain && !c.test.baseUrl)
    report(
      "ZENDESK_SUBDOMAIN",
      required(c.selector, "set the account's subdomain (acme for https://acme.zendesk.com)."),
    );
  const consented = consent("zendesk", e, c, report, subdomain ? { subdomain } : {});
  if (consented === undefined) {
    if (!e.ZENDESK_EMAIL)
      report("ZENDESK_EMAIL", required(c.selector, "set the email of the agent whose API token is used."));
    if (!e.ZENDESK_API_TOKEN)
      report(
        "ZENDESK_API_TOKEN",
        required(c.selector, "create one in Admin Center → Apps and integrations → Zendesk API."),
      );
  }
  return {
    ...(subdomain ? { subdomain } : {}),
    email: consented ? "" : (e.ZENDESK_EMAIL ?? ""),
    apiToken: consented ? "" : (e.ZENDESK_API_TOKEN ?? ""),
    ...(consented ? { consented } : {}),
  };
}

/** Intercom: the consent's token or an app's access token, in its data region. */
export function intercomCredentials(e: CredentialEnv, c: VendorCheckContext, report: Report) {
  const consented = consent("intercom", e, c, report);
  if (consented === undefined && !e.INTERCOM_ACCESS_TOKEN)
    report(
      "INTERCOM_ACCESS_TOKEN",
      required(
        c.selector,
        "the access token of an Intercom app with read access to users, companies and conversations (Developer Hub → your app → Authentication), or run `revops connections add intercom` to sign in.",
      ),
    );
  return {
    accessToken: consented ? "" : (e.INTERCOM_ACCESS_TOKEN ?? ""),
    ...(consented ? { consented } : {}),
    region: e.INTERCOM_REGION ?? "us",
  };
}

/** Mixpanel: a project and a service account that can query it. */
export function mixpanelCredentials(e: CredentialEnv, c: VendorCheckContext, report: Report) {
  const fixes = {
    MIXPANEL_PROJECT_ID: "the number in the project's URL or Project Settings → Overview.",
    MIXPANEL_SERVICE_ACCOUNT_USERNAME:
      "create a service account with access to the project (Organization Settings → Service Accounts).",
    MIXPANEL_SERVICE_ACCOUNT_SECRET: "the secret shown once when the service account was created.",
  } as const;
  for (const [name, fix] of Object.entries(fixes))
    if (!e[name as keyof typeof fixes]) report(name, required(c.selector, fix));
  return {
    projectId: e.MIXPANEL_PROJECT_ID ?? "",
    username: e.MIXPANEL_SERVICE_ACCOUNT_USERNAME ?? "",
    secret: e.MIXPANEL_SERVICE_ACCOUNT_SECRET ?? "",
    region: e.MIXPANEL_REGION ?? "us",
  };
}

/** Apollo: an API key with organization enrichment. */
export function apolloCredentials(e: CredentialEnv, c: VendorCheckContext, report: Report) {
  if (!e.APOLLO_API_KEY)
    report(
      "APOLLO_API_KEY",
      required(
        c.selector,
        "create an API key in Apollo (Settings → Integrations → API Keys) with access to organization enrichment, or unset SALES_ENRICHMENT.",
      ),
    );
  return { apiKey: e.APOLLO_API_KEY ?? "" };
}

/** SendGrid: an API key and the verified sender it sends as. */
export function sendgridCredentials(e: CredentialEnv, c: VendorCheckContext, report: Report) {
  const selector = c.selector ?? (e.SENDGRID_API_KEY ? "SENDGRID_API_KEY is set" : undefined);
  if (!e.SENDGRID_API_KEY)
    report(
      "SENDGRID_API_KEY",
      required(selector, "an API key with Mail Send and Suppressions read access (Settings → API Keys)."),
    );
  if (!e.SENDGRID_FROM_EMAIL)
    report(
      "SENDGRID_FROM_EMAIL",
      required(selector, "a verified sender address (Settings → Sender Authentication)."),
    );
  return { apiKey: e.SENDGRID_API_KEY ?? "", fromEmail: e.SENDGRID_FROM_EMAIL ?? "" };
}
