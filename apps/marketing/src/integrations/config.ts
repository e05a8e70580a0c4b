import { type ConsentedConnection, consentedSettings } from "@revops/connectors/oauth-consent";
import { ConfigError, envBool, loadConfig } from "@revops/kit";
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
  HUBSPOT_ACCESS_TOKEN: z.string().min(1).optional(),
  /** Set by `revops setup` after the OAuth consent: the vault entry of the tokens, and the app's client. */
  HUBSPOT_OAUTH_CONNECTION: z.string().min(1).optional(),
  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
  MARKETING_STALE_MAX_AGE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  // email_campaign_send / email_stats through SendGrid Marketing Campaigns (else the sandbox's tables)
  SENDGRID_API_KEY: z.string().min(1).optional(),
  SENDGRID_FROM_EMAIL: z.email().optional(),
  SENDGRID_SENDER_ID: z.coerce.number().int().positive().optional(),
  SENDGRID_UNSUBSCRIBE_GROUP_ID: z.coerce.number().int().positive().optional(),
  REVOPS_TEST_VENDOR_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: envBool,
  // web_analytics through GA4 (else the sandbox's traffic); read in ./web-config
  MARKETING_WEB: z.enum(["sandbox", "google"]).default("sandbox"),
  GA4_PROPERTY_ID: z
    .string()
    .regex(/^\d+$/, "must be the numeric GA4 property id (Admin → Property details), not a G- measurement id")
    .optional(),
  GOOGLE_ACCESS_TOKEN: z.string().min(1).optional(),
  GOOGLE_OAUTH_CONNECTION: z.string().min(1).optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  REVOPS_TEST_GOOGLE_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
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
  if (e.REVOPS_TEST_VENDOR_BASE_URL && !e.REVOPS_ALLOW_INSECURE_TEST_VENDOR) {
    problem(
      "REVOPS_TEST_VENDOR_BASE_URL",
      "is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach the real vendor.",
    );
  }
  const consented = consentedSettings(
    "hubspot",
    e,
    env,
    e.REVOPS_TEST_VENDOR_BASE_URL ? { testBaseUrl: e.REVOPS_TEST_VENDOR_BASE_URL } : {},
  );
  if (consented && "variable" in consented) problem(consented.variable, consented.message);
  if (!e.HUBSPOT_ACCESS_TOKEN && !consented) {
    problem(
      "HUBSPOT_ACCESS_TOKEN",
      `is required when MARKETING_SOURCE=hubspot: set a private-app token with ${HUBSPOT_MARKETING_SCOPES.join(", ")}.`,
    );
  }
  return {
    source: "hubspot",
    connectionId: "marketing-hubspot",
    accessToken: e.HUBSPOT_ACCESS_TOKEN ?? "",
    ...(consented ? { consented } : {}),
    staleMaxAgeMs: e.MARKETING_STALE_MAX_AGE_MINUTES * 60_000,
    ...(e.REVOPS_TEST_VENDOR_BASE_URL ? { baseUrl: e.REVOPS_TEST_VENDOR_BASE_URL } : {}),
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
  if (e.REVOPS_TEST_VENDOR_BASE_URL && !e.REVOPS_ALLOW_INSECURE_TEST_VENDOR)
    problem(
      "REVOPS_TEST_VENDOR_BASE_URL",
      "is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true.",
    );
  if (!e.SENDGRID_FROM_EMAIL)
    problem(
      "SENDGRID_FROM_EMAIL",
      "is required with SENDGRID_API_KEY: a verified sender address for test sends.",
    );
  return {
    connectionId: "marketing-sendgrid",
    apiKey: e.SENDGRID_API_KEY,
    fromEmail: e.SENDGRID_FROM_EMAIL,
    ...(e.SENDGRID_SENDER_ID !== undefined && { senderId: e.SENDGRID_SENDER_ID }),
    ...(e.SENDGRID_UNSUBSCRIBE_GROUP_ID !== undefined && {
      unsubscribeGroupId: e.SENDGRID_UNSUBSCRIBE_GROUP_ID,
    }),
    staleMaxAgeMs: e.MARKETING_STALE_MAX_AGE_MINUTES * 60_000,
    ...(e.REVOPS_TEST_VENDOR_BASE_URL ? { baseUrl: e.REVOPS_TEST_VENDOR_BASE_URL } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}
