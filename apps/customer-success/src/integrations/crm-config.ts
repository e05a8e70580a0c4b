import {
  type ConsentedConnection,
  consentedSettings,
  crmCredentialEnv,
  type SalesforceRefreshSettings,
  salesforceCredentials,
} from "@revops/connectors/oauth-consent";
import { z } from "zod";

/** The CRM whose renewal history the churn model trains on; the same variables as the sales server's. */
export const crmIntegrationEnv = z.object({
  CS_CRM: z.enum(["sandbox", "salesforce", "hubspot"]).default("sandbox"),
  ...crmCredentialEnv.shape,
});
type CrmEnv = z.output<typeof crmIntegrationEnv> & { CS_STALE_MAX_AGE_MINUTES: number };

interface CrmCommon {
  connectionId: string;
  staleMaxAgeMs: number;
  baseUrl?: string;
  allowInsecureTestBaseUrl: boolean;
  consented?: ConsentedConnection;
}
export type CsCrmConfig =
  | { crm: "sandbox" }
  | (CrmCommon & {
      crm: "salesforce";
      instanceUrl?: string;
      accessToken?: string;
      oauth?: SalesforceRefreshSettings;
    })
  | (CrmCommon & { crm: "hubspot"; accessToken: string });

type Problem = (variable: string, message: string) => never;
type TestVendor = { baseUrl?: string; allowInsecureTestBaseUrl: boolean };

/** Reads CS_CRM and the chosen CRM's credentials; `test` is the fake's address in tests. */
export function crmConfig(
  e: CrmEnv,
  raw: Record<string, string | undefined>,
  test: TestVendor,
  problem: Problem,
): CsCrmConfig {
  if (e.CS_CRM === "sandbox") return { crm: "sandbox" };
  const vendor = e.CS_CRM;
  const testBaseUrl = test.baseUrl ? { testBaseUrl: test.baseUrl } : {};
  const loginUrl = vendor === "salesforce" ? { loginUrl: e.SALESFORCE_LOGIN_URL } : {};
  const c = consentedSettings(vendor, e, raw, { ...testBaseUrl, ...loginUrl });
  if (c && "variable" in c) problem(c.variable, c.message);
  const common: CrmCommon = {
    connectionId: `cs-${vendor}`,
    staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
    ...(test.baseUrl ? { baseUrl: test.baseUrl } : {}),
    allowInsecureTestBaseUrl: test.allowInsecureTestBaseUrl,
    ...(c ? { consented: c } : {}),
  };
  if (vendor === "hubspot") {
    if (!c && !e.HUBSPOT_ACCESS_TOKEN) {
      problem(
        "HUBSPOT_ACCESS_TOKEN",
        "is required when CS_CRM=hubspot: set a private-app token with crm.objects.deals.read and crm.objects.companies.read.",
      );
    }
    return { crm: "hubspot", accessToken: c ? "" : (e.HUBSPOT_ACCESS_TOKEN ?? ""), ...common };
  }
  if (c) return { crm: "salesforce", ...common };
  const credentials = salesforceCredentials(e, raw, problem, {
    selector: "CS_CRM=salesforce",
    testBaseUrl: test.baseUrl,
  });
  return { crm: "salesforce", ...credentials, ...common };
}
