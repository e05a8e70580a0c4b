import { GOOGLE_SCOPES } from "../google/client";

/** Vendors whose consent flow `revops setup` runs (authorization code with PKCE, RFC 6749 §4.1 + RFC 7636). */
export type ConsentVendor = "hubspot" | "salesforce" | "google";

export interface ConsentProvider {
  vendor: ConsentVendor;
  label: string;
  authorizeUrl: string;
  tokenUrl: string;
  scopes: readonly string[];
  /** Further authorization-request parameters the vendor needs (Google: offline access for a refresh token). */
  params?: Readonly<Record<string, string>>;
}

/** What the servers read and write: the scopes the suite's tools need, nothing more. */
const SCOPES: Record<ConsentVendor, readonly string[]> = {
  hubspot: [
    "oauth",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.companies.read",
    "crm.objects.contacts.read",
    "marketing.campaigns.read",
    "crm.lists.read",
    "crm.lists.write",
    // the marketing server's forms_list
    "forms",
  ],
  // refresh_token: without it Salesforce issues no refresh token and the connection dies with the session
  salesforce: ["api", "refresh_token"],
  google: GOOGLE_SCOPES,
};

const stripSlash = (u: string) => u.replace(/\/+$/, "");

/**
 * The vendor's published endpoints (HubSpot: app.hubspot.com/oauth/authorize and api.hubapi.com/oauth/v1/token;
 * Salesforce: <login>/services/oauth2/authorize and …/token; Google: accounts.google.com/o/oauth2/v2/auth and
 * oauth2.googleapis.com/token), or the test fake's when `testBaseUrl` is set.
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
export function consentTokenUrl(vendor: ConsentVendor, o: { testBaseUrl?: string; loginUrl?: string }) {
  if (vendor === "hubspot")
    return `${o.testBaseUrl ? stripSlash(o.testBaseUrl) : "https://api.hubapi.com"}/oauth/v1/token`;
  if (vendor === "google")
    return o.testBaseUrl ? `${stripSlash(o.testBaseUrl)}/token` : "https://oauth2.googleapis.com/token";
  return `${stripSlash(o.testBaseUrl ?? o.loginUrl ?? "https://login.salesforce.com")}/services/oauth2/token`;
}
