import type { ConsentedConnection } from "@revops/connectors/oauth-consent";
import { consentedSettings } from "@revops/connectors/oauth-consent";
import { loadConfig } from "@revops/kit";
import { marketingIntegrationEnv, problem } from "./config";

export interface WebSourceConfig {
  connectionId: string;
  propertyId: string;
  /** Empty when the consent's vault tokens are used. */
  accessToken: string;
  consented?: ConsentedConnection;
  staleMaxAgeMs: number;
  baseUrl?: string;
  allowInsecureTestBaseUrl: boolean;
}

/** GA4 for web_analytics when MARKETING_WEB=google; undefined: the sandbox's traffic (or none beside a vendor). */
export function loadWebSourceConfig(
  env: Record<string, string | undefined> = process.env,
): WebSourceConfig | undefined {
  const e = loadConfig(marketingIntegrationEnv, { env });
  if (e.MARKETING_WEB === "sandbox") return undefined;
  if (!e.GA4_PROPERTY_ID)
    problem("GA4_PROPERTY_ID", "is required when MARKETING_WEB=google: the numeric id of the GA4 property.");
  if (e.REVOPS_TEST_GOOGLE_BASE_URL && !e.REVOPS_ALLOW_INSECURE_TEST_VENDOR)
    problem(
      "REVOPS_TEST_GOOGLE_BASE_URL",
      "is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach Google.",
    );
  const consented = consentedSettings(
    "google",
    e,
    env,
    e.REVOPS_TEST_GOOGLE_BASE_URL ? { testBaseUrl: e.REVOPS_TEST_GOOGLE_BASE_URL } : {},
  );
  if (consented && "variable" in consented) problem(consented.variable, consented.message);
  if (!consented && !e.GOOGLE_ACCESS_TOKEN)
    problem(
      "GOOGLE_ACCESS_TOKEN",
      "is required when MARKETING_WEB=google: run `revops connections add google` to sign in with Google (tokens renew themselves), or set an OAuth token with the analytics.readonly scope.",
    );
  return {
    connectionId: "marketing-google",
    propertyId: e.GA4_PROPERTY_ID,
    accessToken: consented ? "" : (e.GOOGLE_ACCESS_TOKEN as string),
    ...(consented ? { consented } : {}),
    staleMaxAgeMs: e.MARKETING_STALE_MAX_AGE_MINUTES * 60_000,
    ...(e.REVOPS_TEST_GOOGLE_BASE_URL ? { baseUrl: e.REVOPS_TEST_GOOGLE_BASE_URL } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}
