import type { Agent } from "node:http";
import { createVendorLimiter, type VendorLimiter } from "@revops/resilience";
import Mixpanel from "mixpanel";
import { attemptContext } from "../attempt-context";
import type { ConnectionConfig, ResilienceSetup } from "../connection";
import { createGuardedAgent } from "../guarded-agent";
import { type OnceResponse, requestOnce, throwIfHttpError } from "../request-once";
import { createRuntime, type Runtime } from "../runtime";
import { checkOutboundUrl, checkTestBaseUrl, UnsafeUrlError } from "../url-safety";

export interface MixpanelCredentials {
  /** Service account (Organization Settings → Service Accounts) with access to the project. */
  username: string;
  secret: string;
  projectId: string;
  /** The project token the client stamps on imported events; export-only connections need none. */
  projectToken?: string;
}

export type MixpanelRegion = "us" | "eu" | "in";

export type MixpanelConnection = Omit<ConnectionConfig<MixpanelCredentials>, "vendor"> & {
  vendor: "mixpanel";
  /**
   * Data residency: api(-eu|-in).mixpanel.com for ingestion, data(-eu|-in).mixpanel.com for export,
   * (eu.|in.)mixpanel.com for the Query API.
   */
  region?: MixpanelRegion;
  /** Test-only (with allowInsecureTestBaseUrl): the PEM of the fake's self-signed certificate to trust. */
  testCa?: string;
};

const SUFFIX: Record<MixpanelRegion, string> = { us: "", eu: "-eu", in: "-in" };
export const mixpanelIngestionUrl = (region: MixpanelRegion = "us") =>
  `https://api${SUFFIX[region]}.mixpanel.com`;
export const mixpanelExportUrl = (region: MixpanelRegion = "us") =>
  `https://data${SUFFIX[region]}.mixpanel.com`;
export const mixpanelQueryUrl = (region: MixpanelRegion = "us") =>
  `https://${region === "us" ? "" : `${region}.`}mixpanel.com`;
export const MIXPANEL_HOSTS = [
  "mixpanel.com",
  "eu.mixpanel.com",
  "in.mixpanel.com",
  "api.mixpanel.com",
  "api-eu.mixpanel.com",
  "api-in.mixpanel.com",
  "data.mixpanel.com",
  "data-eu.mixpanel.com",
  "data-in.mixpanel.com",
] as const;
/** Ingestion is not the 60/hour query budget: keep it to 100 requests (50 events each) per second. */
export const MIXPANEL_IMPORT_RATE = { points: 100, durationMs: 1000 };

/** Stands in for the project token of an export-only connection (importEvents refuses to run with it). */
export const EXPORT_ONLY_TOKEN = "export-only";

export interface MixpanelSdk {
  runtime: Runtime;
  client: Mixpanel.Mixpanel;
  ingestionUrl: URL;
  exportUrl: URL;
  queryUrl: URL;
  limiter: VendorLimiter;
  /** One export request, fetch-shaped: one HTTP exchange with the attempt's signal, non-2xx thrown. */
  fetchExport(path: string, query: Record<string, string>): Promise<Response>;
  /** One Query API request (`POST /api/query/…`, form-encoded), the same way; the body parsed as JSON. */
  postQuery(path: string, query: Record<string, string>, form: Record<string, string>): Promise<unknown>;
}

interface SendOptions {
  method?: string;
  endpoint: string;
  data: unknown;
}
type SendCallback = (err: Error | undefined, result?: unknown) => void;

async function checkUrl(
  connection: MixpanelConnection,
  fallback: string,
  setup: ResilienceSetup,
): Promise<URL> {
  if (!connection.baseUrl) return new URL(fallback);
  const raw = connection.baseUrl;
  if (connection.allowInsecureTestBaseUrl) return checkTestBaseUrl(raw);
  return checkOutboundUrl(raw, {
    hosts: MIXPANEL_HOSTS,
    ...(setup.resolve ? { resolve: setup.resolve } : {}),
  });
}

function refuseRedirect(res: OnceResponse): OnceResponse {
  if (res.status >= 300 && res.status < 400) {
    throw new UnsafeUrlError(
      res.headers.location ?? "(none)",
      "Mixpanel answered with a redirect, which is never followed",
    );
  }
  return throwIfHttpError(res);
}

/**
 * The mixpanel client per connection, with service-account credentials. Its transport (`send_request`: own
 * keep-alive agent, no abort signal, success read from the body only, form-encoded base64) is replaced by one
 * that sends `/import` as the documented strict JSON request in one HTTP exchange per attempt, throws every
 * non-2xx as HttpError and, like the client itself, refuses anything but https for the credentials.
 */
export async function createMixpanelSdk(
  connection: MixpanelConnection,
  setup: ResilienceSetup = {},
): Promise<MixpanelSdk> {
  const { credentials } = connection;
  const ingestionUrl = await checkUrl(connection, mixpanelIngestionUrl(connection.region), setup);
  const exportUrl = await checkUrl(connection, mixpanelExportUrl(connection.region), setup);
  const queryUrl = await checkUrl(connection, mixpanelQueryUrl(connection.region), setup);
  if ([ingestionUrl, exportUrl, queryUrl].some((u) => u.protocol !== "https:")) {
    throw new UnsafeUrlError(
      connection.baseUrl ?? "",
      "Mixpanel service-account credentials are only ever sent over https (the fakes serve https too)",
    );
  }
  const agent: Agent = createGuardedAgent({
    protocol: "https:",
    allowPrivate: connection.allowInsecureTestBaseUrl === true,
    vendor: "Mixpanel",
  });
  if (connection.testCa && connection.allowInsecureTestBaseUrl) {
    // https.Agent merges its options into every connection it makes
    (agent as unknown as { options: Record<string, unknown> }).options.ca = connection.testCa;
  }
  const sa = new Mixpanel.ServiceAccountCredentials(
    credentials.username,
    credentials.secret,
    credentials.projectId,
  );
  // the client refuses to start without a token; an export-only connection never sends this placeholder
  const client = Mixpanel.init(credentials.projectToken ?? EXPORT_ONLY_TOKEN, {
    host: ingestionUrl.hostname,
    ...(ingestionUrl.port ? { port: Number(ingestionUrl.port) } : {}),
    protocol: "https",
    keepAlive: false,
    credentials: sa,
  });
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.secret}`).toString("base64")}`;

  (client as unknown as { send_request: (o: SendOptions, cb: SendCallback) => void }).send_request = (
    options,
    callback,
  ) => {
    const ctx = attemptContext.getStore();
    if (!ctx) {
      callback(
        new Error("Mixpanel request made outside the resilience policy; use the connector's operations."),
      );
      return;
    }
    if (options.endpoint !== "/import") {
      callback(new Error(`Mixpanel ${options.endpoint} is not used by this connector (only /import).`));
      return;
    }
    const url = new URL(`${ingestionUrl.pathname.replace(/\/$/, "")}/import`, ingestionUrl.origin);
    url.searchParams.set("strict", "1");
    url.searchParams.set("project_id", credentials.projectId);
    requestOnce({
      url,
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify(options.data),
      agent,
      signal: ctx.signal,
    }).then(
      (res) => {
        try {
          refuseRedirect(res);
          callback(undefined, JSON.parse(res.body) as unknown);
        } catch (err) {
          callback(err as Error);
        }
      },
      (err: Error) => callback(err),
    );
  };

  // the caller only rate-limits with a limiter: the vendor defaults (export 60/hour) when none was passed
  const limiter =
    setup.limiter ??
    createVendorLimiter("mixpanel", { connection: connection.id, rate: MIXPANEL_IMPORT_RATE });
  /** One HTTP exchange inside the current attempt (its abort signal), redirects refused, non-2xx thrown. */
  async function exchange(
    base: URL,
    path: string,
    query: Record<string, string>,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<OnceResponse> {
    const ctx = attemptContext.getStore();
    if (!ctx)
      throw new Error("Mixpanel request made outside the resilience policy; use the connector's operations.");
    const url = new URL(`${base.pathname.replace(/\/$/, "")}${path}`, base.origin);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return refuseRedirect(
      await requestOnce({
        url,
        ...init,
        headers: { authorization, ...init.headers },
        agent,
        signal: ctx.signal,
      }),
    );
  }

  return {
    runtime: createRuntime("mixpanel", connection.id, { ...setup, limiter }),
    client,
    ingestionUrl,
    exportUrl,
    queryUrl,
    limiter,
    async fetchExport(path, query) {
      const res = await exchange(exportUrl, path, query, {
        method: "GET",
        headers: { accept: "text/plain" },
      });
      return new Response(res.body, { status: res.status, headers: res.headers });
    },
    async postQuery(path, query, form) {
      const res = await exchange(queryUrl, path, query, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams(form).toString(),
      });
      return JSON.parse(res.body) as unknown;
    },
  };
}
