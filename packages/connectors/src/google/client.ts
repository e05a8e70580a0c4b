import { analyticsdata_v1beta } from "@googleapis/analyticsdata";
import { calendar_v3 } from "@googleapis/calendar";
import { gmail_v1 } from "@googleapis/gmail";
import { attemptContext } from "../attempt-context";
import type { ConnectionConfig, ResilienceSetup, VaultTokenSetup } from "../connection";
import { createGuardedAgent } from "../guarded-agent";
import { requestOnce, throwIfHttpError } from "../request-once";
import { createRuntime, type Runtime } from "../runtime";
import { checkOutboundUrl, checkTestBaseUrl, UnsafeUrlError } from "../url-safety";
import { ANALYTICS_DATA_ROOT_URL, CALENDAR_ROOT_URL, GMAIL_ROOT_URL, GOOGLE_HOSTS } from "./constants";

export interface GoogleCredentials {
  /**
   * OAuth 2.0 access token with the gmail.readonly, gmail.send, gmail.compose, calendar.events and calendar.freebusy scopes
   * (empty when vault tokens from the consent are used: each attempt then takes a fresh one).
   */
  accessToken: string;
}

/** `baseUrl` overrides the rootUrl of every client (tests); real overrides must stay on *.googleapis.com. */
export type GoogleConnection = Omit<ConnectionConfig<GoogleCredentials>, "vendor"> & { vendor: "google" };

export {
  ANALYTICS_DATA_ROOT_URL,
  CALENDAR_ROOT_URL,
  GMAIL_ROOT_URL,
  GOOGLE_HOSTS,
  GOOGLE_SCOPES,
} from "./constants";

export interface GoogleSdk {
  runtime: Runtime;
  gmail: gmail_v1.Gmail;
  calendar: calendar_v3.Calendar;
  /** GA4 Data API v1beta (runReport). */
  analyticsData: analyticsdata_v1beta.Analyticsdata;
  gmailRoot: URL;
  calendarRoot: URL;
  analyticsDataRoot: URL;
  /** A refreshed access token (from the auth service) for the following calls. */
  setAccessToken(token: string): void;
  /** Runs one SDK call as one resilient attempt, with gaxios' error wrapping removed. */
  call<T>(
    operation: string,
    fn: () => Promise<T>,
    opts?: { idempotent?: boolean; units?: number },
  ): Promise<T>;
}

async function checkRoot(connection: GoogleConnection, fallback: string, setup: ResilienceSetup) {
  if (!connection.baseUrl) return new URL(fallback);
  const raw = connection.baseUrl;
  const url = connection.allowInsecureTestBaseUrl
    ? checkTestBaseUrl(raw)
    : await checkOutboundUrl(raw, {
        hosts: GOOGLE_HOSTS,
        ...(setup.resolve ? { resolve: setup.resolve } : {}),
      });
  return new URL(`${url.origin}/`);
}

/** gaxios wraps whatever the fetch threw (our HttpError, a socket error) in a GaxiosError: unwrap it. */
function unwrap(err: unknown): unknown {
  let e = err;
  // GaxiosError carries the request `config`; its `cause` is what the fetch threw
  while (e instanceof Error && "config" in e && (e as { cause?: unknown }).cause !== undefined) {
    e = (e as { cause?: unknown }).cause;
  }
  return e;
}

/**
 * @googleapis/gmail and @googleapis/calendar per connection: rootUrl set on each client (googleapis ignores
 * the global option for it), gaxios retries off (`retry: false`, `retryConfig.retry: 0`), and a fetch that
 * makes one HTTP exchange per attempt with the attempt's abort signal, never following redirects.
 */
export async function createGoogleSdk(
  connection: GoogleConnection,
  setup: ResilienceSetup & VaultTokenSetup = {},
): Promise<GoogleSdk> {
  const gmailRoot = await checkRoot(connection, GMAIL_ROOT_URL, setup);
  const calendarRoot = await checkRoot(connection, CALENDAR_ROOT_URL, setup);
  const analyticsDataRoot = await checkRoot(connection, ANALYTICS_DATA_ROOT_URL, setup);
  let token = connection.credentials.accessToken;
  const agent = createGuardedAgent({
    protocol: gmailRoot.protocol === "https:" ? "https:" : "http:",
    allowPrivate: connection.allowInsecureTestBaseUrl === true,
    vendor: "Google",
  });
  const origins = new Set([gmailRoot.origin, calendarRoot.origin, analyticsDataRoot.origin]);
  const guardedFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const ctx = attemptContext.getStore();
    if (!ctx)
      throw new Error("Google request made outside the resilience policy; use the connector's operations.");
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (!origins.has(url.origin))
      throw new UnsafeUrlError(url.href, "it leaves the connection's Google API hosts");
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    headers.authorization = `Bearer ${token}`;
    // the answer is read whole, so no compressed encodings to undo
    delete headers["accept-encoding"];
    const res = await requestOnce({
      url,
      method: init.method ?? "GET",
      headers,
      ...(typeof init.body === "string" ? { body: init.body } : {}),
      agent,
      signal: ctx.signal,
    });
    if (res.status >= 300 && res.status < 400) {
      throw new UnsafeUrlError(
        res.headers.location ?? "(none)",
        "Google answered with a redirect, which is never followed",
      );
    }
    throwIfHttpError(res);
    return new Response(res.status === 204 ? null : res.body, { status: res.status, headers: res.headers });
  };
  const common = {
    retry: false,
    retryConfig: { retry: 0 },
    fetchImplementation: guardedFetch as typeof fetch,
  };
  const gmail = new gmail_v1.Gmail({ ...common, rootUrl: gmailRoot.href });
  const calendar = new calendar_v3.Calendar({ ...common, rootUrl: calendarRoot.href });
  const analyticsData = new analyticsdata_v1beta.Analyticsdata({
    ...common,
    rootUrl: analyticsDataRoot.href,
  });
  const runtime = createRuntime("google", connection.id, setup);
  return {
    runtime,
    gmail,
    calendar,
    analyticsData,
    gmailRoot,
    calendarRoot,
    analyticsDataRoot,
    setAccessToken(next) {
      token = next;
    },
    async call(operation, fn, opts = {}) {
      const attempt = () =>
        runtime.attempt(
          operation,
          async () => {
            try {
              return await fn();
            } catch (err) {
              throw unwrap(err);
            }
          },
          opts,
        );
      const { tokens } = setup;
      // Google access tokens live an hour: a consent's are refreshed before expiry and once after a 401
      const { value } = tokens
        ? await tokens.withFreshToken(setup.tokenConnectionId ?? connection.id, (fresh) => {
            token = fresh;
            return attempt();
          })
        : await attempt();
      return value;
    },
  };
}
