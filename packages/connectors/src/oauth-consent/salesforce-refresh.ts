/** The Salesforce refresh-token variables, as each server's settings schema reads them. */
export interface SalesforceRefreshEnv {
  SALESFORCE_REFRESH_TOKEN?: string | undefined;
  SALESFORCE_CLIENT_ID?: string | undefined;
  SALESFORCE_CLIENT_SECRET?: string | undefined;
  /** Where refresh tokens are redeemed: login.salesforce.com, test.salesforce.com (sandboxes) or My Domain. */
  SALESFORCE_LOGIN_URL: string;
}

export interface SalesforceRefreshSettings {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUrl: string;
}

export const SALESFORCE_TOKEN_PATH = "/services/oauth2/token";
const LOGIN_HOSTS = /^(login|test)\.salesforce\.com$|\.my\.salesforce\.com$/;

/**
 * The refresh-token flow's settings when SALESFORCE_REFRESH_TOKEN is set (shared by every server that reads
 * Salesforce, so they agree on what is required); `problem` reports the variable to fix.
 */
export function salesforceRefreshSettings(
  e: SalesforceRefreshEnv,
  raw: Readonly<Record<string, string | undefined>>,
  problem: (variable: string, message: string) => never,
): SalesforceRefreshSettings | undefined {
  if (!e.SALESFORCE_REFRESH_TOKEN) return undefined;
  for (const name of ["SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET"] as const) {
    if (!e[name]) {
      problem(
        name,
        "is required with SALESFORCE_REFRESH_TOKEN: copy it from the connected app (Setup → App Manager → View).",
      );
    }
  }
  if (!raw.REVOPS_MASTER_KEY && !raw.REVOPS_MASTER_KEY_FILE) {
    problem(
      "REVOPS_MASTER_KEY",
      "is required with SALESFORCE_REFRESH_TOKEN: the renewed tokens are kept encrypted in the credential vault; set base64 of 32 random bytes (openssl rand -base64 32).",
    );
  }
  const login = new URL(e.SALESFORCE_LOGIN_URL);
  if (!LOGIN_HOSTS.test(login.hostname)) {
    problem(
      "SALESFORCE_LOGIN_URL",
      `"${login.hostname}" is not login.salesforce.com, test.salesforce.com or a *.my.salesforce.com domain.`,
    );
  }
  return {
    clientId: e.SALESFORCE_CLIENT_ID as string,
    clientSecret: e.SALESFORCE_CLIENT_SECRET as string,
    refreshToken: e.SALESFORCE_REFRESH_TOKEN,
    tokenUrl: `${login.origin}${SALESFORCE_TOKEN_PATH}`,
  };
}

/** The Salesforce credentials a server takes without a consented connection. */
export interface SalesforceCredentialEnv extends SalesforceRefreshEnv {
  SALESFORCE_ACCESS_TOKEN?: string | undefined;
  SALESFORCE_INSTANCE_URL?: string | undefined;
}

export interface SalesforceCredentials {
  accessToken?: string;
  oauth?: SalesforceRefreshSettings;
  instanceUrl?: string;
}

/**
 * A refresh token (recommended) or a session access token, and the org's instance, checked the same way by every
 * server; `selector` names the choice in messages (`SALES_CRM=salesforce`), `testBaseUrl` is the fake's address.
 */
export function salesforceCredentials(
  e: SalesforceCredentialEnv,
  raw: Readonly<Record<string, string | undefined>>,
  problem: (variable: string, message: string) => never,
  o: { selector: string; testBaseUrl?: string | undefined },
): SalesforceCredentials {
  const oauth = salesforceRefreshSettings(e, raw, problem);
  if (!e.SALESFORCE_ACCESS_TOKEN && !oauth) {
    problem(
      "SALESFORCE_REFRESH_TOKEN",
      `or SALESFORCE_ACCESS_TOKEN is required when ${o.selector}: set the integration user's refresh token with SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET of its connected app (recommended: it renews itself), or a session access token.`,
    );
  }
  // the token endpoint names the org's instance, so the refresh-token flow needs no instance URL
  if (!e.SALESFORCE_INSTANCE_URL && !o.testBaseUrl && !oauth) {
    problem(
      "SALESFORCE_INSTANCE_URL",
      `is required when ${o.selector}: set your org's https://<domain>.my.salesforce.com.`,
    );
  }
  return {
    ...(e.SALESFORCE_ACCESS_TOKEN ? { accessToken: e.SALESFORCE_ACCESS_TOKEN } : {}),
    ...(oauth
      ? {
          oauth: {
            ...oauth,
            tokenUrl: o.testBaseUrl ? `${o.testBaseUrl}${SALESFORCE_TOKEN_PATH}` : oauth.tokenUrl,
          },
        }
      : {}),
    ...(e.SALESFORCE_INSTANCE_URL ? { instanceUrl: e.SALESFORCE_INSTANCE_URL } : {}),
  };
}
