import { GOOGLE_SCOPES } from "../google/constants";

/** Vendors whose consent flow `revops setup` runs (authorization code with PKCE, RFC 6749 §4.1 + RFC 7636). */
export type ConsentVendor = "hubspot" | "salesforce" | "google" | "zendesk" | "intercom";

/** Every vendor with a consent flow (the wizard offers "Sign in … in the browser" for these). */
export const CONSENT_VENDORS: readonly ConsentVendor[] = [
  "hubspot",
  "salesforce",
  "google",
  "zendesk",
  "intercom",
];

export interface ConsentProvider {
  vendor: ConsentVendor;
  label: string;
  authorizeUrl: string;
  tokenUrl: string;
  scopes: readonly string[];
  /** Further authorization-request parameters the vendor needs (Google: offline access for a refresh token). */
  params?: Readonly<Record<string, string>>;
  /** The token endpoint wants the scope again with the code (Zendesk). */
  scopeOnExchange?: boolean;
  /** Issues no refresh token when its access tokens do not expire (Intercom; Zendesk's older tokens). */
  refreshOptional?: boolean;
}

/** What the servers read and write: the scopes the suite's tools need, nothing more. */
const SCOPES: Record<ConsentVendor, readonly string[]> = {
  hubspot: [
    "oauth",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.companies.read",
    // account_enrich write-back and lead conversion create or change companies and contacts
    "crm.objects.companies.write",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    // owner ids and names (deal owners, hand-offs), and revenue goals as quotas (quota_attainment)
    "crm.objects.owners.read",
    "crm.objects.goals.read",
    "marketing.campaigns.read",
    "crm.lists.read",
    "crm.lists.write",
    // the marketing server's forms_list
    "forms",
  ],
  // refresh_token: without it Salesforce issues no refresh token and the connection dies with the session
  salesforce: ["api", "refresh_token"],
  google: GOOGLE_SCOPES,
  // the CS server reads tickets, users, organizations, ratings and articles and updates tickets
  zendesk: ["read", "write"],
  // Intercom takes no scope parameter: the app's permissions are set in the Developer Hub
  intercom: [],
};

const stripSlash = (u: string) => u.replace(/\/+$/, "");

/**
 * The vendor's published endpoints (HubSpot: app.hubspot.com/oauth/authorize and api.hubapi.com/oauth/v1/token;
 * Salesforce: <login>/services/oauth2/authorize and …/token; Google: accounts.google.com/o/oauth2/v2/auth and
 * oauth2.googleapis.com/token; Zendesk: <subdomain>.zendesk.com/oauth/authorizations/new and …/oauth/tokens;
 * Intercom: app.intercom.com/oauth and api.intercom.io/auth/eagle/token), or the test fake's with `testBaseUrl`.
 */
export function consentProvider(
  vendor: ConsentVendor,
  o: { tokenUrl: string; testBaseUrl?: string },
): ConsentProvider {
  if (vendor === "hubspot") {
    const base = o.testBaseUrl ? stripSlash(o.testBaseUrl) : "https://app.hubspot.com";
    return {
      vendor,
      label: "HubSpot",
      authorizeUrl: `${base}/oauth/authorize`,
      tokenUrl: o.tokenUrl,
      scopes: SCOPES.hubspot,
    };
  }
  if (vendor === "google") {
    const base = o.testBaseUrl ? stripSlash(o.testBaseUrl) : "https://accounts.google.com";
    return {
      vendor,
      label: "Google",
      authorizeUrl: `${base}/o/oauth2/v2/auth`,
      tokenUrl: o.tokenUrl,
      scopes: SCOPES.google,
      // without offline access Google issues no refresh token; prompt=consent issues one on a repeated sign-in too
      params: { access_type: "offline", prompt: "consent" },
    };
  }
  if (vendor === "zendesk")
    return {
      vendor,
      label: "Zendesk",
      // the account's own host, as the token endpoint
      authorizeUrl: o.tokenUrl.replace(/\/oauth\/tokens$/, "/oauth/authorizations/new"),
      tokenUrl: o.tokenUrl,
      scopes: SCOPES.zendesk,
      scopeOnExchange: true,
      refreshOptional: true,
    };
  if (vendor === "intercom")
    return {
      vendor,
      label: "Intercom",
      authorizeUrl: `${o.testBaseUrl ? stripSlash(o.testBaseUrl) : "https://app.intercom.com"}/oauth`,
      tokenUrl: o.tokenUrl,
      scopes: SCOPES.intercom,
      refreshOptional: true,
    };
  // the authorize page lives beside the token endpoint (login, test or My Domain)
  return {
    vendor,
    label: "Salesforce",
    authorizeUrl: o.tokenUrl.replace(/\/token$/, "/authorize"),
    tokenUrl: o.tokenUrl,
    scopes: SCOPES.salesforce,
  };
}

/** Token endpoints as the servers use them: the fake's in tests, else the vendor's (Salesforce: its login URL). */
export function consentTokenUrl(
  vendor: ConsentVendor,
  o: { testBaseUrl?: string; loginUrl?: string; subdomain?: string },
) {
  if (vendor === "zendesk")
    return `${o.testBaseUrl ? stripSlash(o.testBaseUrl) : `https://${o.subdomain ?? ""}.zendesk.com`}/oauth/tokens`;
  if (vendor === "intercom")
    return `${o.testBaseUrl ? stripSlash(o.testBaseUrl) : "https://api.intercom.io"}/auth/eagle/token`;
  if (vendor === "hubspot")
    return `${o.testBaseUrl ? stripSlash(o.testBaseUrl) : "https://api.hubapi.com"}/oauth/v1/token`;
  if (vendor === "google")
    return o.testBaseUrl ? `${stripSlash(o.testBaseUrl)}/token` : "https://oauth2.googleapis.com/token";
  return `${stripSlash(o.testBaseUrl ?? o.loginUrl ?? "https://login.salesforce.com")}/services/oauth2/token`;
}
