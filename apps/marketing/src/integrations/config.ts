import type { ConsentedConnection } from "@revops/connectors/oauth-consent";
import {
  checkVendor,
  credentialFormatsOf,
  valueOrThrow,
  vendorFormats,
} from "@revops/connectors/vendor-credentials";
import { ConfigError, loadConfig } from "@revops/kit";
import { z } from "zod";

const FIX = "Fix it in the environment or .env (see docs/integrations.md).";
export const HUBSPOT_MARKETING_SCOPES = [
  "marketing.campaigns.read",
  // campaign_save
  "marketing.campaigns.write",
  "crm.objects.contacts.read",
  "crm.objects.deals.read",
  // lead_scoring_model: the size of each lead's company
  "crm.objects.companies.read",
  // list_members_update
  "crm.lists.read",
  "crm.lists.write",
  // mql_handoff
  "crm.objects.contacts.write",
  "crm.objects.owners.read",
  // forms_list (Forms v3 and form submissions)
  "forms",
];

/** Every variable the marketing integrations read: the one place they are read and validated. */
export const marketingIntegrationEnv = z.object({
  MARKETING_SOURCE: z.enum(["sandbox", "hubspot"]).default("sandbox"),
  /** A private-app token, or the vault entry `revops setup` stored after the OAuth consent, and the app's client. */
  ...vendorFormats("hubspot"),
  MARKETING_STALE_MAX_AGE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  // email_campaign_send / email_stats through SendGrid Marketing Campaigns (else the sandbox's tables)
  ...vendorFormats("sendgrid"),
  SENDGRID_SENDER_ID: z.coerce.number().int().positive().optional(),
  SENDGRID_UNSUBSCRIBE_GROUP_ID: z.coerce.number().int().positive().optional(),
  ...credentialFormatsOf("REVOPS_TEST_VENDOR_BASE_URL", "REVOPS_ALLOW_INSECURE_TEST_VENDOR"),
  // web_analytics through GA4 (else the sandbox's traffic); read in ./web-config
  MARKETING_WEB: z.enum(["sandbox", "google"]).default("sandbox"),
  ...credentialFormatsOf("GA4_PROPERTY_ID", "REVOPS_TEST_GOOGLE_BASE_URL"),
  ...vendorFormats("google"),
});

export type MarketingSourceConfig =
  | { source: "sandbox" }
  | {
      source: "hubspot";
      connectionId: string;
      accessToken: string;
      /** The OAuth consent's tokens, stored in the vault by `revops setup`. */
      consented?: ConsentedConnection;
      staleMaxAgeMs: number;
      baseUrl?: string;
      allowInsecureTestBaseUrl: boolean;
    };

export function problem(name: string, message: string): never {
  throw new ConfigError(`Invalid configuration:\n  ${name}: ${message} ${FIX}`);
}

/** Reads MARKETING_SOURCE and HubSpot's token; a bad value throws a ConfigError naming the variable and the fix. */
export function loadMarketingSourceConfig(
  env: Record<string, string | undefined> = process.env,
): MarketingSourceConfig {
  const e = loadConfig(marketingIntegrationEnv, { env });
  if (e.MARKETING_SOURCE === "sandbox") return { source: "sandbox" };
  // HubSpot's own rules (@revops/connectors/vendor-credentials), the ones `revops doctor` runs
  const { accessToken, consented, baseUrl } = valueOrThrow(
    checkVendor("hubspot", e, {
      selector: "MARKETING_SOURCE=hubspot",
      raw: env,
      needs: HUBSPOT_MARKETING_SCOPES.join(", "),
    }),
    problem,
  );
  return {
    source: "hubspot",
    connectionId: "marketing-hubspot",
    accessToken,
    ...(consented ? { consented } : {}),
    staleMaxAgeMs: e.MARKETING_STALE_MAX_AGE_MINUTES * 60_000,
    ...(baseUrl ? { baseUrl } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}

export interface EmailSourceConfig {
  connectionId: string;
  apiKey: string;
  fromEmail: string;
  senderId?: number;
  unsubscribeGroupId?: number;
  staleMaxAgeMs: number;
  baseUrl?: string;
  allowInsecureTestBaseUrl: boolean;
}

/** SendGrid for email sends when SENDGRID_API_KEY is set (with SENDGRID_FROM_EMAIL); undefined: none configured. */
export function loadEmailSourceConfig(
  env: Record<string, string | undefined> = process.env,
): EmailSourceConfig | undefined {
  const e = loadConfig(marketingIntegrationEnv, { env });
  if (!e.SENDGRID_API_KEY) return undefined;
  const { apiKey, fromEmail, baseUrl } = valueOrThrow(checkVendor("sendgrid", e, { raw: env }), problem);
  return {
    connectionId: "marketing-sendgrid",
    apiKey,
    fromEmail,
    ...(e.SENDGRID_SENDER_ID !== undefined && { senderId: e.SENDGRID_SENDER_ID }),
    ...(e.SENDGRID_UNSUBSCRIBE_GROUP_ID !== undefined && {
      unsubscribeGroupId: e.SENDGRID_UNSUBSCRIBE_GROUP_ID,
    }),
    staleMaxAgeMs: e.MARKETING_STALE_MAX_AGE_MINUTES * 60_000,
    ...(baseUrl ? { baseUrl } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}
