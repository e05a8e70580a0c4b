/** Vendors the suite calls; any other string works too, with GENERIC_DEFAULTS. */
export type KnownVendor =
  | "hubspot"
  | "salesforce"
  | "zendesk"
  | "sendgrid"
  | "intercom"
  | "mixpanel"
  | "apollo"
  | "gmail";

/** `points` quota units per `durationMs` window (whole seconds: the Redis limiter counts in seconds). */
export interface RateRule {
  points: number;
  durationMs: number;
}

export interface VendorDefaults {
  /** Default bucket for every operation. */
  rate: RateRule;
  /** Extra buckets with their own quota; operations map to them by name prefix (e.g. "export."). */
  buckets?: Record<string, RateRule>;
  /** Quota units an operation consumes (Gmail counts units, not requests); default 1. */
  units?: Record<string, number>;
  /** Concurrent calls per connection (bulkhead). */
  concurrency: number;
  /** Daily allocation when the vendor has one (Salesforce); refused near the end, see QuotaTracker. */
  dailyAllocation?: number;
  attemptTimeoutMs: number;
  deadlineMs: number;
  /** Where the numbers come from (plans differ: override per connection). */
  source: string;
}

const MINUTE = 60_000;

/** Conservative defaults for the lowest common plan; see docs/decisions/0005-resilience.md. */
export const VENDOR_DEFAULTS: Record<KnownVendor, VendorDefaults> = {
  hubspot: {
    rate: { points: 100, durationMs: 10_000 },
    // CRM search: 5 requests per second per account, whatever the object (429 policyName SECONDLY)
    buckets: { "*.search": { points: 5, durationMs: 1000 } },
    concurrency: 10,
    attemptTimeoutMs: 10_000,
    deadlineMs: 30_000,
    source:
      "https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details (100/10 s Free-Starter, 190/10 s Pro-Enterprise)",
  },
  salesforce: {
    rate: { points: 1000, durationMs: MINUTE },
    concurrency: 10,
    dailyAllocation: 15_000,
    attemptTimeoutMs: 20_000,
    deadlineMs: 45_000,
    source:
      "https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm (daily allocation by edition and licences; Sforce-Limit-Info header)",
  },
  zendesk: {
    rate: { points: 200, durationMs: MINUTE },
    // Update Ticket has its own 100/min per account on top of the plan's limit
    buckets: { "tickets.update": { points: 100, durationMs: MINUTE } },
    concurrency: 8,
    attemptTimeoutMs: 10_000,
    deadlineMs: 30_000,
    source:
      "https://developer.zendesk.com/api-reference/introduction/rate-limits/ (Team 200/min … Enterprise 700/min; Update Ticket 100/min)",
  },
  sendgrid: {
    rate: { points: 600, durationMs: MINUTE },
    concurrency: 10,
    attemptTimeoutMs: 10_000,
    deadlineMs: 30_000,
    source:
      "https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/rate-limits (mail send 600/min; X-RateLimit-Reset)",
  },
  intercom: {
    rate: { points: 1000, durationMs: MINUTE },
    concurrency: 10,
    attemptTimeoutMs: 10_000,
    deadlineMs: 30_000,
    source:
      "https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting (10,000/min per app; we keep 1,000)",
  },
  mixpanel: {
    rate: { points: 60, durationMs: 60 * MINUTE },
    buckets: {
      export: { points: 60, durationMs: 60 * MINUTE },
      // the Query API's own budget, kept when a connection's default bucket is set to /import's rate
      query: { points: 60, durationMs: 60 * MINUTE },
    },
    concurrency: 3,
    attemptTimeoutMs: 60_000,
    deadlineMs: 120_000,
    source:
      "https://developer.mixpanel.com/reference/rate-limits (export 60/hour + 3 concurrent; query 60/hour)",
  },
  apollo: {
    rate: { points: 50, durationMs: MINUTE },
    concurrency: 5,
    attemptTimeoutMs: 15_000,
    deadlineMs: 30_000,
    source:
      "https://docs.apollo.io/reference/rate-limits (per plan, fixed windows per minute, hour and day; x-rate-limit-* and x-*-requests-left headers)",
  },
  gmail: {
    rate: { points: 250, durationMs: 1000 },
    units: {
      "messages.send": 100,
      "messages.get": 5,
      "messages.list": 5,
      "threads.get": 10,
      "threads.list": 10,
      "drafts.create": 10,
      "drafts.list": 5,
      "drafts.get": 5,
      "drafts.send": 100,
      "history.list": 2,
      "labels.list": 1,
    },
    concurrency: 10,
    attemptTimeoutMs: 15_000,
    deadlineMs: 30_000,
    source:
      "https://developers.google.com/gmail/api/reference/quota (250 quota units/user/second; units per method)",
  },
};

export const GENERIC_DEFAULTS: VendorDefaults = {
  rate: { points: 60, durationMs: MINUTE },
  concurrency: 5,
  attemptTimeoutMs: 10_000,
  deadlineMs: 30_000,
  source: "generic fallback",
};

/** Vendor names used elsewhere for the same quotas (the Google connector serves Gmail and Calendar). */
const ALIASES: Record<string, KnownVendor> = { google: "gmail" };

export function vendorDefaults(vendor: string): VendorDefaults {
  const known = ALIASES[vendor] ?? vendor;
  return (VENDOR_DEFAULTS as Record<string, VendorDefaults>)[known] ?? GENERIC_DEFAULTS;
}

/** Quota units one call of `operation` consumes. */
export function unitsFor(vendor: string, operation: string): number {
  return vendorDefaults(vendor).units?.[operation] ?? 1;
}

/** The bucket an operation draws from: the longest bucket name that prefixes it, else "default". */
export function bucketFor(vendor: string, operation: string): string {
  const names = Object.keys(vendorDefaults(vendor).buckets ?? {}).sort((a, b) => b.length - a.length);
  // "*.search" names every operation ending in ".search" (HubSpot limits search per second across objects)
  const matches = (name: string) =>
    name.startsWith("*.")
      ? operation.endsWith(name.slice(1))
      : operation === name || operation.startsWith(`${name}.`);
  return names.find(matches) ?? "default";
}
