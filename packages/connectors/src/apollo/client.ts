import { createVendorLimiter, type QuotaTracker, VendorError, type VendorLimiter } from "@revops/resilience";
import { attemptContext } from "../attempt-context";
import { type ConnectionConfig, type ResilienceSetup, resolveBaseUrl } from "../connection";
import { createGuardedAgent } from "../guarded-agent";
import { type OnceResponse, requestOnce } from "../request-once";
import { createRuntime, type Runtime } from "../runtime";
import { VENDOR_HOSTS } from "../url-safety";
import { apolloHttpError } from "./errors";
import { createApolloQuotaTracker } from "./quota";

export interface ApolloCredentials {
  /** An Apollo API key (Settings → Integrations → API Keys); sent as `x-api-key`. */
  apiKey: string;
}

export type ApolloConnection = Omit<ConnectionConfig<ApolloCredentials>, "vendor"> & { vendor: "apollo" };

export const APOLLO_API_URL = "https://api.apollo.io";

/** Apollo limits its enrichment endpoints apart from all others (docs.apollo.io "Rate Limits"). */
const ENRICHMENT_PATHS = new Set(["/api/v1/organizations/enrich", "/api/v1/people/match"]);

export interface ApolloRequest {
  method: "GET" | "POST";
  /** Path under the base URL, e.g. /api/v1/organizations/enrich. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** What the request was about, for a 422's message ("domain acme.com"). */
  input: string;
}

export interface ApolloSdk {
  runtime: Runtime;
  baseUrl: URL;
  limiter: VendorLimiter;
  quota: QuotaTracker;
  /** One HTTP exchange with the attempt's signal; non-2xx thrown as typed errors, redirects refused. */
  request(req: ApolloRequest): Promise<OnceResponse>;
}

/**
 * Apollo has no official Node SDK: plain HTTP through our one-exchange helper and a guarded agent, the
 * daily allocation read from every answer's headers, and a 50/min limiter unless the app shares one.
 */
export async function createApolloSdk(
  connection: ApolloConnection,
  setup: ResilienceSetup = {},
): Promise<ApolloSdk> {
  if (!connection.credentials.apiKey?.trim()) {
    throw new Error(`Apollo connection ${connection.id} has no API key: set APOLLO_API_KEY.`);
  }
  const baseUrl = await resolveBaseUrl(connection, APOLLO_API_URL, VENDOR_HOSTS.apollo, setup.resolve);
  const agent = createGuardedAgent({
    protocol: baseUrl.protocol === "https:" ? "https:" : "http:",
    allowPrivate: connection.allowInsecureTestBaseUrl === true,
    vendor: "Apollo",
  });
  const quota = setup.quota ?? createApolloQuotaTracker(connection.id);
  const limiter =
    setup.limiter ??
    setup.limiterFor?.("apollo", connection.id) ??
    createVendorLimiter("apollo", { connection: connection.id });
  const runtime = createRuntime("apollo", connection.id, { ...setup, quota, limiter });
  const prefix = baseUrl.pathname.replace(/\/$/, "");

  async function request(req: ApolloRequest): Promise<OnceResponse> {
    const ctx = attemptContext.getStore();
    if (!ctx)
      throw new Error("Apollo request made outside the resilience policy; use the connector's operations.");
    const url = new URL(`${prefix}${req.path}`, baseUrl.origin);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const res = await requestOnce({
      url,
      method: req.method,
      headers: {
        accept: "application/json",
        "cache-control": "no-cache",
        "x-api-key": connection.credentials.apiKey,
        ...(req.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      agent,
      signal: ctx.signal,
    });
    // every answer carries its own endpoints' allocation: the daily guard follows the enrichment windows only
    if (ENRICHMENT_PATHS.has(req.path)) quota.observe(res.headers);
    if (res.status >= 300 && res.status < 400) {
      throw new VendorError({
        vendor: "apollo",
        kind: "invalid",
        retryable: false,
        status: res.status,
        message: `Apollo answered with a redirect to ${res.headers.location ?? "(none)"}, which is never followed.`,
      });
    }
    if (res.status >= 400) throw apolloHttpError(res, connection.id, req.input);
    return res;
  }

  return { runtime, baseUrl, limiter, quota, request };
}
