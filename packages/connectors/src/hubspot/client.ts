import { Client } from "@hubspot/api-client";
import type { TokenRefresher } from "@revops/auth";
import { attemptContext } from "../attempt-context";
import type { ConnectionConfig, ResilienceSetup, VaultTokenSetup } from "../connection";
import { resolveBaseUrl } from "../connection";
import { createGuardedAgent } from "../guarded-agent";
import { requestOnce, throwIfHttpError } from "../request-once";
import { createRuntime, type Runtime } from "../runtime";
import { VENDOR_HOSTS } from "../url-safety";

export interface HubSpotCredentials {
  /** Private-app token or OAuth access token. */
  accessToken: string;
}

export type HubSpotConnection = ConnectionConfig<HubSpotCredentials>;

export interface HubSpotSetup extends ResilienceSetup, VaultTokenSetup {}

/**
 * The bearer token as the SDK sees it: its auth classes build "Bearer " + token when each request is signed,
 * so a refreshed token reaches the already-built APIs (a class instance: the SDK's config merge keeps it by reference).
 */
class LiveToken {
  constructor(public value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Each attempt runs with a fresh token; a 401 refreshes it and retries the attempt once. */
function withTokens(runtime: Runtime, tokens: TokenRefresher, id: string, live: LiveToken): Runtime {
  return {
    ...runtime,
    attempt: (operation, fn, opts) =>
      tokens.withFreshToken(id, (accessToken) => {
        live.value = accessToken;
        return runtime.attempt(operation, fn, opts);
      }),
  };
}

/** The SDK APIs the connector uses, built while this client's (empty) decorators are in force. */
export interface HubSpotApis {
  deals: Client["crm"]["deals"];
  companies: Client["crm"]["companies"];
  contacts: Client["crm"]["contacts"];
  /** Any object type by name (engagements: notes, calls, meetings, emails). */
  objects: Client["crm"]["objects"];
  associations: Client["crm"]["associations"]["v4"];
}

/** A GET of an endpoint the SDK has no API for; query values that are arrays repeat the parameter. */
export type HubSpotGet = <T>(
  path: string,
  query?: Record<string, string | string[] | undefined>,
) => Promise<T>;

/** A write to an endpoint the SDK has no API for (JSON body); non-2xx answers throw HttpError. */
export type HubSpotSend = <T>(method: "POST" | "PATCH" | "PUT", path: string, body: unknown) => Promise<T>;

export interface HubSpotSdk {
  runtime: Runtime;
  apis: HubSpotApis;
  baseUrl: URL;
  /** The bearer token to build further SDK clients with (it follows refreshes). */
  accessToken: string;
  /**
   * One HTTP exchange through the same guarded agent as the SDK, with the attempt's abort signal; non-2xx
   * answers throw HttpError. Call it inside `runtime.attempt`. (The SDK's `apiRequest` uses global fetch:
   * no agent, so no connect-time address check and no abort, and it returns non-2xx answers as results.)
   */
  get: HubSpotGet;
  /** As `get`, for a write with a JSON body: call it inside `runtime.attempt` with `idempotent: false`. */
  send: HubSpotSend;
}

export const HUBSPOT_API_URL = "https://api.hubapi.com";

/**
 * Builds the official client with its own retries and limiter off (the policy does both). The SDK keeps
 * its decorators in a process-wide singleton that the last `new Client()` overwrites and that each API
 * object captures when first built, so every API we use is built right here, synchronously.
 */
export async function createHubSpotSdk(
  connection: HubSpotConnection,
  setup: HubSpotSetup = {},
): Promise<HubSpotSdk> {
  const live = new LiveToken(connection.credentials.accessToken);
  const accessToken = live as unknown as string;
  const baseUrl = await resolveBaseUrl(connection, HUBSPOT_API_URL, VENDOR_HOSTS.hubspot, setup.resolve);
  const agent = createGuardedAgent({
    protocol: baseUrl.protocol === "https:" ? "https:" : "http:",
    allowPrivate: connection.allowInsecureTestBaseUrl === true,
    vendor: "HubSpot",
  });
  const client = new Client({
    accessToken,
    basePath: baseUrl.origin,
    numberOfApiCallRetries: 0,
    httpAgent: agent,
  });
  const apis: HubSpotApis = {
    deals: client.crm.deals,
    companies: client.crm.companies,
    contacts: client.crm.contacts,
    objects: client.crm.objects,
    associations: client.crm.associations.v4,
  };
  const exchange = async (method: string, url: URL, body?: unknown) => {
    const ctx = attemptContext.getStore();
    if (!ctx) throw new Error("HubSpot request made outside the resilience policy; use runtime.attempt.");
    const res = throwIfHttpError(
      await requestOnce({
        url,
        method,
        headers: {
          authorization: `Bearer ${live}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        agent,
        signal: ctx.signal,
      }),
    );
    return res.body ? JSON.parse(res.body) : undefined;
  };
  const get: HubSpotGet = async <T>(
    path: string,
    query: Record<string, string | string[] | undefined> = {},
  ) => {
    const url = new URL(path, baseUrl);
    for (const [k, v] of Object.entries(query)) {
      for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) url.searchParams.append(k, one);
    }
    return (await exchange("GET", url)) as T;
  };
  const send: HubSpotSend = async <T>(method: string, path: string, body: unknown) =>
    (await exchange(method, new URL(path, baseUrl), body)) as T;
  const runtime = createRuntime("hubspot", connection.id, setup);
  return {
    runtime: setup.tokens
      ? withTokens(runtime, setup.tokens, setup.tokenConnectionId ?? connection.id, live)
      : runtime,
    apis,
    baseUrl,
    accessToken,
    get,
    send,
  };
}

/** A further SDK client on the connection's guarded agent and live token; take its API in the same synchronous step. */
export function guardedClient(sdk: HubSpotSdk, connection: HubSpotConnection): Client {
  const agent = createGuardedAgent({
    protocol: sdk.baseUrl.protocol === "https:" ? "https:" : "http:",
    allowPrivate: connection.allowInsecureTestBaseUrl === true,
    vendor: "HubSpot",
  });
  return new Client({
    accessToken: sdk.accessToken,
    basePath: sdk.baseUrl.origin,
    numberOfApiCallRetries: 0,
    httpAgent: agent,
  });
}
