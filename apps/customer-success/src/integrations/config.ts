import type { ConsentedConnection } from "@revops/connectors/oauth-consent";
import {
  checkVendor,
  credentialFormatsOf,
  valueOrThrow,
  vendorFormats,
} from "@revops/connectors/vendor-credentials";
import { ConfigError, loadConfig } from "@revops/kit";
import { z } from "zod";
import { type CsCrmConfig, crmConfig, crmIntegrationEnv } from "./crm-config";
import type { GroupSettings } from "./mixpanel/groups";

const FIX = "Fix it in the environment or .env (see docs/integrations.md).";

/** Every variable the customer-success integrations read: the one place they are read and validated. */
export const csIntegrationEnv = z
  .object({
    CS_SUPPORT: z.enum(["sandbox", "zendesk"]).default("sandbox"),
    CS_USAGE: z.enum(["sandbox", "mixpanel"]).default("sandbox"),
    CS_CONVERSATIONS: z.enum(["sandbox", "intercom"]).default("sandbox"),
    ...vendorFormats("mixpanel"),
    MIXPANEL_ACCOUNT_PROPERTY: z
      .string()
      .regex(/^[^"\\]{1,255}$/, "must be an event property name without quotes or backslashes")
      .default("account_id"),
    MIXPANEL_USAGE_EVENTS: z.string().optional(),
    MIXPANEL_DATA_GROUP_ID: z
      .string()
      .regex(/^\d+$/, "must be the numeric id of the group key (Project Settings → Group Keys)")
      .optional(),
    MIXPANEL_GROUP_DOMAIN_PROPERTY: z
      .string()
      .regex(/^[^"\\]{1,255}$/, "must be a group property name without quotes or backslashes")
      .default("domain"),
    MIXPANEL_GROUP_CRM_PROPERTY: z
      .string()
      .regex(/^[^"\\]{1,255}$/, "must be a group property name without quotes or backslashes")
      .optional(),
    MIXPANEL_GROUP_FACT_PROPERTIES: z
      .string()
      .regex(
        /^[^"\\,]{1,255}(,[^"\\,]{1,255}){0,7}$/,
        "must be up to 8 group property names, comma-separated, without quotes or backslashes",
      )
      .default("plan,seats,$last_seen"),
    /** An app's token, or the vault entry `revops setup` stored after Intercom's consent, and the OAuth app. */
    ...vendorFormats("intercom"),
    INTERCOM_ADMIN_ID: z
      .string()
      .regex(/^\d+$/, "must be the numeric id of the admin messages are sent as")
      .optional(),
    CS_EMAIL: z.enum(["sandbox", "sendgrid"]).default("sandbox"),
    CS_MESSAGE_CHANNEL: z.enum(["email", "intercom"]).default("email"),
    CS_SURVEY_URL: z
      .url({ protocol: /^https$/, error: "use the https page survey answers are posted to" })
      .optional(),
    CS_SURVEY_PAGE_URL: z
      .url({ protocol: /^https?$/, error: "use the public address of this server's /survey page" })
      .optional(),
    CS_SURVEY_LINK_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** Read here only for the survey page's public address (validated by the safety settings). */
    PUBLIC_URL: z.string().optional(),
    ...vendorFormats("sendgrid"),
    /** An agent's email and API token, or the vault entry `revops setup` stored after Zendesk's consent. */
    ...vendorFormats("zendesk"),
    CS_STALE_MAX_AGE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    ...credentialFormatsOf(
      "REVOPS_TEST_VENDOR_BASE_URL",
      "REVOPS_TEST_VENDOR_CA",
      "REVOPS_ALLOW_INSECURE_TEST_VENDOR",
    ),
  })
  .extend(crmIntegrationEnv.shape);

export type CsSupportConfig =
  | { support: "sandbox" }
  | {
      support: "zendesk";
      connectionId: string;
      subdomain?: string;
      /** Empty with the consent's vault tokens (`consented`). */
      email: string;
      apiToken: string;
      /** The OAuth consent's tokens, stored in the vault by `revops setup`. */
      consented?: ConsentedConnection;
      staleMaxAgeMs: number;
      baseUrl?: string;
      allowInsecureTestBaseUrl: boolean;
    };

function problem(name: string, message: string): never {
  throw new ConfigError(`Invalid configuration:\n  ${name}: ${message} ${FIX}`);
}

type CsEnv = z.output<typeof csIntegrationEnv>;

/** A vendor's credentials by its own rules (@revops/connectors/vendor-credentials), the ones `revops doctor` runs. */
function credentials<V extends "zendesk" | "mixpanel" | "intercom" | "sendgrid">(
  vendor: V,
  selector: string,
  e: CsEnv,
  raw: Record<string, string | undefined>,
) {
  const { baseUrl, testCa, ...rest } = valueOrThrow(checkVendor(vendor, e, { selector, raw }), problem);
  const test = {
    ...(baseUrl ? { baseUrl } : {}),
    ...(testCa ? { testCa } : {}),
    allowInsecureTestBaseUrl: baseUrl !== undefined,
  };
  return { ...rest, test };
}

/** Reads CS_SUPPORT and the Zendesk credentials; a bad value throws a ConfigError naming the variable and the fix. */
export function loadCsSupportConfig(env: Record<string, string | undefined> = process.env): CsSupportConfig {
  return supportConfig(loadConfig(csIntegrationEnv, { env }), env);
}

function supportConfig(e: CsEnv, raw: Record<string, string | undefined>): CsSupportConfig {
  if (e.CS_SUPPORT === "sandbox") return { support: "sandbox" };
  const { test, consented, ...zendesk } = credentials("zendesk", "CS_SUPPORT=zendesk", e, raw);
  const { testCa: _, ...fake } = test;
  return {
    support: "zendesk",
    connectionId: "cs-zendesk",
    ...zendesk,
    ...(consented ? { consented } : {}),
    staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
    ...fake,
  };
}

export type CsUsageConfig =
  | { usage: "sandbox" }
  | {
      usage: "mixpanel";
      connectionId: string;
      projectId: string;
      username: string;
      secret: string;
      region: "us" | "eu" | "in";
      /** The event property that carries the account id (the sandbox's acc_… ids). */
      accountProperty: string;
      /** Events that count as usage; every event with the account property when absent. */
      events?: string[];
      /** The group key whose profiles are customer companies, for the suite's identity graph. */
      groups?: GroupSettings;
      staleMaxAgeMs: number;
      baseUrl?: string;
      testCa?: string;
      allowInsecureTestBaseUrl: boolean;
    };

/** MIXPANEL_DATA_GROUP_ID and its properties: the group profiles the identity graph reads, when set. */
function groupSettings(e: CsEnv): GroupSettings | undefined {
  if (!e.MIXPANEL_DATA_GROUP_ID) return undefined;
  return {
    dataGroupId: e.MIXPANEL_DATA_GROUP_ID,
    domainProperty: e.MIXPANEL_GROUP_DOMAIN_PROPERTY,
    ...(e.MIXPANEL_GROUP_CRM_PROPERTY ? { crmProperty: e.MIXPANEL_GROUP_CRM_PROPERTY } : {}),
    factProperties: e.MIXPANEL_GROUP_FACT_PROPERTIES.split(",").map((p) => p.trim()),
  };
}

function usageConfig(e: CsEnv, raw: Record<string, string | undefined>): CsUsageConfig {
  if (e.CS_USAGE === "sandbox") {
    // never ignored silently: group profiles are read through the Mixpanel connection
    if (e.MIXPANEL_DATA_GROUP_ID)
      problem("MIXPANEL_DATA_GROUP_ID", "is read only with CS_USAGE=mixpanel: set both, or unset it.");
    return { usage: "sandbox" };
  }
  const { test, ...mixpanel } = credentials("mixpanel", "CS_USAGE=mixpanel", e, raw);
  const events = e.MIXPANEL_USAGE_EVENTS?.split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  if (e.MIXPANEL_USAGE_EVENTS !== undefined && !events?.length) {
    problem(
      "MIXPANEL_USAGE_EVENTS",
      "lists no event: give event names separated by commas, or unset it to count every event.",
    );
  }
  const groups = groupSettings(e);
  return {
    usage: "mixpanel",
    connectionId: "cs-mixpanel",
    ...mixpanel,
    accountProperty: e.MIXPANEL_ACCOUNT_PROPERTY,
    ...(events?.length ? { events } : {}),
    ...(groups ? { groups } : {}),
    staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
    ...test,
  };
}

export type CsConversationsConfig =
  | { conversations: "sandbox" }
  | {
      conversations: "intercom";
      connectionId: string;
      /** Empty with the consent's vault token (`consented`). */
      accessToken: string;
      /** The OAuth consent's token, stored in the vault by `revops setup` (it does not expire). */
      consented?: ConsentedConnection;
      region: "us" | "eu" | "au";
      staleMaxAgeMs: number;
      baseUrl?: string;
      allowInsecureTestBaseUrl: boolean;
    };

function conversationsConfig(e: CsEnv, raw: Record<string, string | undefined>): CsConversationsConfig {
  if (e.CS_CONVERSATIONS === "sandbox") return { conversations: "sandbox" };
  const { test, consented, ...intercom } = credentials("intercom", "CS_CONVERSATIONS=intercom", e, raw);
  const { testCa: _, ...fake } = test;
  return {
    conversations: "intercom",
    connectionId: "cs-intercom",
    ...intercom,
    ...(consented ? { consented } : {}),
    staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
    ...fake,
  };
}

export type CsEmailConfig =
  | { email: "sandbox" }
  | {
      email: "sendgrid";
      connectionId: string;
      apiKey: string;
      fromEmail: string;
      staleMaxAgeMs: number;
      baseUrl?: string;
      allowInsecureTestBaseUrl: boolean;
    };

/** How message_send and survey_send deliver: email through SendGrid or the sandbox, Intercom when connected. */
export interface CsMessagingConfig {
  defaultChannel: "email" | "intercom";
  email: CsEmailConfig;
  /** The Intercom admin messages are sent as (CS_CONVERSATIONS=intercom); without it Intercom cannot send. */
  intercomAdminId?: string;
  /** The customer's own answer page (CS_SURVEY_URL): links carry survey, contact and score in the query. */
  surveyUrl?: string;
  /** Our answer page's public base (CS_SURVEY_PAGE_URL), else beside PUBLIC_URL when serving HTTP. */
  surveyPageUrl?: string;
  publicUrl?: string;
  /** How long a signed survey link stays valid after its send. */
  surveyLinkDays: number;
}

function messagingConfig(e: CsEnv, raw: Record<string, string | undefined>): CsMessagingConfig {
  const base = {
    defaultChannel: e.CS_MESSAGE_CHANNEL,
    ...(e.INTERCOM_ADMIN_ID ? { intercomAdminId: e.INTERCOM_ADMIN_ID } : {}),
    ...(e.CS_SURVEY_URL ? { surveyUrl: e.CS_SURVEY_URL } : {}),
    ...(e.CS_SURVEY_PAGE_URL ? { surveyPageUrl: e.CS_SURVEY_PAGE_URL.replace(/\/+$/, "") } : {}),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL } : {}),
    surveyLinkDays: e.CS_SURVEY_LINK_DAYS,
  };
  if (e.CS_EMAIL === "sandbox") return { ...base, email: { email: "sandbox" } };
  const { test, apiKey, fromEmail } = credentials("sendgrid", "CS_EMAIL=sendgrid", e, raw);
  const { testCa: _, ...fake } = test;
  return {
    ...base,
    email: {
      email: "sendgrid",
      connectionId: "cs-sendgrid",
      apiKey,
      fromEmail,
      staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
      ...fake,
    },
  };
}

export interface CsIntegrationsConfig {
  support: CsSupportConfig;
  usage: CsUsageConfig;
  conversations: CsConversationsConfig;
  messaging: CsMessagingConfig;
  /** Where churn_risk's renewal history comes from. */
  crm: CsCrmConfig;
}

/** Every source of the customer-success ports; a bad value throws a ConfigError naming the variable and the fix. */
export function loadCsIntegrationsConfig(
  env: Record<string, string | undefined> = process.env,
): CsIntegrationsConfig {
  const e = loadConfig(csIntegrationEnv, { env });
  return {
    support: supportConfig(e, env),
    usage: usageConfig(e, env),
    conversations: conversationsConfig(e, env),
    messaging: messagingConfig(e, env),
    crm: crmConfig(e, env, problem),
  };
}
