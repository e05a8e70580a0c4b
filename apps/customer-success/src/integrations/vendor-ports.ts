import {
  connectorSetup,
  createIntercomConnector,
  createMixpanelConnector,
  createSendGridConnector,
  createZendeskConnector,
  oauthTokens,
} from "@revops/connectors";
import type { ConsentedConnection, ConsentVendor } from "@revops/connectors/oauth-consent";
import type { Runtime } from "@revops/kit";
import type { SupportPort } from "../ports";
import type { CsConversationsConfig, CsEmailConfig, CsSupportConfig, CsUsageConfig } from "./config";
import { IntercomFeedback } from "./intercom/feedback";
import { intercomDeliverer } from "./intercom/messages";
import type { Deliverer } from "./messages";
import { MixpanelGroups } from "./mixpanel/groups";
import { MixpanelUsage } from "./mixpanel/usage";
import { sendgridDeliverer } from "./sendgrid/messages";
import { ZendeskSupport } from "./zendesk/support";

type VendorConfig = Exclude<CsSupportConfig, { support: "sandbox" }>;

/** The tokens `revops setup` stored in the vault for this connection (refreshed when the vendor issued a refresh token). */
async function consentedTokens(rt: Runtime, vendor: ConsentVendor, c: ConsentedConnection | undefined) {
  if (!c) return {};
  return { tokens: await oauthTokens(rt, { vendor, ...c }), tokenConnectionId: c.connectionId };
}

/**
 * The support port of a configured vendor, its reads backed by the stale cache in the runtime's key-value
 * store. Composite: tickets come from the vendor, everything Zendesk cannot serve from `rest` (the sandbox).
 */
export async function vendorSupport(
  rt: Runtime,
  config: VendorConfig,
  rest: SupportPort,
): Promise<SupportPort> {
  const setup = await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs });
  const zd = await createZendeskConnector(
    {
      id: config.connectionId,
      vendor: "zendesk",
      ...(config.subdomain ? { subdomain: config.subdomain } : {}),
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { email: config.email, apiToken: config.apiToken },
    },
    { ...setup, ...(await consentedTokens(rt, "zendesk", config.consented)) },
  );
  return new ZendeskSupport(zd, rest);
}

/** Account usage from Mixpanel's raw export (read-only: the connection has no project token). */
export async function vendorUsage(
  rt: Runtime,
  config: Exclude<CsUsageConfig, { usage: "sandbox" }>,
): Promise<MixpanelUsage> {
  const mp = await createMixpanelConnector(
    {
      id: config.connectionId,
      vendor: "mixpanel",
      region: config.region,
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      ...(config.testCa ? { testCa: config.testCa } : {}),
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { username: config.username, secret: config.secret, projectId: config.projectId },
    },
    await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs }),
  );
  return new MixpanelUsage(
    mp,
    {
      accountProperty: config.accountProperty,
      ...(config.events ? { events: config.events } : {}),
    },
    config.groups && new MixpanelGroups(mp, config.groups),
  );
}

const INTERCOM_REGION_URL = {
  us: "https://api.intercom.io",
  eu: "https://api.eu.intercom.io",
  au: "https://api.au.intercom.io",
} as const;

/** Conversations, support load and ratings from Intercom. */
export async function vendorFeedback(
  rt: Runtime,
  config: Exclude<CsConversationsConfig, { conversations: "sandbox" }>,
): Promise<IntercomFeedback> {
  const ic = await createIntercomConnector(
    {
      id: config.connectionId,
      vendor: "intercom",
      baseUrl: config.baseUrl ?? INTERCOM_REGION_URL[config.region],
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { accessToken: config.accessToken },
    },
    {
      ...(await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs })),
      ...(await consentedTokens(rt, "intercom", config.consented)),
    },
  );
  return new IntercomFeedback(ic);
}

/** Email through SendGrid (its idempotency keys in the runtime's key-value store: Redis across replicas). */
export async function vendorEmailDeliverer(
  rt: Runtime,
  config: Exclude<CsEmailConfig, { email: "sandbox" }>,
): Promise<Deliverer> {
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
  return sendgridDeliverer(sg, config.fromEmail);
}

/** Admin-initiated messages through Intercom, sent as `adminId`. */
export async function vendorIntercomDeliverer(
  rt: Runtime,
  config: Exclude<CsConversationsConfig, { conversations: "sandbox" }>,
  adminId: string,
): Promise<Deliverer> {
  const ic = await createIntercomConnector(
    {
      id: config.connectionId,
      vendor: "intercom",
      baseUrl: config.baseUrl ?? INTERCOM_REGION_URL[config.region],
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { accessToken: config.accessToken, adminId },
    },
    {
      ...(await connectorSetup(rt, { staleMaxAgeMs: config.staleMaxAgeMs })),
      ...(await consentedTokens(rt, "intercom", config.consented)),
    },
  );
  return intercomDeliverer(ic);
}
