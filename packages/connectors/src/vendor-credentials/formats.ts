import { z } from "zod";
import type { DoctorVendor } from "../doctor/server-ports";
import { VENDOR_VARIABLES, type VendorVariables } from "./variables";

/** Zendesk's subdomain: the first label of https://<subdomain>.zendesk.com. */
const SUBDOMAIN = /^[a-z0-9][a-z0-9-]{0,62}$/i;
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const text = z.string().trim().min(1);

const isHttpUrl = (v: string) => httpUrl.safeParse(v).success;

/** One URL for every vendor, or `zendesk=URL,mixpanel=URL` pairs for several fakes at once (tests only). */
export function testBaseUrls(value: string): Record<string, string> | undefined {
  if (isHttpUrl(value)) return { "*": value };
  const pairs = value.split(",").map((p) => p.trim().split(/=(.*)/s, 2) as [string, string?]);
  if (!pairs.every(([k, v]) => /^[a-z]+$/.test(k) && v && isHttpUrl(v))) return undefined;
  return Object.fromEntries(pairs);
}

/** "true", "1" or "yes" (as every boolean setting of the suite reads). */
const flag = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * The format of every vendor credential variable, declared once: the servers' settings schemas spread these
 * (so a bad value stops start-up) and the doctor parses the same schemas (so it reports the same values).
 */
export const credentialFormats = z.object({
  HUBSPOT_ACCESS_TOKEN: text.optional(),
  HUBSPOT_OAUTH_CONNECTION: text.optional(),
  HUBSPOT_CLIENT_ID: text.optional(),
  HUBSPOT_CLIENT_SECRET: text.optional(),
  SALESFORCE_INSTANCE_URL: httpUrl.optional(),
  SALESFORCE_ACCESS_TOKEN: text.optional(),
  SALESFORCE_REFRESH_TOKEN: text.optional(),
  SALESFORCE_CLIENT_ID: text.optional(),
  SALESFORCE_CLIENT_SECRET: text.optional(),
  /** Where refresh tokens are redeemed: login.salesforce.com, test.salesforce.com (sandboxes) or My Domain. */
  SALESFORCE_LOGIN_URL: z
    .url({ protocol: /^https$/, error: "must be an https URL (https://login.salesforce.com by default)" })
    .default("https://login.salesforce.com"),
  /** Set by `revops setup` after the OAuth consent: the vault entry of the tokens. */
  SALESFORCE_OAUTH_CONNECTION: text.optional(),
  GOOGLE_ACCESS_TOKEN: text.optional(),
  GOOGLE_OAUTH_CONNECTION: text.optional(),
  GOOGLE_CLIENT_ID: text.optional(),
  GOOGLE_CLIENT_SECRET: text.optional(),
  GA4_PROPERTY_ID: z
    .string()
    .regex(/^\d+$/, "must be the numeric GA4 property id (Admin → Property details), not a G- measurement id")
    .optional(),
  ZENDESK_SUBDOMAIN: z
    .string()
    .trim()
    .regex(SUBDOMAIN, "is not a subdomain: give only the first label (acme for https://acme.zendesk.com)")
    .optional(),
  ZENDESK_EMAIL: z.email("must be the email address of the agent whose API token is used").optional(),
  ZENDESK_API_TOKEN: text.optional(),
  ZENDESK_OAUTH_CONNECTION: text.optional(),
  ZENDESK_CLIENT_ID: text.optional(),
  ZENDESK_CLIENT_SECRET: text.optional(),
  INTERCOM_ACCESS_TOKEN: text.optional(),
  INTERCOM_OAUTH_CONNECTION: text.optional(),
  INTERCOM_CLIENT_ID: text.optional(),
  INTERCOM_CLIENT_SECRET: text.optional(),
  INTERCOM_REGION: z.enum(["us", "eu", "au"], "is not a region: use us, eu or au").default("us"),
  MIXPANEL_PROJECT_ID: z
    .string()
    .regex(/^\d+$/, "must be the numeric project id (Project Settings → Overview)")
    .optional(),
  MIXPANEL_SERVICE_ACCOUNT_USERNAME: text.optional(),
  MIXPANEL_SERVICE_ACCOUNT_SECRET: text.optional(),
  MIXPANEL_REGION: z.enum(["us", "eu", "in"], "is not a region: use us, eu or in").default("us"),
  APOLLO_API_KEY: text.optional(),
  SENDGRID_API_KEY: text.optional(),
  SENDGRID_FROM_EMAIL: z
    .email("must be a verified sender address (Settings → Sender Authentication)")
    .optional(),
  REVOPS_TEST_VENDOR_BASE_URL: z
    .string()
    .refine(
      (v) => testBaseUrls(v) !== undefined,
      "must be an http(s) URL or vendor=URL pairs separated by commas (tests only)",
    )
    .optional(),
  REVOPS_TEST_GOOGLE_BASE_URL: httpUrl.optional(),
  REVOPS_TEST_ENRICHMENT_BASE_URL: httpUrl.optional(),
  REVOPS_TEST_VENDOR_CA: z
    .string()
    .includes("BEGIN CERTIFICATE", "must be a PEM certificate (tests only)")
    .optional(),
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: flag,
});

export type CredentialVariable = keyof typeof credentialFormats.shape;
/** The parsed credential settings; a server's schema holds some of them. */
export type CredentialEnv = Partial<z.output<typeof credentialFormats>>;

/** The formats of some variables, to spread into a server's settings schema. */
export function credentialFormatsOf<K extends CredentialVariable>(
  ...names: K[]
): Pick<typeof credentialFormats.shape, K> {
  const shape = credentialFormats.shape;
  return Object.fromEntries(names.map((n) => [n, shape[n]])) as Pick<typeof shape, K>;
}

/** The formats of every variable that signs in to these vendors (VENDOR_VARIABLES), to spread into a settings schema. */
export function vendorFormats<V extends DoctorVendor>(
  ...vendors: V[]
): Pick<typeof credentialFormats.shape, VendorVariables[V][number]> {
  return credentialFormatsOf(
    ...vendors.flatMap((v) => VENDOR_VARIABLES[v] as readonly VendorVariables[V][number][]),
  );
}
