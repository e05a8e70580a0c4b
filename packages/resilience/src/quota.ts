import { VendorError } from "./errors";
import { readHeader } from "./headers";
import { displayName } from "./vendor-names";
import { vendorDefaults } from "./vendors";

export interface QuotaTrackerOptions {
  /** Share of the daily allocation after which calls carry a warning. Default 0.8. */
  warnAt?: number;
  /** Share after which calls are refused with quota_exhausted, keeping headroom for people. Default 0.95. */
  refuseAt?: number;
  /** Known allocation before any header was seen (Salesforce default from the vendor table). */
  dailyAllocation?: number;
  now?: () => number;
}

export interface QuotaSnapshot {
  used: number | undefined;
  limit: number | undefined;
  remaining: number | undefined;
  /** Epoch ms of the header it came from. */
  observedAt: number | undefined;
}

export interface QuotaCheck {
  warning?: string;
  refusal?: VendorError;
}

export interface QuotaTracker {
  readonly vendor: string;
  /** Reads allocation headers from a response or error (any header shape). */
  observe(headers: unknown): void;
  snapshot(): QuotaSnapshot;
  check(): QuotaCheck;
}

/** A usage figure older than this no longer says anything about today's allocation. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** Parses `Sforce-Limit-Info: api-usage=123/15000`. */
export function parseSforceLimitInfo(value: string | undefined): { used: number; limit: number } | undefined {
  // the header may also carry per-app-api-usage=…; only the org-wide figure counts here
  const match = value?.match(/(?:^|[\s;,])api-usage=(\d+)\/(\d+)/);
  if (!match) return undefined;
  return { used: Number(match[1]), limit: Number(match[2]) };
}

/** Tracks a vendor's daily allocation from response headers (Salesforce, HubSpot daily). */
export function createQuotaTracker(vendor: string, opts: QuotaTrackerOptions = {}): QuotaTracker {
  const now = opts.now ?? Date.now;
  const warnAt = opts.warnAt ?? 0.8;
  const refuseAt = opts.refuseAt ?? 0.95;
  let used: number | undefined;
  let limit = opts.dailyAllocation ?? vendorDefaults(vendor).dailyAllocation;
  let observedAt: number | undefined;
  const name = displayName(vendor);

  function observe(headers: unknown): void {
    const sforce = parseSforceLimitInfo(readHeader(headers, "sforce-limit-info"));
    if (sforce) {
      ({ used, limit } = sforce);
      observedAt = now();
      return;
    }
    const dailyLimit = Number(readHeader(headers, "x-hubspot-ratelimit-daily"));
    const dailyRemaining = Number(readHeader(headers, "x-hubspot-ratelimit-daily-remaining"));
    if (Number.isFinite(dailyLimit) && Number.isFinite(dailyRemaining) && dailyLimit > 0) {
      limit = dailyLimit;
      used = dailyLimit - dailyRemaining;
      observedAt = now();
    }
  }

  function snapshot(): QuotaSnapshot {
    const fresh = observedAt !== undefined && now() - observedAt < STALE_AFTER_MS;
    const u = fresh ? used : undefined;
    return {
      used: u,
      limit,
      remaining: u !== undefined && limit !== undefined ? Math.max(0, limit - u) : undefined,
      observedAt: fresh ? observedAt : undefined,
    };
  }

  function check(): QuotaCheck {
    const s = snapshot();
    if (s.used === undefined || s.limit === undefined || s.limit <= 0) return {};
    const share = s.used / s.limit;
    const figures = `${s.used.toLocaleString("en-US")} of ${s.limit.toLocaleString("en-US")}`;
    if (share >= refuseAt) {
      return {
        refusal: new VendorError({
          vendor,
          kind: "quota_exhausted",
          retryable: false,
          message: `${name} daily API allocation is nearly used up (${figures}); calls are paused to keep headroom. Try again after the daily reset or ask an admin to raise the allocation.`,
        }),
      };
    }
    if (share >= warnAt) {
      return { warning: `${name} daily API allocation is ${Math.round(share * 100)}% used (${figures}).` };
    }
    return {};
  }

  return { vendor, observe, snapshot, check };
}
