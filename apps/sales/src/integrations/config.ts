import {
  type ConsentedConnection,
  consentedSettings,
  crmCredentialEnv,
  salesforceCredentials,
} from "@revops/connectors/oauth-consent";
import { ConfigError, envBool, loadConfig } from "@revops/kit";
import type { Stage } from "@revops/model";
import { z } from "zod";
import { HUBSPOT_STAGE_DEFAULTS, SALESFORCE_STAGE_DEFAULTS, SUITE_STAGES } from "./stages";

const FIX = "Fix it in the environment or .env (see docs/integrations.md).";

/** Every variable the sales integrations read: the one place they are read and validated. */
export const salesIntegrationEnv = z.object({
  SALES_CRM: z.enum(["sandbox", "salesforce", "hubspot"]).default("sandbox"),
  ...crmCredentialEnv.shape,
  /** "Vendor stage=suite_stage,…" overrides merged over the vendor's defaults. */
  SALES_STAGE_MAP: z.string().optional(),
  SALES_STALE_MAX_AGE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  /** Firmographics on account_get from an enrichment vendor; "none" (default) or "apollo". */
  SALES_ENRICHMENT: z.enum(["none", "apollo"]).default("none"),
  APOLLO_API_KEY: z.string().min(1).optional(),
  /** Apollo credits one account_enrich call may spend unconfirmed (≥ 1: a prospects_find page spends at most 1). */
  APOLLO_CREDIT_CONFIRM_ABOVE: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Meetings and sales email: the sandbox's own calendar and mailbox, or Google Calendar and Gmail. */
  SALES_CALENDAR: z.enum(["sandbox", "google"]).default("sandbox"),
  GOOGLE_ACCESS_TOKEN: z.string().min(1).optional(),
  /** Set by `revops setup` after Google's consent: the vault entry of the tokens, and the OAuth client. */
  GOOGLE_OAUTH_CONNECTION: z.string().min(1).optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  /** Sales emails one rep may send per UTC day (email_send). */
  SALES_EMAIL_DAILY_CAP: z.coerce.number().int().min(0).max(10_000).default(50),
  REVOPS_TEST_GOOGLE_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  REVOPS_TEST_VENDOR_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  REVOPS_TEST_ENRICHMENT_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: envBool,
});
type Env = z.output<typeof salesIntegrationEnv>;

interface VendorCommon {
  connectionId: string;
  stages: Record<string, Stage>;
  staleMaxAgeMs: number;
  baseUrl?: string;
  allowInsecureTestBaseUrl: boolean;
}
export type SalesCrmConfig =
  | { crm: "sandbox" }
  | (VendorCommon & {
      crm: "salesforce";
      instanceUrl?: string;
      accessToken?: string;
      /** The refresh-token flow: tokens kept in the vault and renewed before expiry and after a 401. */
      oauth?: { clientId: string; clientSecret: string; refreshToken: string; tokenUrl: string };
      /** The OAuth consent's tokens, stored in the vault by `revops setup`. */
      consented?: ConsentedConnection;
    })
  | (VendorCommon & { crm: "hubspot"; accessToken: string; consented?: ConsentedConnection });

function problem(name: string, message: string): never {
  throw new ConfigError(`Invalid configuration:\n  ${name}: ${message} ${FIX}`);
}

/** "Negotiation/Review=negotiation, Demo=proposal" → a map; every target must be a suite stage. */
export function parseStageMap(raw: string | undefined): Record<string, Stage> {
  const out: Record<string, Stage> = {};
  for (const pair of (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = pair.lastIndexOf("=");
    const vendor = pair.slice(0, at).trim();
    const stage = pair.slice(at + 1).trim() as Stage;
    if (at <= 0 || !vendor || !SUITE_STAGES.includes(stage)) {
      problem(
        "SALES_STAGE_MAP",
        `"${pair}" is not "Vendor stage=suite stage" with a suite stage among ${SUITE_STAGES.join(", ")}.`,
      );
    }
    out[vendor] = stage;
  }
  return out;
}

function common(env: Env, defaults: Readonly<Record<string, Stage>>, vendor: string): VendorCommon {
  if (env.REVOPS_TEST_VENDOR_BASE_URL && !env.REVOPS_ALLOW_INSECURE_TEST_VENDOR) {
    problem(
      "REVOPS_TEST_VENDOR_BASE_URL",
      "is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach the real vendor.",
    );
  }
  return {
    connectionId: `sales-${vendor}`,
    stages: { ...defaults, ...parseStageMap(env.SALES_STAGE_MAP) },
    staleMaxAgeMs: env.SALES_STALE_MAX_AGE_MINUTES * 60_000,
    ...(env.REVOPS_TEST_VENDOR_BASE_URL ? { baseUrl: env.REVOPS_TEST_VENDOR_BASE_URL } : {}),
    allowInsecureTestBaseUrl: env.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}

/** The consent's connection, or the ConfigError naming what to fix. */
function consented_(c: ReturnType<typeof consentedSettings>): ConsentedConnection | undefined {
  if (c && "variable" in c) problem(c.variable, c.message);
  return c;
}

/** Reads SALES_CRM and the chosen vendor's credentials; a bad value throws a ConfigError naming the variable and the fix. */
export function loadSalesCrmConfig(env: Record<string, string | undefined> = process.env): SalesCrmConfig {
  const e = loadConfig(salesIntegrationEnv, { env });
  if (e.SALES_CRM === "sandbox") return { crm: "sandbox" };
  const testBaseUrl = e.REVOPS_TEST_VENDOR_BASE_URL ? { testBaseUrl: e.REVOPS_TEST_VENDOR_BASE_URL } : {};
  if (e.SALES_CRM === "hubspot") {
    const consented = consented_(consentedSettings("hubspot", e, env, testBaseUrl));
    if (consented)
      return { crm: "hubspot", accessToken: "", consented, ...common(e, HUBSPOT_STAGE_DEFAULTS, "hubspot") };
    if (!e.HUBSPOT_ACCESS_TOKEN) {
      problem(
        "HUBSPOT_ACCESS_TOKEN",
        "is required when SALES_CRM=hubspot: set a private-app token with crm.objects.deals.read, crm.objects.companies.read and crm.objects.contacts.read.",
      );
    }
    return {
      crm: "hubspot",
      accessToken: e.HUBSPOT_ACCESS_TOKEN,
      ...common(e, HUBSPOT_STAGE_DEFAULTS, "hubspot"),
    };
  }
  const consented = consented_(
    consentedSettings("salesforce", e, env, { ...testBaseUrl, loginUrl: e.SALESFORCE_LOGIN_URL }),
  );
  if (consented)
    return { crm: "salesforce", consented, ...common(e, SALESFORCE_STAGE_DEFAULTS, "salesforce") };
  const vendor = common(e, SALESFORCE_STAGE_DEFAULTS, "salesforce");
  const credentials = salesforceCredentials(e, env, problem, {
    selector: "SALES_CRM=salesforce",
    testBaseUrl: vendor.baseUrl,
  });
  return { crm: "salesforce", ...credentials, ...vendor };
}

export type SalesEnrichmentConfig =
  | { enrichment: "none" }
  | {
      enrichment: "apollo";
      apiKey: string;
      connectionId: string;
      staleMaxAgeMs: number;
      baseUrl?: string;
      allowInsecureTestBaseUrl: boolean;
    };

/** Reads SALES_ENRICHMENT and the vendor's key; a bad value throws a ConfigError naming the variable and the fix. */
export function loadSalesEnrichmentConfig(
  env: Record<string, string | undefined> = process.env,
): SalesEnrichmentConfig {
  const e = loadConfig(salesIntegrationEnv, { env });
  if (e.SALES_ENRICHMENT === "none") return { enrichment: "none" };
  if (!e.APOLLO_API_KEY?.trim()) {
    problem(
      "APOLLO_API_KEY",
      "is required when SALES_ENRICHMENT=apollo: create an API key in Apollo (Settings → Integrations → API Keys) with access to organization enrichment, or unset SALES_ENRICHMENT.",
    );
  }
  if (e.REVOPS_TEST_ENRICHMENT_BASE_URL && !e.REVOPS_ALLOW_INSECURE_TEST_VENDOR) {
    problem(
      "REVOPS_TEST_ENRICHMENT_BASE_URL",
      "is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach Apollo.",
    );
  }
  return {
    enrichment: "apollo",
    apiKey: e.APOLLO_API_KEY.trim(),
    connectionId: "sales-apollo",
    staleMaxAgeMs: e.SALES_STALE_MAX_AGE_MINUTES * 60_000,
    ...(e.REVOPS_TEST_ENRICHMENT_BASE_URL ? { baseUrl: e.REVOPS_TEST_ENRICHMENT_BASE_URL } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}

/** Credits a call may spend without a human confirming the spend (APOLLO_CREDIT_CONFIRM_ABOVE). */
export function loadCreditConfirmAbove(env: Record<string, string | undefined> = process.env): number {
  return loadConfig(salesIntegrationEnv, { env }).APOLLO_CREDIT_CONFIRM_ABOVE;
}

export type SalesCalendarConfig =
  | { calendar: "sandbox"; dailyCap: number }
  | {
      calendar: "google";
      dailyCap: number;
      /** A fixed token (expires within the hour), or empty with the consent's vault tokens. */
      accessToken: string;
      consented?: ConsentedConnection;
      connectionId: string;
      baseUrl?: string;
      allowInsecureTestBaseUrl: boolean;
    };

/** Reads SALES_CALENDAR and Google's token; a bad value throws a ConfigError naming the variable and the fix. */
export function loadSalesCalendarConfig(
  env: Record<string, string | undefined> = process.env,
): SalesCalendarConfig {
  const e = loadConfig(salesIntegrationEnv, { env });
  const dailyCap = e.SALES_EMAIL_DAILY_CAP;
  if (e.SALES_CALENDAR === "sandbox") return { calendar: "sandbox", dailyCap };
  const consented = consented_(
    consentedSettings("google", e, env, {
      ...(e.REVOPS_TEST_GOOGLE_BASE_URL ? { testBaseUrl: e.REVOPS_TEST_GOOGLE_BASE_URL } : {}),
    }),
  );
  if (!consented && !e.GOOGLE_ACCESS_TOKEN)
    problem(
      "GOOGLE_ACCESS_TOKEN",
      "is required when SALES_CALENDAR=google: run `revops connections add google` to sign in with Google (tokens renew themselves), or set an OAuth token with the calendar.events, calendar.freebusy, gmail.readonly, gmail.send and gmail.compose scopes.",
    );
  if (e.REVOPS_TEST_GOOGLE_BASE_URL && !e.REVOPS_ALLOW_INSECURE_TEST_VENDOR)
    problem(
      "REVOPS_TEST_GOOGLE_BASE_URL",
      "is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach Google.",
    );
  return {
    calendar: "google",
    dailyCap,
    accessToken: consented ? "" : (e.GOOGLE_ACCESS_TOKEN as string),
    ...(consented ? { consented } : {}),
    connectionId: "sales-google",
    ...(e.REVOPS_TEST_GOOGLE_BASE_URL ? { baseUrl: e.REVOPS_TEST_GOOGLE_BASE_URL } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}

/** Every sales integration setting of one environment checked, nothing built: what start-up runs per named connection. */
export function checkSalesSettings(env: Record<string, string | undefined>): void {
  loadSalesCrmConfig(env);
  loadSalesEnrichmentConfig(env);
  loadSalesCalendarConfig(env);
}
