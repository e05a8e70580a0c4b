import { Client } from "@hubspot/api-client";
import type { ConnectionConfig, ResilienceSetup } from "../connection";
import { resolveBaseUrl } from "../connection";
import { createGuardedAgent } from "../guarded-agent";
import { createRuntime, type Runtime } from "../runtime";
import { VENDOR_HOSTS } from "../url-safety";

export interface HubSpotCredentials {
  /** Private-app token or OAuth access token. */
  accessToken: string;
}

export type HubSpotConnection = ConnectionConfig<HubSpotCredentials>;

/** The SDK APIs the connector uses, built while this client's (empty) decorators are in force. */
export interface HubSpotApis {
  deals: Client["crm"]["deals"];
  companies: Client["crm"]["companies"];
  contacts: Client["crm"]["contacts"];
  associations: Client["crm"]["associations"]["v4"];
}

export interface HubSpotSdk {
  runtime: Runtime;
  apis: HubSpotApis;
  baseUrl: URL;
}

export const HUBSPOT_API_URL = "https://api.hubapi.com";

/**
 * Builds the official client with its own retries and limiter off (the policy does both). The SDK keeps
 * its decorators in a process-wide singleton that the last `new Client()` overwrites and that each API
 * object captures when first built, so every API we use is built right here, synchronously.
 */
export async function createHubSpotSdk(
  connection: HubSpotConnection,
  setup: ResilienceSetup = {},
): Promise<HubSpotSdk> {
  const baseUrl = await resolveBaseUrl(connection, HUBSPOT_API_URL, VENDOR_HOSTS.hubspot, setup.resolve);
  const agent = createGuardedAgent({
    protocol: baseUrl.protocol === "https:" ? "https:" : "http:",
    allowPrivate: connection.allowInsecureTestBaseUrl === true,
    vendor: "HubSpot",
  });
  const client = new Client({
    accessToken: connection.credentials.accessToken,
    basePath: baseUrl.origin,
    numberOfApiCallRetries: 0,
    httpAgent: agent,
  });
  const apis: HubSpotApis = {
    deals: client.crm.deals,
    companies: client.crm.companies,
    contacts: client.crm.contacts,
    associations: client.crm.associations.v4,
  };
  return { runtime: createRuntime("hubspot", connection.id, setup), apis, baseUrl };
}
