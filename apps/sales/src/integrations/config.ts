import { type ConsentedConnection, crmCredentialEnv } from "@revops/connectors/oauth-consent";
import {
  checkVendor,
  credentialFormatsOf,
  valueOrThrow,
  vendorFormats,
} from "@revops/connectors/vendor-credentials";
import { ConfigError, loadConfig } from "@revops/kit";
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
  ...vendorFormats("apollo"),
  /** Apollo credits one account_enrich call may spend unconfirmed (≥ 1: a prospects_find page spends at most 1). */
  APOLLO_CREDIT_CONFIRM_ABOVE: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Meetings and sales email: the sandbox's own calendar and mailbox, or Google Calendar and Gmail. */
  SALES_CALENDAR: z.enum(["sandbox", "google"]).default("sandbox"),
  /** Google's token, or the vault entry `revops setup` stored after Google's consent, and the OAuth client. */
  ...vendorFormats("google"),
  /** Sales emails one rep may send per UTC day (email_send). */
  SALES_EMAIL_DAILY_CAP: z.coerce.number().int().min(0).max(10_000).default(50),
  ...credentialFormatsOf(
    "REVOPS_TEST_GOOGLE_BASE_URL",
    "REVOPS_TEST_VENDOR_BASE_URL",
    "REVOPS_TEST_ENRICHMENT_BASE_URL",
    "REVOPS_ALLOW_INSECURE_TEST_VENDOR",
  ),
});

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

/** What a HubSpot private-app token needs for the sales tools. */
const HUBSPOT_SALES_SCOPES =
  "crm.objects.deals.read, crm.objects.companies.read and crm.objects.contacts.read";

/** Reads SALES_CRM and the chosen vendor's credentials; a bad value throws a ConfigError naming the variable and the fix. */
export function loadSalesCrmConfig(env: Record<string, string | undefined> = process.env): SalesCrmConfig {
  const e = loadConfig(salesIntegrationEnv, { env });
  if (e.SALES_CRM === "sandbox") return { crm: "sandbox" };
  const vendor = e.SALES_CRM;
  // the vendor's own rules (@revops/connectors/vendor-credentials), the ones `revops doctor` runs
  const {
    baseUrl,
    testCa: _,
    ...credentials
  } = valueOrThrow(
    checkVendor(vendor, e, {
      selector: `SALES_CRM=${vendor}`,
      raw: env,
      ...(vendor === "hubspot" ? { needs: HUBSPOT_SALES_SCOPES } : {}),
    }),
    problem,
  );
  const common: VendorCommon = {
    connectionId: `sales-${vendor}`,
    stages: {
      ...(vendor === "hubspot" ? HUBSPOT_STAGE_DEFAULTS : SALESFORCE_STAGE_DEFAULTS),
      ...parseStageMap(e.SALES_STAGE_MAP),
    },
    staleMaxAgeMs: e.SALES_STALE_MAX_AGE_MINUTES * 60_000,
    ...(baseUrl ? { baseUrl } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
  if (vendor === "hubspot") return { crm: "hubspot", ...(credentials as { accessToken: string }), ...common };
  return { crm: "salesforce", ...credentials, ...common };
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
  const { apiKey, baseUrl } = valueOrThrow(
    checkVendor("apollo", e, { selector: "SALES_ENRICHMENT=apollo", raw: env }),
    problem,
  );
  return {
    enrichment: "apollo",
    apiKey,
    connectionId: "sales-apollo",
    staleMaxAgeMs: e.SALES_STALE_MAX_AGE_MINUTES * 60_000,
    ...(baseUrl ? { baseUrl } : {}),
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
  const { accessToken, consented, baseUrl } = valueOrThrow(
    checkVendor("google", e, {
      selector: "SALES_CALENDAR=google",
      raw: env,
      needs: "the calendar.events, calendar.freebusy, gmail.readonly, gmail.send and gmail.compose scopes",
    }),
    problem,
  );
  return {
    calendar: "google",
    dailyCap,
    accessToken,
    ...(consented ? { consented } : {}),
    connectionId: "sales-google",
    ...(baseUrl ? { baseUrl } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}

/** Every sales integration setting of one environment checked, nothing built: what start-up runs per named connection. */
export function checkSalesSettings(env: Record<string, string | undefined>): void {
  loadSalesCrmConfig(env);
  loadSalesEnrichmentConfig(env);
  loadSalesCalendarConfig(env);
}
