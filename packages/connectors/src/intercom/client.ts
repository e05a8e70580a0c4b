import { HttpError, VendorError } from "@revops/resilience";
import { IntercomClient, IntercomError } from "intercom-client";
import { attemptContext } from "../attempt-context";
import type { ConnectionConfig, ResilienceSetup, VaultTokenSetup } from "../connection";
import { createGuardedAgent } from "../guarded-agent";
import { requestOnce } from "../request-once";
import { createRuntime, type Runtime } from "../runtime";
import { checkOutboundUrl, checkTestBaseUrl, UnsafeUrlError } from "../url-safety";
import { type LiveBearer, withVaultTokens } from "../vault-token-runtime";

export interface IntercomCredentials {
  /** Access token of the Intercom app (OAuth or the workspace's own app). */
  accessToken: string;
  /** The teammate (admin) replies are sent as. */
  adminId?: string;
}

export type IntercomConnection = Omit<ConnectionConfig<IntercomCredentials>, "vendor"> & {
  vendor: "intercom";
};

export const INTERCOM_API_URL = "https://api.intercom.io";
/** US, EU and AU data hosting regions. */
export const INTERCOM_HOSTS = ["api.intercom.io", "api.eu.intercom.io", "api.au.intercom.io"] as const;

export interface IntercomSdk {
  runtime: Runtime;
  client: IntercomClient;
  baseUrl: URL;
  /** Runs one SDK call as one resilient attempt, with Intercom's errors made classifiable. */
  call<T>(operation: string, fn: () => Promise<T>, opts?: { idempotent?: boolean }): Promise<T>;
}

/** Transport failures by attempt: the SDK flattens them into a message, which loses the socket code. */
const transportFailures = new WeakMap<AbortSignal, unknown>();

function intercomError(err: unknown, connectionId: string, signal: AbortSignal | undefined): unknown {
  if (!(err instanceof IntercomError)) return err;
  const status = err.statusCode;
  if (status === undefined) return (signal && transportFailures.get(signal)) ?? err;
  const headers = new Headers(err.rawResponse?.headers as ConstructorParameters<typeof Headers>[0]);
  const cause = new HttpError(status, headers, JSON.stringify(err.body ?? "").slice(0, 2048));
  const base = { vendor: "intercom", status, retryable: false, cause };
  if (status === 401) {
    return new VendorError({
      ...base,
      kind: "auth",
      message: `Intercom rejected the access token of connection ${connectionId}: reinstall the app or reconnect it in Settings → Connections.`,
    });
  }
  if (status === 403) {
    return new VendorError({
      ...base,
      kind: "auth",
      message: `Intercom denied access for connection ${connectionId} (HTTP 403): the app needs the "Read and list users and companies", "Read conversations" and "Write conversations" permissions.`,
    });
  }
  return cause;
}

/**
 * intercom-client with its own retries off (`maxRetries: 0`; it retries 408/429/5xx twice by default)
 * and a fetch that makes one HTTP exchange per attempt with the attempt's abort signal.
 */
export async function createIntercomSdk(
  connection: IntercomConnection,
  setup: ResilienceSetup & VaultTokenSetup = {},
): Promise<IntercomSdk> {
  const live: LiveBearer = { value: connection.credentials.accessToken };
  const raw = connection.baseUrl ?? INTERCOM_API_URL;
  const baseUrl = connection.allowInsecureTestBaseUrl
    ? checkTestBaseUrl(raw)
    : await checkOutboundUrl(raw, {
        hosts: INTERCOM_HOSTS,
        ...(setup.resolve ? { resolve: setup.resolve } : {}),
      });
  const agent = createGuardedAgent({
    protocol: baseUrl.protocol === "https:" ? "https:" : "http:",
    allowPrivate: connection.allowInsecureTestBaseUrl === true,
    vendor: "Intercom",
  });
  const guardedFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const ctx = attemptContext.getStore();
    if (!ctx)
      throw new Error("Intercom request made outside the resilience policy; use the connector's operations.");
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.origin !== baseUrl.origin)
      throw new UnsafeUrlError(url.href, "it leaves the connection's Intercom region");
    try {
      const res = await requestOnce({
        url,
        method: init.method ?? "GET",
        headers: {
          ...Object.fromEntries(new Headers(init.headers).entries()),
          // vault tokens: the attempt's fresh one
          ...(setup.tokens ? { authorization: `Bearer ${live.value}` } : {}),
        },
        ...(typeof init.body === "string" ? { body: init.body } : {}),
        agent,
        signal: ctx.signal,
      });
      if (res.status >= 300 && res.status < 400) {
        throw new UnsafeUrlError(
          res.headers.location ?? "(none)",
          "Intercom answered with a redirect, which is never followed",
        );
      }
      return new Response(res.status === 204 ? null : res.body, { status: res.status, headers: res.headers });
    } catch (err) {
      transportFailures.set(ctx.signal, err);
      throw err;
    }
  };
  const client = new IntercomClient({
    token: connection.credentials.accessToken || "vault",
    baseUrl: baseUrl.origin,
    version: "2.14",
    maxRetries: 0,
    fetch: guardedFetch as typeof fetch,
  });
  const runtime = withVaultTokens(
    createRuntime("intercom", connection.id, setup),
    setup,
    connection.id,
    live,
  );
  return {
    runtime,
    client,
    baseUrl,
    async call(operation, fn, opts) {
      const { value } = await runtime.attempt(
        operation,
        async () => {
          try {
            return await fn();
          } catch (err) {
            throw intercomError(err, connection.id, attemptContext.getStore()?.signal);
          }
        },
        opts,
      );
      return value;
    },
  };
}
