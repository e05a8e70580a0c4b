/** A Google API refusal for quota rather than permission (GG2, GG4: sent as 403 or 429). */
export interface GoogleQuotaRefusal {
  reason: string;
  /** True for per-day quotas, which no backoff within a call can outlast. */
  daily: boolean;
}

const RATE_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded"]);
const DAILY_REASONS = new Set(["dailyLimitExceeded", "quotaExceeded"]);

interface GoogleErrorBody {
  error?: { status?: unknown; message?: unknown; errors?: { reason?: unknown }[] };
}

/** Reads `error.errors[].reason` and `error.status` of a Google error body (JSON text or already parsed). */
export function googleQuotaRefusal(body: unknown): GoogleQuotaRefusal | undefined {
  let parsed: unknown = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const error = (parsed as GoogleErrorBody | null)?.error;
  if (!error || typeof error !== "object") return undefined;
  const reasons = (Array.isArray(error.errors) ? error.errors : []).map((e) => String(e?.reason ?? ""));
  const daily = reasons.find((r) => DAILY_REASONS.has(r));
  if (daily) return { reason: daily, daily: true };
  const rate = reasons.find((r) => RATE_REASONS.has(r));
  if (rate) return { reason: rate, daily: false };
  if (error.status !== "RESOURCE_EXHAUSTED") return undefined;
  // GA4's Data API says which token quota ran out only in the message ("Exhausted property tokens per day quota")
  return { reason: "RESOURCE_EXHAUSTED", daily: /per day/i.test(String(error.message ?? "")) };
}
