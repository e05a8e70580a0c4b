import type { ConsentedConnection } from "@revops/connectors/oauth-consent";
import { checkVendor, valueOrThrow } from "@revops/connectors/vendor-credentials";
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
  // Google's own rules (@revops/connectors/vendor-credentials), the ones `revops doctor` runs
  const { accessToken, consented, propertyId, baseUrl } = valueOrThrow(
    checkVendor("google", e, {
      selector: "MARKETING_WEB=google",
      raw: env,
      analytics: true,
      needs: "the analytics.readonly scope",
    }),
    problem,
  );
  return {
    connectionId: "marketing-google",
    propertyId: propertyId ?? "",
    accessToken,
    ...(consented ? { consented } : {}),
    staleMaxAgeMs: e.MARKETING_STALE_MAX_AGE_MINUTES * 60_000,
    ...(baseUrl ? { baseUrl } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}
