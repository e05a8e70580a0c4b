import {
  connectorSetup,
  createApolloConnector,
  createGoogleConnector,
  createHubSpotConnector,
  createSalesforceConnector,
  oauthTokens,
} from "@revops/connectors";
import type { ConsentedConnection, ConsentVendor } from "@revops/connectors/oauth-consent";
import type { Runtime } from "@revops/kit";
import type { CrmPort, EnrichmentPort } from "../ports";
import type { AccountWritePort, ProspectingPort } from "../ports-prospecting";
import { ApolloEnrichment } from "./apollo/enrichment";
import { ApolloProspecting } from "./apollo/prospecting";
import type { SalesCalendarConfig, SalesCrmConfig, SalesEnrichmentConfig } from "./config";
import { GoogleCalendar } from "./google/calendar";
import { hubspotAccountWrite } from "./hubspot/account-write";
import { HubSpotCrm } from "./hubspot/crm";
import { salesforceAccountWrite } from "./salesforce/account-write";
import { SalesforceCrm } from "./salesforce/crm";
import { HUBSPOT_STAGE_WRITE, SALESFORCE_STAGE_WRITE, StageMap } from "./stages";

type VendorConfig = Exclude<SalesCrmConfig, { crm: "sandbox" }>;

/**
 * The CRM port of a configured vendor, its reads backed by the stale cache in the runtime's key-value store, and
 * the port that writes enriched fields onto its accounts.
 */
export async function vendorCrm(
  rt: Runtime,
  config: VendorConfig,
): Promise<{ crm: CrmPort; accountWrite: AccountWritePort }> {
  const setup = await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs });
  const connection = {
    id: config.connectionId,
    vendor: config.crm,
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
  };
  const stages = new StageMap(
    config.stages,
    config.crm === "hubspot" ? HUBSPOT_STAGE_WRITE : SALESFORCE_STAGE_WRITE,
  );
  const consented = config.consented ? await consentedTokens(rt, config.crm, config.consented) : {};
  if (config.crm === "hubspot") {
    const hs = await createHubSpotConnector(
      { ...connection, credentials: { accessToken: config.accessToken } },
      { ...setup, ...consented },
    );
    return { crm: new HubSpotCrm(hs, stages), accountWrite: hubspotAccountWrite(hs) };
  }
  const credentials = {
    ...(config.accessToken ? { accessToken: config.accessToken } : {}),
    ...(config.instanceUrl ? { instanceUrl: config.instanceUrl } : {}),
  };
  const tokens = config.oauth
    ? await oauthTokens(rt, {
        vendor: "salesforce",
        connectionId: config.connectionId,
        ...config.oauth,
        ...credentials,
      })
    : undefined;
  const sf = await createSalesforceConnector(
    { ...connection, credentials },
    { ...setup, ...(tokens ? { tokens } : {}), ...consented },
  );
  return { crm: new SalesforceCrm(sf, stages), accountWrite: salesforceAccountWrite(sf) };
}

/** The tokens `revops setup` stored in the vault for this connection, used and refreshed there. */
async function consentedTokens(rt: Runtime, vendor: ConsentVendor, c: ConsentedConnection) {
  const tokens = await oauthTokens(rt, { vendor, ...c });
  return { tokens, tokenConnectionId: c.connectionId };
}

/** The enrichment and prospecting ports of a configured vendor; answers cached for outages like the CRM's. */
export async function vendorEnrichment(
  rt: Runtime,
  config: Exclude<SalesEnrichmentConfig, { enrichment: "none" }>,
): Promise<{ enrichment: EnrichmentPort; prospecting: ProspectingPort }> {
  const setup = await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs });
  const apollo = await createApolloConnector(
    {
      id: config.connectionId,
      vendor: "apollo",
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { apiKey: config.apiKey },
    },
    setup,
  );
  return { enrichment: new ApolloEnrichment(apollo), prospecting: new ApolloProspecting(apollo) };
}

/** Google Calendar and Gmail of the connected user; Gmail send keys live in the runtime's key-value store. */
export async function vendorCalendar(
  rt: Runtime,
  config: Extract<SalesCalendarConfig, { calendar: "google" }>,
): Promise<GoogleCalendar> {
  const setup = await connectorSetup(rt, { staleMaxAgeMs: 0 });
  const consented = config.consented ? await consentedTokens(rt, "google", config.consented) : {};
  const google = await createGoogleConnector(
    {
      id: config.connectionId,
      vendor: "google",
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { accessToken: config.accessToken },
    },
    { ...setup, kv: await rt.kv(), ...consented },
  );
  return new GoogleCalendar(google);
}

/** Today in UTC: a vendor's data is live, unlike the sandbox's fixed date. */
export const realToday = async (): Promise<string> => new Date().toISOString().slice(0, 10);
