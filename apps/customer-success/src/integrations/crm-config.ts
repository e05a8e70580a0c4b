import { type ConsentedConnection, crmCredentialEnv } from "@revops/connectors/oauth-consent";
import {
  checkVendor,
  type SalesforceRefreshSettings,
  valueOrThrow,
} from "@revops/connectors/vendor-credentials";
import { z } from "zod";

/** The CRM whose renewal history the churn model trains on; the same variables as the sales server's. */
export const crmIntegrationEnv = z.object({
  CS_CRM: z.enum(["sandbox", "salesforce", "hubspot"]).default("sandbox"),
  ...crmCredentialEnv.shape,
});
type CrmEnv = z.output<typeof crmIntegrationEnv> & {
  CS_STALE_MAX_AGE_MINUTES: number;
  REVOPS_TEST_VENDOR_BASE_URL?: string | undefined;
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: boolean;
};

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

/** Reads CS_CRM and the chosen CRM's credentials by the vendor's own rules (the ones `revops doctor` runs). */
export function crmConfig(e: CrmEnv, raw: Record<string, string | undefined>, problem: Problem): CsCrmConfig {
  if (e.CS_CRM === "sandbox") return { crm: "sandbox" };
  const vendor = e.CS_CRM;
  const {
    baseUrl,
    testCa: _,
    ...credentials
  } = valueOrThrow(
    checkVendor(vendor, e, {
      selector: `CS_CRM=${vendor}`,
      raw,
      ...(vendor === "hubspot" ? { needs: "crm.objects.deals.read and crm.objects.companies.read" } : {}),
    }),
    problem,
  );
  const common: CrmCommon = {
    connectionId: `cs-${vendor}`,
    staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
    ...(baseUrl ? { baseUrl } : {}),
    allowInsecureTestBaseUrl: baseUrl !== undefined,
  };
  if (vendor === "hubspot") return { crm: "hubspot", ...(credentials as { accessToken: string }), ...common };
  return { crm: "salesforce", ...credentials, ...common };
}
