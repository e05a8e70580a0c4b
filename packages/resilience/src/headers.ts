/** Headers as fetch, undici, axios, gaxios or node:http expose them. */
export type HeaderSource =
  | { get(name: string): string | null | undefined }
  | Record<string, string | string[] | number | undefined>;

/** Reads one header from any header shape, case-insensitively. */
export function readHeader(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== "object") return undefined;
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === "function") {
    const value = (getter as (n: string) => unknown).call(headers, name);
    return value === null || value === undefined ? undefined : String(value);
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
    return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

/** `Retry-After` as delta-seconds or HTTP date → milliseconds from now (undefined when absent/unparseable). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * How long the vendor asked us to wait, from the standard header or the vendor's own reset headers.
 * HubSpot: an exhausted window (`-Remaining: 0`) resets within `-Interval-Milliseconds`.
 * SendGrid: `X-RateLimit-Reset` is the Unix time (seconds) when the window resets.
 */
export function retryAfterFromHeaders(headers: unknown, now = Date.now()): number | undefined {
  const standard = parseRetryAfter(readHeader(headers, "retry-after"), now);
  if (standard !== undefined) return standard;
  const hubspotRemaining = readHeader(headers, "x-hubspot-ratelimit-remaining");
  const hubspotInterval = readHeader(headers, "x-hubspot-ratelimit-interval-milliseconds");
  if (hubspotRemaining !== undefined && Number(hubspotRemaining) <= 0 && hubspotInterval !== undefined) {
    const interval = Number(hubspotInterval);
    if (Number.isFinite(interval) && interval >= 0) return interval;
  }
  const reset = readHeader(headers, "x-ratelimit-reset");
  if (reset !== undefined && /^\d+$/.test(reset.trim())) {
    const value = Number(reset);
    // epoch seconds (SendGrid) vs. seconds-until-reset (some vendors): epochs are huge
    return value > 1_000_000_000 ? Math.max(0, value * 1000 - now) : value * 1000;
  }
  return undefined;
}
