import { createGa4Connector } from "@revops/connectors";
import type { Runtime } from "@revops/kit";
import { userError } from "@revops/kit";
import type { FormsPort, WebAnalyticsPort } from "../ports";
import type { MarketingSourceConfig } from "./config";
import { Ga4WebAnalytics } from "./google/web-analytics";
import { HubSpotForms } from "./hubspot/forms";
import { connectionOf, hubspotConnector, realToday } from "./vendor-ports";
import type { WebSourceConfig } from "./web-config";

/** GA4 as the web analytics port; reports go through the stale cache like every vendor read. */
export async function vendorWeb(rt: Runtime, config: WebSourceConfig): Promise<WebAnalyticsPort> {
  const { connection, setup } = await connectionOf(rt, "google", config);
  return new Ga4WebAnalytics(await createGa4Connector(connection, setup), config.propertyId, realToday);
}

/** Beside a marketing vendor with no GA4 property: web_analytics says what to configure. */
export function webUnavailable(): WebAnalyticsPort {
  return {
    source: "none",
    traffic: async () => {
      throw userError(
        "Web analytics needs a Google Analytics 4 property: none is configured beside this marketing source.",
        {
          hint: "Set MARKETING_WEB=google and GA4_PROPERTY_ID (see docs/integrations.md), or use the sandbox.",
        },
      );
    },
  };
}

/** HubSpot's forms beside its campaigns (MARKETING_SOURCE=hubspot). */
export async function vendorForms(
  rt: Runtime,
  config: Exclude<MarketingSourceConfig, { source: "sandbox" }>,
): Promise<FormsPort> {
  return new HubSpotForms(await hubspotConnector(rt, config));
}
