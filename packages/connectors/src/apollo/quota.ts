import { type QuotaSnapshot, type QuotaTracker, readHeader, VendorError } from "@revops/resilience";

/** A day's figure older than this says nothing about the current 24-hour window. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface ApolloQuotaOptions {
  /** Share of the daily requests after which calls carry a warning. Default 0.8. */
  warnAt?: number;
  /** Share after which calls are refused, keeping headroom for the team's own Apollo use. Default 0.95. */
  refuseAt?: number;
  now?: () => number;
}

const count = (headers: unknown, name: string) => {
  const raw = readHeader(headers, name);
  return raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
};

/** Apollo's daily allocation from `x-rate-limit-daily` and `x-daily-requests-left` on every answer. */
export function createApolloQuotaTracker(connectionId: string, opts: ApolloQuotaOptions = {}): QuotaTracker {
  const now = opts.now ?? Date.now;
  const warnAt = opts.warnAt ?? 0.8;
  const refuseAt = opts.refuseAt ?? 0.95;
  let seen: { limit: number; used: number; at: number } | undefined;

  function snapshot(): QuotaSnapshot {
    const fresh = seen && now() - seen.at < STALE_AFTER_MS ? seen : undefined;
    return {
      used: fresh?.used,
      limit: fresh?.limit,
      remaining: fresh ? Math.max(0, fresh.limit - fresh.used) : undefined,
      observedAt: fresh?.at,
    };
  }

  return {
    vendor: "apollo",
    observe(headers) {
      const limit = count(headers, "x-rate-limit-daily");
      const remaining = count(headers, "x-daily-requests-left");
      if (limit === undefined || remaining === undefined || limit <= 0) return;
      seen = { limit, used: Math.max(0, limit - remaining), at: now() };
    },
    snapshot,
    check() {
      const { used, limit } = snapshot();
      if (used === undefined || limit === undefined) return {};
      const share = used / limit;
      const figures = `${used.toLocaleString("en-US")} of ${limit.toLocaleString("en-US")} requests`;
      if (share >= refuseAt) {
        return {
          refusal: new VendorError({
            vendor: "apollo",
            kind: "quota_exhausted",
            retryable: false,
            message: `Apollo's daily API allocation of connection ${connectionId} is nearly used up (${figures}); calls are paused to keep headroom. Try again after the 24-hour window resets or raise the plan.`,
          }),
        };
      }
      if (share >= warnAt) {
        return { warning: `Apollo daily API allocation is ${Math.round(share * 100)}% used (${figures}).` };
      }
      return {};
    },
  };
}
