import {
  type ConsentedConnection,
  type ConsentVendor,
  consentedSettings,
} from "@revops/connectors/oauth-consent";
import { ConfigError, envBool, loadConfig } from "@revops/kit";
import { z } from "zod";
import { type CsCrmConfig, crmConfig, crmIntegrationEnv } from "./crm-config";
import type { GroupSettings } from "./mixpanel/groups";

const FIX = "Fix it in the environment or .env (see docs/integrations.md).";
const SUBDOMAIN = /^[a-z0-9][a-z0-9-]{0,62}$/i;

/** Every variable the customer-success integrations read: the one place they are read and validated. */
export const csIntegrationEnv = z
  .object({
    CS_SUPPORT: z.enum(["sandbox", "zendesk"]).default("sandbox"),
    CS_USAGE: z.enum(["sandbox", "mixpanel"]).default("sandbox"),
    CS_CONVERSATIONS: z.enum(["sandbox", "intercom"]).default("sandbox"),
    MIXPANEL_PROJECT_ID: z.string().regex(/^\d+$/, "must be the numeric project id").optional(),
    MIXPANEL_SERVICE_ACCOUNT_USERNAME: z.string().trim().min(1).optional(),
    MIXPANEL_SERVICE_ACCOUNT_SECRET: z.string().min(1).optional(),
    MIXPANEL_REGION: z.enum(["us", "eu", "in"]).default("us"),
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
    INTERCOM_ACCESS_TOKEN: z.string().min(1).optional(),
    /** Set by `revops setup` after Intercom's consent: the vault entry of the token, and the OAuth app. */
    INTERCOM_OAUTH_CONNECTION: z.string().min(1).optional(),
    INTERCOM_CLIENT_ID: z.string().min(1).optional(),
    INTERCOM_CLIENT_SECRET: z.string().min(1).optional(),
    INTERCOM_REGION: z.enum(["us", "eu", "au"]).default("us"),
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
    SENDGRID_API_KEY: z.string().min(1).optional(),
    SENDGRID_FROM_EMAIL: z.email().optional(),
    ZENDESK_SUBDOMAIN: z.string().trim().min(1).optional(),
    ZENDESK_EMAIL: z.email().optional(),
    ZENDESK_API_TOKEN: z.string().min(1).optional(),
    /** Set by `revops setup` after Zendesk's consent: the vault entry of the tokens, and the OAuth client. */
    ZENDESK_OAUTH_CONNECTION: z.string().min(1).optional(),
    ZENDESK_CLIENT_ID: z.string().min(1).optional(),
    ZENDESK_CLIENT_SECRET: z.string().min(1).optional(),
    CS_STALE_MAX_AGE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    REVOPS_TEST_VENDOR_BASE_URL: z
      .string()
      .refine(
        (v) => testBaseUrls(v) !== undefined,
        "must be an http(s) URL or vendor=URL pairs separated by commas",
      )
      .optional(),
    REVOPS_TEST_VENDOR_CA: z.string().includes("BEGIN CERTIFICATE").optional(),
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: envBool,
  })
  .extend(crmIntegrationEnv.shape);

const isHttpUrl = (v: string) => z.url({ protocol: /^https?$/ }).safeParse(v).success;

/** One URL for every configured vendor, or `zendesk=…,mixpanel=…,intercom=…` for several fakes at once. */
function testBaseUrls(value: string): Record<string, string> | undefined {
  if (isHttpUrl(value)) return { "*": value };
  const pairs = value.split(",").map((p) => p.trim().split(/=(.*)/s, 2) as [string, string?]);
  if (!pairs.every(([k, v]) => /^[a-z]+$/.test(k) && v && isHttpUrl(v))) return undefined;
  return Object.fromEntries(pairs);
}

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

/** Test-only fake for one vendor: its URL (and CA for the https fakes), refused without the explicit flag. */
function testVendor(
  e: CsEnv,
  vendor: string,
): { baseUrl?: string; testCa?: string; allowInsecureTestBaseUrl: boolean } {
  if (!e.REVOPS_TEST_VENDOR_BASE_URL) return { allowInsecureTestBaseUrl: false };
  if (!e.REVOPS_ALLOW_INSECURE_TEST_VENDOR) {
    problem(
      "REVOPS_TEST_VENDOR_BASE_URL",
      "is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach the real vendor.",
    );
  }
  const urls = testBaseUrls(e.REVOPS_TEST_VENDOR_BASE_URL) ?? {};
  const baseUrl = urls[vendor] ?? urls["*"];
  return {
    ...(baseUrl ? { baseUrl } : {}),
    ...(baseUrl && e.REVOPS_TEST_VENDOR_CA ? { testCa: e.REVOPS_TEST_VENDOR_CA } : {}),
    allowInsecureTestBaseUrl: baseUrl !== undefined,
  };
}

/** The consent's connection when its variable is set (the API token variables are then not needed). */
function consented(
  vendor: ConsentVendor,
  e: CsEnv,
  raw: Record<string, string | undefined>,
  o: { testBaseUrl?: string; subdomain?: string },
): ConsentedConnection | undefined {
  const c = consentedSettings(vendor, e, raw, o);
  if (c && "variable" in c) problem(c.variable, c.message);
  return c;
}

function required<T>(value: T | undefined, name: string, why: string): T {
  if (value === undefined) problem(name, why);
  return value;
}

/** Reads CS_SUPPORT and the Zendesk credentials; a bad value throws a ConfigError naming the variable and the fix. */
export function loadCsSupportConfig(env: Record<string, string | undefined> = process.env): CsSupportConfig {
  return supportConfig(loadConfig(csIntegrationEnv, { env }), env);
}

function supportConfig(e: CsEnv, raw: Record<string, string | undefined>): CsSupportConfig {
  if (e.CS_SUPPORT === "sandbox") return { support: "sandbox" };
  const test = testVendor(e, "zendesk");
  const sub = e.ZENDESK_SUBDOMAIN;
  if (!sub && !test.baseUrl) {
    problem(
      "ZENDESK_SUBDOMAIN",
      "is required when CS_SUPPORT=zendesk: set the account's subdomain (acme for https://acme.zendesk.com).",
    );
  }
  if (sub && !SUBDOMAIN.test(sub)) {
    problem(
      "ZENDESK_SUBDOMAIN",
      `"${sub}" is not a subdomain: give only the first label (acme for https://acme.zendesk.com).`,
    );
  }
  const vault = consented("zendesk", e, raw, {
    ...(test.baseUrl ? { testBaseUrl: test.baseUrl } : {}),
    ...(sub ? { subdomain: sub } : {}),
  });
  if (!e.ZENDESK_EMAIL && !vault) {
    problem(
      "ZENDESK_EMAIL",
      "is required when CS_SUPPORT=zendesk: set the email of the agent whose API token is used.",
    );
  }
  if (!e.ZENDESK_API_TOKEN && !vault) {
    problem(
      "ZENDESK_API_TOKEN",
      "is required when CS_SUPPORT=zendesk: create one in Admin Center → Apps and integrations → Zendesk API.",
    );
  }
  return {
    support: "zendesk",
    connectionId: "cs-zendesk",
    ...(sub ? { subdomain: sub } : {}),
    email: vault ? "" : (e.ZENDESK_EMAIL ?? ""),
    apiToken: vault ? "" : (e.ZENDESK_API_TOKEN ?? ""),
    ...(vault ? { consented: vault } : {}),
    staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
    ...(test.baseUrl ? { baseUrl: test.baseUrl } : {}),
    allowInsecureTestBaseUrl: test.allowInsecureTestBaseUrl,
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

function usageConfig(e: CsEnv): CsUsageConfig {
  if (e.CS_USAGE === "sandbox") {
    // never ignored silently: group profiles are read through the Mixpanel connection
    if (e.MIXPANEL_DATA_GROUP_ID)
      problem("MIXPANEL_DATA_GROUP_ID", "is read only with CS_USAGE=mixpanel: set both, or unset it.");
    return { usage: "sandbox" };
  }
  const why = (what: string) => `is required when CS_USAGE=mixpanel: ${what}`;
  const projectId = required(
    e.MIXPANEL_PROJECT_ID,
    "MIXPANEL_PROJECT_ID",
    why("the number in the project's URL or Project Settings → Overview."),
  );
  const username = required(
    e.MIXPANEL_SERVICE_ACCOUNT_USERNAME,
    "MIXPANEL_SERVICE_ACCOUNT_USERNAME",
    why("create a service account with access to the project (Organization Settings → Service Accounts)."),
  );
  const secret = required(
    e.MIXPANEL_SERVICE_ACCOUNT_SECRET,
    "MIXPANEL_SERVICE_ACCOUNT_SECRET",
    why("the secret shown once when the service account was created."),
  );
  const events = e.MIXPANEL_USAGE_EVENTS?.split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  if (e.MIXPANEL_USAGE_EVENTS !== undefined && !events?.length) {
    problem(
      "MIXPANEL_USAGE_EVENTS",
      "lists no event: give event names separated by commas, or unset it to count every event.",
    );
  }
  const test = testVendor(e, "mixpanel");
  const groups = groupSettings(e);
  return {
    usage: "mixpanel",
    connectionId: "cs-mixpanel",
    projectId,
    username,
    secret,
    region: e.MIXPANEL_REGION,
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
  const { baseUrl, allowInsecureTestBaseUrl } = testVendor(e, "intercom");
  const vault = consented("intercom", e, raw, baseUrl ? { testBaseUrl: baseUrl } : {});
  const accessToken = vault
    ? ""
    : required(
        e.INTERCOM_ACCESS_TOKEN,
        "INTERCOM_ACCESS_TOKEN",
        "is required when CS_CONVERSATIONS=intercom: the access token of an Intercom app with read access to users, companies and conversations (Developer Hub → your app → Authentication), or run `revops connections add intercom` to sign in.",
      );
  return {
    conversations: "intercom",
    connectionId: "cs-intercom",
    accessToken,
    ...(vault ? { consented: vault } : {}),
    region: e.INTERCOM_REGION,
    staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
    ...(baseUrl ? { baseUrl } : {}),
    allowInsecureTestBaseUrl,
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

function messagingConfig(e: CsEnv): CsMessagingConfig {
  const base = {
    defaultChannel: e.CS_MESSAGE_CHANNEL,
    ...(e.INTERCOM_ADMIN_ID ? { intercomAdminId: e.INTERCOM_ADMIN_ID } : {}),
    ...(e.CS_SURVEY_URL ? { surveyUrl: e.CS_SURVEY_URL } : {}),
    ...(e.CS_SURVEY_PAGE_URL ? { surveyPageUrl: e.CS_SURVEY_PAGE_URL.replace(/\/+$/, "") } : {}),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL } : {}),
    surveyLinkDays: e.CS_SURVEY_LINK_DAYS,
  };
  if (e.CS_EMAIL === "sandbox") return { ...base, email: { email: "sandbox" } };
  const why = (what: string) => `is required when CS_EMAIL=sendgrid: ${what}`;
  const apiKey = required(
    e.SENDGRID_API_KEY,
    "SENDGRID_API_KEY",
    why("an API key with Mail Send and Suppressions read access (Settings → API Keys)."),
  );
  const fromEmail = required(
    e.SENDGRID_FROM_EMAIL,
    "SENDGRID_FROM_EMAIL",
    why("a verified sender address (Settings → Sender Authentication)."),
  );
  const { baseUrl, allowInsecureTestBaseUrl } = testVendor(e, "sendgrid");
  return {
    ...base,
    email: {
      email: "sendgrid",
      connectionId: "cs-sendgrid",
      apiKey,
      fromEmail,
      staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
      ...(baseUrl ? { baseUrl } : {}),
      allowInsecureTestBaseUrl,
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

const NO_TEST = { allowInsecureTestBaseUrl: false };

/** Every source of the customer-success ports; a bad value throws a ConfigError naming the variable and the fix. */
export function loadCsIntegrationsConfig(
  env: Record<string, string | undefined> = process.env,
): CsIntegrationsConfig {
  const e = loadConfig(csIntegrationEnv, { env });
  return {
    support: supportConfig(e, env),
    usage: usageConfig(e),
    conversations: conversationsConfig(e, env),
    messaging: messagingConfig(e),
    crm: crmConfig(e, env, e.CS_CRM === "sandbox" ? NO_TEST : testVendor(e, e.CS_CRM), problem),
  };
}
