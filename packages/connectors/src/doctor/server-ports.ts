/**
 * Each server's integrations, declared once: the selectors that point its ports at a vendor (and the connection id
 * each vendor gets) and, per port, every setting it reads. The servers type their port declarations from these
 * (a named connection `X__EU` belongs to the ports that read X); the doctor, `revops setup`, `revops connections`
 * and the ops tools iterate the same lists. Data only, so a server loads it without any vendor SDK.
 */

import { VENDOR_VARIABLES } from "../vendor-credentials/variables";

/** Vendors a server can be pointed at through the environment. */
export type DoctorVendor =
  | "hubspot"
  | "salesforce"
  | "zendesk"
  | "intercom"
  | "mixpanel"
  | "apollo"
  | "sendgrid"
  | "google";

export type ServerName = "sales" | "marketing" | "customer-success";

/** A variable that points one server's port at a vendor (or leaves it on the sandbox). */
export interface Selector {
  variable: string;
  server: ServerName;
  /** What the port is, for people: "CRM", "help desk", … */
  label: string;
  /** vendor value → connection id */
  vendors: Partial<Record<DoctorVendor, string>>;
  /** The value that means "no vendor". */
  off: string;
}

/** One server's integrations: its selectors, and per port the settings it reads (selectors included). */
export interface ServerIntegrations {
  selectors: readonly Omit<Selector, "server">[];
  ports: Readonly<Record<string, readonly string[]>>;
}

/** A selector of a server's port; "sandbox" means no vendor unless told otherwise. */
const selector = (
  variable: string,
  label: string,
  vendors: Selector["vendors"],
  off = "sandbox",
): Omit<Selector, "server"> => ({ variable, label, vendors, off });

const TEST_VENDOR = ["REVOPS_TEST_VENDOR_BASE_URL", "REVOPS_ALLOW_INSECURE_TEST_VENDOR"] as const;
const HUBSPOT = VENDOR_VARIABLES.hubspot;
const SALESFORCE = VENDOR_VARIABLES.salesforce;
const GOOGLE = [
  ...VENDOR_VARIABLES.google,
  "REVOPS_TEST_GOOGLE_BASE_URL",
  "REVOPS_ALLOW_INSECURE_TEST_VENDOR",
] as const;
const INTERCOM = ["CS_CONVERSATIONS", ...VENDOR_VARIABLES.intercom] as const;
const CS_TEST_VENDOR = [...TEST_VENDOR, "REVOPS_TEST_VENDOR_CA"] as const;

const SALES_CRM = [
  "SALES_CRM",
  ...SALESFORCE,
  ...HUBSPOT,
  "SALES_STAGE_MAP",
  "SALES_STALE_MAX_AGE_MINUTES",
  ...TEST_VENDOR,
] as const;
const SALES_ENRICHMENT = [
  "SALES_ENRICHMENT",
  ...VENDOR_VARIABLES.apollo,
  "APOLLO_CREDIT_CONFIRM_ABOVE",
  "REVOPS_TEST_ENRICHMENT_BASE_URL",
  "REVOPS_ALLOW_INSECURE_TEST_VENDOR",
] as const;
const SALES_GOOGLE = ["SALES_CALENDAR", ...GOOGLE, "SALES_EMAIL_DAILY_CAP"] as const;

export const SALES_INTEGRATIONS = {
  selectors: [
    selector("SALES_CRM", "CRM", { hubspot: "sales-hubspot", salesforce: "sales-salesforce" }),
    selector("SALES_ENRICHMENT", "company enrichment", { apollo: "sales-apollo" }, "none"),
    selector("SALES_CALENDAR", "calendar and email", { google: "sales-google" }),
  ],
  ports: {
    crm: SALES_CRM,
    // enriched fields are written onto the CRM's accounts
    accountWrite: SALES_CRM,
    enrichment: SALES_ENRICHMENT,
    // Apollo's directory, or the sandbox's beside the sandbox CRM
    prospecting: [...SALES_ENRICHMENT, "SALES_CRM"],
    calendar: SALES_GOOGLE,
    mail: SALES_GOOGLE,
  },
} as const satisfies ServerIntegrations;

const MARKETING_HUBSPOT = [
  "MARKETING_SOURCE",
  ...HUBSPOT,
  "MARKETING_STALE_MAX_AGE_MINUTES",
  ...TEST_VENDOR,
] as const;

export const MARKETING_INTEGRATIONS = {
  selectors: [
    selector("MARKETING_SOURCE", "marketing data", { hubspot: "marketing-hubspot" }),
    selector("MARKETING_WEB", "web analytics", { google: "marketing-google" }),
  ],
  ports: {
    marketing: MARKETING_HUBSPOT,
    forms: MARKETING_HUBSPOT,
    // lead history comes from the marketing source
    leadScoring: MARKETING_HUBSPOT,
    email: [
      ...VENDOR_VARIABLES.sendgrid,
      "SENDGRID_SENDER_ID",
      "SENDGRID_UNSUBSCRIBE_GROUP_ID",
      ...TEST_VENDOR,
    ],
    web: ["MARKETING_WEB", "MARKETING_SOURCE", "GA4_PROPERTY_ID", ...GOOGLE],
  },
} as const satisfies ServerIntegrations;

export const CS_INTEGRATIONS = {
  selectors: [
    selector("CS_SUPPORT", "help desk", { zendesk: "cs-zendesk" }),
    selector("CS_USAGE", "product usage", { mixpanel: "cs-mixpanel" }),
    selector("CS_CONVERSATIONS", "conversations", { intercom: "cs-intercom" }),
    selector("CS_CRM", "CRM renewals (churn model)", { hubspot: "cs-hubspot", salesforce: "cs-salesforce" }),
    selector("CS_EMAIL", "customer email", { sendgrid: "cs-sendgrid" }),
  ],
  ports: {
    // tickets (Zendesk), usage (Mixpanel), conversations (Intercom) and renewals (the CRM, ADR 0048) answer as one port
    support: [
      "CS_SUPPORT",
      ...VENDOR_VARIABLES.zendesk,
      "CS_USAGE",
      ...VENDOR_VARIABLES.mixpanel,
      "MIXPANEL_ACCOUNT_PROPERTY",
      "MIXPANEL_USAGE_EVENTS",
      "MIXPANEL_DATA_GROUP_ID",
      "MIXPANEL_GROUP_DOMAIN_PROPERTY",
      "MIXPANEL_GROUP_CRM_PROPERTY",
      "MIXPANEL_GROUP_FACT_PROPERTIES",
      ...INTERCOM,
      "CS_CRM",
      ...SALESFORCE,
      ...HUBSPOT,
      "CS_STALE_MAX_AGE_MINUTES",
      ...CS_TEST_VENDOR,
    ],
    messages: [
      "CS_EMAIL",
      "CS_MESSAGE_CHANNEL",
      ...VENDOR_VARIABLES.sendgrid,
      "INTERCOM_ADMIN_ID",
      ...INTERCOM,
      ...CS_TEST_VENDOR,
    ],
  },
} as const satisfies ServerIntegrations;

export const SERVER_INTEGRATIONS: Readonly<Record<ServerName, ServerIntegrations>> = {
  sales: SALES_INTEGRATIONS,
  marketing: MARKETING_INTEGRATIONS,
  "customer-success": CS_INTEGRATIONS,
};

const SERVERS = Object.keys(SERVER_INTEGRATIONS) as ServerName[];

/** Every selector of every server, in declaration order. */
export const SELECTORS: readonly Selector[] = SERVERS.flatMap((server) =>
  SERVER_INTEGRATIONS[server].selectors.map((s) => ({ ...s, server })),
);

/** The settings a server's ports read (one server's, or every server's): what names a named connection. */
export function portSettings(server?: ServerName): string[] {
  const of = (s: ServerName) => Object.values(SERVER_INTEGRATIONS[s].ports).flat();
  return [...new Set(server ? of(server) : SERVERS.flatMap(of))];
}

/** The selector variables that can point a server at this vendor (for "set SALES_CRM=hubspot"). */
export function selectorsFor(vendor: DoctorVendor): string[] {
  return SELECTORS.filter((s) => s.vendors[vendor]).map((s) => `${s.variable}=${vendor}`);
}
