import {
  connectorSetup,
  createHubSpotConnector,
  createSalesforceConnector,
  oauthTokens,
} from "@revops/connectors";
import type { Runtime } from "@revops/kit";
import type { SupportPort } from "../../ports";
import type { CsCrmConfig } from "../crm-config";
import { HubSpotRenewals } from "./hubspot-renewals";
import { CrmRenewalBook } from "./renewal-book";
import type { CrmRenewalSource } from "./renewals";
import { SalesforceRenewals } from "./salesforce-renewals";

/** The configured CRM's renewals through its SDK (jsforce, @hubspot/api-client), reads backed by the stale cache. */
export async function vendorRenewals(
  rt: Runtime,
  config: Exclude<CsCrmConfig, { crm: "sandbox" }>,
): Promise<CrmRenewalSource> {
  const setup = await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs });
  const connection = {
    id: config.connectionId,
    vendor: config.crm,
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
  };
  const consented = config.consented
    ? {
        tokens: await oauthTokens(rt, { vendor: config.crm, ...config.consented }),
        tokenConnectionId: config.consented.connectionId,
      }
    : {};
  if (config.crm === "hubspot") {
    const hs = await createHubSpotConnector(
      { ...connection, credentials: { accessToken: config.accessToken } },
      { ...setup, ...consented },
    );
    return new HubSpotRenewals(hs);
  }
  const credentials = {
    ...(config.accessToken ? { accessToken: config.accessToken } : {}),
    ...(config.instanceUrl ? { instanceUrl: config.instanceUrl } : {}),
  };
  const refreshed = config.oauth
    ? {
        tokens: await oauthTokens(rt, {
          vendor: "salesforce",
          connectionId: config.connectionId,
          ...config.oauth,
          ...credentials,
        }),
      }
    : {};
  const sf = await createSalesforceConnector(
    { ...connection, credentials },
    { ...setup, ...refreshed, ...consented },
  );
  return new SalesforceRenewals(sf);
}

/** The churn model's renewal book on the connected CRM, with the help desk's tickets when one is connected. */
export async function crmRenewalBook(
  rt: Runtime,
  config: Exclude<CsCrmConfig, { crm: "sandbox" }>,
  helpDesk: SupportPort | undefined,
  today: () => Promise<string>,
): Promise<CrmRenewalBook> {
  return new CrmRenewalBook(await vendorRenewals(rt, config), helpDesk, today);
}
