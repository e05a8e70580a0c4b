import {
  connectorSetup,
  createHubSpotMarketingConnector,
  createSendGridConnector,
  oauthTokens,
} from "@revops/connectors";
import type { ConsentedConnection } from "@revops/connectors/oauth-consent";
import type { Runtime } from "@revops/kit";
import type { EmailPort } from "../ports";
import type { EmailSourceConfig, MarketingSourceConfig } from "./config";
import { HubSpotMarketing } from "./hubspot/marketing";
import { SendGridEmail } from "./sendgrid/email";

type VendorConfig = Exclude<MarketingSourceConfig, { source: "sandbox" }>;

/** The marketing port of a configured vendor, its reads backed by the stale cache in the runtime's key-value store. */
export async function vendorMarketing(rt: Runtime, config: VendorConfig): Promise<HubSpotMarketing> {
  return new HubSpotMarketing(await hubspotConnector(rt, config), realToday);
}

/** The HubSpot connection of a configured vendor (campaigns, lists, forms). */
export async function hubspotConnector(rt: Runtime, config: VendorConfig) {
  const { connection, setup } = await connectionOf(rt, "hubspot", config);
  return createHubSpotMarketingConnector(connection, setup);
}

/** A token-based connection's settings and resilience setup, with the consent's vault tokens when it has them. */
export async function connectionOf<V extends "hubspot" | "google">(
  rt: Runtime,
  vendor: V,
  config: {
    connectionId: string;
    accessToken: string;
    consented?: ConsentedConnection;
    staleMaxAgeMs: number;
    baseUrl?: string;
    allowInsecureTestBaseUrl: boolean;
  },
) {
  const setup = await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs });
  return {
    connection: {
      id: config.connectionId,
      vendor,
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { accessToken: config.accessToken },
    },
    setup: {
      ...setup,
      // the tokens `revops setup` stored in the vault, used and refreshed there
      ...(config.consented && {
        tokens: await oauthTokens(rt, { vendor, ...config.consented }),
        tokenConnectionId: config.consented.connectionId,
      }),
    },
  };
}

/** Today in UTC: a vendor's data is live, unlike the sandbox's fixed date. */
export const realToday = async (): Promise<string> => new Date().toISOString().slice(0, 10);

/** Now, for a vendor whose data is live. */
export const realNow = async (): Promise<string> => new Date().toISOString();

/** SendGrid as the email port; its idempotency keys live in the runtime's key-value store (Redis across replicas). */
export async function vendorEmail(rt: Runtime, config: EmailSourceConfig): Promise<EmailPort> {
  const setup = await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs });
  const sg = await createSendGridConnector(
    {
      id: config.connectionId,
      vendor: "sendgrid",
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { apiKey: config.apiKey },
    },
    { ...setup, kv: await rt.kv() },
  );
  return new SendGridEmail(sg, {
    fromEmail: config.fromEmail,
    ...(config.senderId !== undefined && { senderId: config.senderId }),
    ...(config.unsubscribeGroupId !== undefined && { unsubscribeGroupId: config.unsubscribeGroupId }),
    now: async () => new Date().toISOString(),
  });
}
