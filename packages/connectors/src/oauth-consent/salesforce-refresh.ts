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
