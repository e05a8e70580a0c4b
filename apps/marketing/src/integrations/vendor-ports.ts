import { connectorSetup, createHubSpotMarketingConnector } from "@revops/connectors";
import type { Runtime } from "@revops/kit";
import type { MarketingPort } from "../ports";
import type { MarketingSourceConfig } from "./config";
import { HubSpotMarketing } from "./hubspot/marketing";

type VendorConfig = Exclude<MarketingSourceConfig, { source: "sandbox" }>;

/** The marketing port of a configured vendor, its reads backed by the stale cache in the runtime's key-value store. */
export async function vendorMarketing(rt: Runtime, config: VendorConfig): Promise<MarketingPort> {
  const setup = await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs });
  const hs = await createHubSpotMarketingConnector(
    {
      id: config.connectionId,
      vendor: "hubspot",
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { accessToken: config.accessToken },
    },
    setup,
  );
  return new HubSpotMarketing(hs, realToday);
}

/** Today in UTC: a vendor's data is live, unlike the sandbox's fixed date. */
export const realToday = async (): Promise<string> => new Date().toISOString().slice(0, 10);
