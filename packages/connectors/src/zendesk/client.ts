import { createClient, type ZendeskClient } from "node-zendesk";
import { attemptContext } from "../attempt-context";
import type { ConnectionConfig, ResilienceSetup, VaultTokenSetup } from "../connection";
import { createGuardedAgent } from "../guarded-agent";
import { type OnceResponse, requestOnce } from "../request-once";
import { createRuntime, type Runtime } from "../runtime";
import { checkOutboundUrl, checkTestBaseUrl, UnsafeUrlError } from "../url-safety";
import { type LiveBearer, withVaultTokens } from "../vault-token-runtime";
import { zendeskHttpError } from "./errors";

export interface ZendeskCredentials {
  /** API token auth (`email/token:apiToken`), or an OAuth access token. */
  email?: string;
  apiToken?: string;
  oauthToken?: string;
}

export type ZendeskConnection = Omit<ConnectionConfig<ZendeskCredentials>, "vendor"> & {
  vendor: "zendesk";
  /** The account's subdomain: `acme` for https://acme.zendesk.com (or give `baseUrl`). */
  subdomain?: string;
};

export interface ZendeskSdk {
  runtime: Runtime;
  /** Support API client (endpoint …/api/v2). */
  support: ZendeskClient;
  /** Help Center client (endpoint …/api/v2/help_center). */
  helpCenter: ZendeskClient;
  baseUrl: URL;
}

export const ZENDESK_HOST = /^[a-z0-9][a-z0-9-]{0,62}\.zendesk\.com$/i;

/** https://<subdomain>.zendesk.com and nothing else (one label, public DNS), unless test-only. */
export async function zendeskBaseUrl(
  connection: ZendeskConnection,
  resolve?: ResilienceSetup["resolve"],
): Promise<URL> {
  const raw = connection.baseUrl ?? `https://${connection.subdomain ?? ""}.zendesk.com`;
  if (connection.allowInsecureTestBaseUrl && connection.baseUrl) return checkTestBaseUrl(raw);
  if (!connection.baseUrl && !/^[a-z0-9][a-z0-9-]{0,62}$/i.test(connection.subdomain ?? "")) {
    throw new UnsafeUrlError(raw, "the Zendesk subdomain must be letters, digits and dashes");
  }
  const url = await checkOutboundUrl(raw, { hosts: ["*.zendesk.com"], ...(resolve ? { resolve } : {}) });
  if (!ZENDESK_HOST.test(url.hostname)) {
    throw new UnsafeUrlError(raw, "a Zendesk URL must be https://<subdomain>.zendesk.com");
  }
  return new URL(url.origin);
}

function authOptions(c: ZendeskCredentials, vaulted: boolean) {
  // the consent's token is set per attempt by the transport; node-zendesk only needs to know it is OAuth
  if (vaulted) return { token: "vault", useOAuth: true, oauth: true };
  if (c.oauthToken) return { token: c.oauthToken, useOAuth: true, oauth: true };
  if (c.email && c.apiToken) return { username: c.email, token: c.apiToken };
  throw new Error("A Zendesk connection needs an OAuth token, or an agent email and API token.");
}

/**
 * node-zendesk with its transport replaced: one HTTP exchange per attempt with the attempt's abort
 * signal, non-2xx answers thrown (the SDK would return a 429 that has Retry-After, and pass 502 bodies
 * as results), nothing sent outside the connection's origin.
 */
export async function createZendeskSdk(
  connection: ZendeskConnection,
  setup: ResilienceSetup & VaultTokenSetup = {},
): Promise<ZendeskSdk> {
  const live: LiveBearer = { value: "" };
  const baseUrl = await zendeskBaseUrl(connection, setup.resolve);
  const agent = createGuardedAgent({
    protocol: baseUrl.protocol === "https:" ? "https:" : "http:",
    allowPrivate: connection.allowInsecureTestBaseUrl === true,
    vendor: "Zendesk",
  });
  const transportFn = async (
    uri: string,
    options: { method: string; headers: Record<string, string>; body?: string },
  ) => {
    const ctx = attemptContext.getStore();
    if (!ctx)
      throw new Error("Zendesk request made outside the resilience policy; use the connector's operations.");
    const url = new URL(uri);
    if (url.origin !== baseUrl.origin)
      throw new UnsafeUrlError(uri, "it leaves the connection's Zendesk account");
    const res = await requestOnce({
      url,
      method: options.method,
      // vault tokens: the attempt's fresh one (node-zendesk sends `Authorization: Bearer <token>` with oauth)
      headers: setup.tokens ? { ...options.headers, Authorization: `Bearer ${live.value}` } : options.headers,
      ...(options.body === undefined ? {} : { body: options.body }),
      agent,
      signal: ctx.signal,
    });
    if (res.status >= 300 && res.status < 400) {
      throw new UnsafeUrlError(
        res.headers.location ?? "(none)",
        "Zendesk answered with a redirect, which is never followed",
      );
    }
    if (res.status >= 400) throw zendeskHttpError(res, connection.id);
    return res;
  };
  const responseAdapter = (res: OnceResponse) => ({
    json: async () => JSON.parse(res.body) as unknown,
    status: res.status,
    headers: { get: (name: string) => res.headers[name.toLowerCase()] },
    statusText: "",
  });
  const common = {
    ...authOptions(connection.credentials, setup.tokens !== undefined),
    throwOriginalException: true,
    transportConfig: { transportFn, responseAdapter },
  };
  const runtime = withVaultTokens(createRuntime("zendesk", connection.id, setup), setup, connection.id, live);
  return {
    runtime,
    support: createClient({ ...common, endpointUri: `${baseUrl.origin}/api/v2` }),
    helpCenter: createClient({ ...common, endpointUri: `${baseUrl.origin}/api/v2/help_center` }),
    baseUrl,
  };
}
