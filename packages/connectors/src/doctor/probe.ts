import { type CredentialVault, TokenRefreshError, vendorRefresher } from "@revops/auth";
import { isVendorError, type VendorError } from "@revops/resilience";
import { type KeyValue, openKv } from "@revops/store";
import { createApolloSdk } from "../apollo/client";
import type { ResilienceSetup } from "../connection";
import { createGoogleConnector } from "../google/operations";
import { createHubSpotConnector } from "../hubspot/operations";
import { createIntercomConnector } from "../intercom/operations";
import { mixpanelExportUrl } from "../mixpanel/client";
import { createMixpanelConnector } from "../mixpanel/operations";
import { vaultTokens } from "../oauth-consent/vault";
import { createSalesforceConnector } from "../salesforce/operations";
import { createSendGridSdk } from "../sendgrid/client";
import { type Resolver, UnsafeUrlError } from "../url-safety";
import { createZendeskConnector } from "../zendesk/operations";
import {
  type DoctorConnection,
  type DoctorVendor,
  maskSecret,
  type ServerUse,
  scrubSecrets,
  selectorsFor,
  VENDOR_LABELS,
} from "./connections";
import { GA4_CHECK, probeGa4, usesCalendar } from "./ga4-probe";

export interface ProbeQuota {
  remaining: number | undefined;
  limit: number | undefined;
  /** What the figures count, e.g. "API requests today". */
  unit: string;
}

export interface ProbeResult {
  id: string;
  vendor: DoctorVendor;
  label: string;
  usedBy: ServerUse[];
  /** `not_probed`: deliberately not called (it would cost money); not an error. */
  status: "ok" | "problem" | "not_probed";
  /** The read-only request that was made. */
  check: string;
  /** The credential, masked (first 4 characters). */
  credential: string;
  latencyMs?: number;
  /** What to fix (problem), or a note (ok, not_probed). */
  message?: string;
  quota?: ProbeQuota;
  /** Why a problem is one: the credential refused, the vendor not reached, or the settings wrong. */
  failure?: ProbeFailure;
}

/** The kind of a failed check, for tools that report it as a status. */
export type ProbeFailure = "auth_failed" | "unreachable" | "misconfigured";

export interface ProbeOptions {
  /** Deadline of the one call, retries included. Default 10 s. */
  timeoutMs?: number;
  /** DNS for the URL safety checks (tests). */
  resolve?: Resolver;
  /** Opens the credential vault (and a key-value store for the refresh lock) for connections the consent stored. */
  vault?: VaultAccess;
}

/** Runs `fn` with the credential vault open, closing it after. */
export type VaultAccess = <T>(fn: (v: { vault: CredentialVault; kv: KeyValue }) => Promise<T>) => Promise<T>;

const INTERCOM_REGION_URL = {
  us: "https://api.intercom.io",
  eu: "https://api.eu.intercom.io",
  au: "https://api.au.intercom.io",
} as const;

const CHECKS: Record<DoctorVendor, string> = {
  hubspot: "GET /crm/v3/objects/deals?limit=1",
  salesforce: "SOQL SELECT Id FROM Account LIMIT 1",
  zendesk: "GET /api/v2/tickets.json?page[size]=1",
  intercom: "GET /conversations?per_page=1",
  mixpanel: "GET /api/2.0/export (today, limit 1)",
  apollo: "GET /api/v1/auth/health",
  sendgrid: "GET /v3/scopes",
  google: "POST /calendar/v3/freeBusy (primary, the next hour)",
};

/** What to do when the vendor rejects the credential (HTTP 401). */
const REJECTED: Record<DoctorVendor, string> = {
  hubspot:
    "HUBSPOT_ACCESS_TOKEN is rejected: create a new private-app token (HubSpot → Settings → Integrations → Private Apps) and set it.",
  salesforce:
    "SALESFORCE_ACCESS_TOKEN is rejected (expired or revoked session): get a new access token of the integration user and set it.",
  zendesk:
    "ZENDESK_EMAIL / ZENDESK_API_TOKEN are rejected: create a new API token (Admin Center → Apps and integrations → Zendesk API) for that agent and check the email.",
  intercom:
    "INTERCOM_ACCESS_TOKEN is rejected: reinstall the Intercom app or copy its current access token (Developer Hub → your app → Authentication).",
  mixpanel:
    "MIXPANEL_SERVICE_ACCOUNT_USERNAME / MIXPANEL_SERVICE_ACCOUNT_SECRET are rejected, or the service account has no access to MIXPANEL_PROJECT_ID: check them in Organization Settings → Service Accounts.",
  apollo: "APOLLO_API_KEY is rejected: create a new API key (Apollo → Settings → Integrations → API Keys).",
  sendgrid: "the SendGrid API key is rejected: create a new API key (Settings → API Keys).",
  google:
    "GOOGLE_ACCESS_TOKEN is rejected (Google access tokens expire within the hour): run `revops connections add google` to sign in with tokens that renew themselves.",
};

/** The access the servers need, named when the vendor answers 403. */
const SCOPES: Record<DoctorVendor, string> = {
  hubspot:
    "HUBSPOT_ACCESS_TOKEN lacks scopes (HTTP 403): give the private app crm.objects.deals.read, crm.objects.companies.read, crm.objects.contacts.read (sales) and marketing.campaigns.read (marketing)",
  salesforce:
    "the Salesforce integration user is denied (HTTP 403): it needs API Enabled and read on Account and Opportunity",
  zendesk: "the Zendesk agent is denied (HTTP 403): the token needs read access to tickets",
  intercom:
    'INTERCOM_ACCESS_TOKEN is denied (HTTP 403): the app needs "Read and list users and companies" and "Read conversations"',
  mixpanel:
    "the Mixpanel service account is denied (HTTP 403): give it the Consumer role (export) on project MIXPANEL_PROJECT_ID",
  apollo: "APOLLO_API_KEY is denied (HTTP 403): the key needs access to the enrichment endpoints",
  sendgrid: "the SendGrid API key is denied (HTTP 403)",
  google:
    "the Google token is denied (HTTP 403): it needs the calendar.events, calendar.freebusy, gmail.readonly, gmail.send and gmail.compose scopes, with the Calendar and Gmail APIs enabled",
};

const NOT_FOUND: Record<DoctorVendor, string> = {
  hubspot: "check the account the token belongs to",
  salesforce: "check SALESFORCE_INSTANCE_URL",
  zendesk: "check ZENDESK_SUBDOMAIN",
  intercom: "check INTERCOM_REGION",
  mixpanel: "check MIXPANEL_PROJECT_ID and MIXPANEL_REGION",
  apollo: "the health endpoint is not there: check the API base URL",
  sendgrid: "check the API base URL",
  google: "check the API base URL",
};

/** The variable a refused URL came from. */
function urlVariable(conn: DoctorConnection): string {
  if (conn.baseUrlVariable) return conn.baseUrlVariable;
  if (conn.vendor === "salesforce") return "SALESFORCE_INSTANCE_URL";
  if (conn.vendor === "zendesk") return "ZENDESK_SUBDOMAIN";
  if (conn.vendor === "intercom") return "INTERCOM_REGION";
  if (conn.vendor === "mixpanel") return "MIXPANEL_REGION";
  return "the vendor URL";
}

/** The host the probe talks to, for "unreachable" messages. */
function hostOf(conn: DoctorConnection): string {
  const raw =
    conn.baseUrl ??
    (conn.vendor === "salesforce"
      ? conn.instanceUrl
      : conn.vendor === "zendesk"
        ? `https://${conn.subdomain ?? ""}.zendesk.com`
        : conn.vendor === "intercom"
          ? INTERCOM_REGION_URL[conn.region]
          : conn.vendor === "mixpanel"
            ? mixpanelExportUrl(conn.region)
            : conn.vendor === "hubspot"
              ? "https://api.hubapi.com"
              : conn.vendor === "apollo"
                ? "https://api.apollo.io"
                : conn.vendor === "google"
                  ? "https://www.googleapis.com"
                  : "https://api.sendgrid.com");
  try {
    return new URL(raw ?? "").host;
  } catch {
    return String(raw);
  }
}

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; i < 8 && e !== undefined && e !== null; i++) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

const NETWORK_CODES =
  /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY)/;

function networkCode(err: unknown): string | undefined {
  for (const c of causes(err)) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.test(code)) return code;
  }
  return undefined;
}

/** Scope names the vendor lists in a 403 body (HubSpot's requiredGranularScopes / requiredScopes). */
function scopesInBody(err: unknown): string[] {
  for (const c of causes(err)) {
    const raw = (c as { body?: unknown }).body;
    if (raw === undefined || raw === null) continue;
    let body: string;
    try {
      body = typeof raw === "string" ? raw : JSON.stringify(raw);
    } catch {
      continue;
    }
    const found = new Set<string>();
    for (const m of body.matchAll(/"required(?:Granular)?Scopes"\s*:\s*\[([^\]]*)\]/g)) {
      for (const s of (m[1] ?? "").matchAll(/"([^"]+)"/g)) if (s[1]) found.add(s[1]);
    }
    if (found.size) return [...found];
  }
  return [];
}

/**
 * The kind of a failure: the vendor refused the credential or its access (401, 403, a refused refresh token),
 * could not be reached or answered (network, timeout, 5xx, rate limit, used-up allocation), or the settings point
 * at the wrong place (a refused URL, 404, anything else).
 */
export function classifyProbeFailure(err: unknown): ProbeFailure {
  if (causes(err).some((c) => c instanceof UnsafeUrlError)) return "misconfigured";
  if (!isVendorError(err)) return networkCode(err) ? "unreachable" : "misconfigured";
  const v: VendorError = err;
  if (v.status === 401 || v.status === 403 || v.kind === "auth") return "auth_failed";
  if (
    ["quota_exhausted", "rate_limited", "timeout", "unavailable", "circuit_open"].includes(v.kind) ||
    (v.status !== undefined && v.status >= 500) ||
    networkCode(err)
  )
    return "unreachable";
  return "misconfigured";
}

/** Turns a failure into the line an administrator can act on. */
export function explainProbeFailure(conn: DoctorConnection, err: unknown, timeoutMs: number): string {
  const label = VENDOR_LABELS[conn.vendor];
  const unsafe = causes(err).find((c): c is UnsafeUrlError => c instanceof UnsafeUrlError);
  if (unsafe) return `${urlVariable(conn)} is refused: ${unsafe.reason} (${unsafe.url}).`;
  if (!isVendorError(err)) {
    const code = networkCode(err);
    if (code) return `${hostOf(conn)} is unreachable (${code}): check DNS, proxy and firewall.`;
    return `${label}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const v: VendorError = err;
  if (v.status === 401 || (v.kind === "auth" && v.status !== 403)) return REJECTED[conn.vendor];
  if (v.kind === "quota_exhausted")
    return `${label} says the API allocation of this account is used up: calls resume when it resets, or an admin raises it.`;
  if (v.status === 403 && v.kind === "auth") {
    const named = scopesInBody(err);
    return named.length
      ? `${SCOPES[conn.vendor]}; ${label} says it is missing ${named.join(", ")}.`
      : `${SCOPES[conn.vendor]}.`;
  }
  if (v.kind === "rate_limited")
    return `${label} is rate-limiting this account (HTTP ${v.status ?? 429}): other clients share its allowance; try again later.`;
  if (v.kind === "timeout" && v.status === undefined)
    return `${hostOf(conn)} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}: check the network path (proxy, firewall) and the vendor's status page.`;
  if (v.kind === "not_found") return `${label} answered HTTP ${v.status ?? 404}: ${NOT_FOUND[conn.vendor]}.`;
  if (v.status !== undefined && v.status >= 500)
    return `${label} answered HTTP ${v.status}: an outage on its side; check its status page and try again.`;
  const code = networkCode(err);
  if (code) return `${hostOf(conn)} is unreachable (${code}): check DNS, proxy and firewall.`;
  if (v.kind === "unavailable" || v.kind === "timeout") return `${hostOf(conn)} is unreachable: ${v.message}`;
  return `${label}: ${v.message}`;
}

function credentialOf(conn: DoctorConnection): { masked: string; secrets: string[] } {
  switch (conn.vendor) {
    case "hubspot":
    case "salesforce":
    case "google":
      if (conn.vault) return { masked: `OAuth, tokens in the vault (${conn.vault.id})`, secrets: [] };
      if (conn.vendor !== "salesforce")
        return { masked: maskSecret(conn.accessToken), secrets: [conn.accessToken] };
      if (conn.oauth) {
        const { refreshToken, clientSecret } = conn.oauth;
        return { masked: `refresh token ${maskSecret(refreshToken)}`, secrets: [refreshToken, clientSecret] };
      }
      return { masked: maskSecret(conn.accessToken), secrets: [conn.accessToken] };
    case "intercom":
      if (conn.vault) return { masked: `OAuth, token in the vault (${conn.vault.id})`, secrets: [] };
      return { masked: maskSecret(conn.accessToken), secrets: [conn.accessToken] };
    case "zendesk":
      if (conn.vault) return { masked: `OAuth, tokens in the vault (${conn.vault.id})`, secrets: [] };
      return { masked: `${conn.email}/token ${maskSecret(conn.apiToken)}`, secrets: [conn.apiToken] };
    case "mixpanel":
      return { masked: `${conn.username} ${maskSecret(conn.secret)}`, secrets: [conn.secret] };
    case "apollo":
    case "sendgrid":
      return { masked: maskSecret(conn.apiKey), secrets: [conn.apiKey] };
  }
}

interface Outcome {
  quota?: ProbeQuota;
  /** The call answered but says the credential is not usable. */
  problem?: string;
  /** Its kind when it is not the credential (default auth_failed). */
  failure?: ProbeFailure;
  note?: string;
}

const today = () => new Date().toISOString().slice(0, 10);

/** A stored token that cannot be used: the vault or the vendor's refresh says why; sign in again. */
class StoredTokenProblem extends Error {}

/**
 * Runs the check with the consent's stored token, as the servers do: refreshed when expired and once after a
 * 401, the renewed tokens saved back in the vault.
 */
async function withStoredToken<T>(
  conn: Extract<DoctorConnection, { vault?: unknown }>,
  access: VaultAccess | undefined,
  run: (accessToken: string, instanceUrl: string | undefined) => Promise<T>,
): Promise<T> {
  const v = conn.vault as NonNullable<typeof conn.vault>;
  if (!access)
    throw new StoredTokenProblem("the stored tokens are only read through the revops command line.");
  const opened = access(async ({ vault, kv }) => {
    let tokens: Awaited<ReturnType<typeof vaultTokens>>;
    try {
      tokens = await vaultTokens({
        vault,
        kv,
        vendor: conn.vendor,
        connectionId: v.id,
        clientId: v.clientId,
        tokenUrl: v.tokenUrl,
        ...(v.clientSecret ? { clientSecret: v.clientSecret } : {}),
      });
    } catch (err) {
      throw new StoredTokenProblem((err as Error).message);
    }
    try {
      return await tokens.withFreshToken(v.id, (token, stored) => run(token, stored.instanceUrl));
    } catch (err) {
      if (err instanceof TokenRefreshError)
        throw new StoredTokenProblem(
          `the stored refresh token was refused (${err.message}): run \`revops connections add ${conn.vendor}\` to sign in again.`,
        );
      throw err;
    }
  });
  // no master key, or one that does not open these tokens: the fix is the key, not the vendor
  return opened.catch((err: unknown) => {
    const name = (err as Error).name;
    if (name === "MasterKeyError" || name === "VaultError")
      throw new StoredTokenProblem((err as Error).message);
    throw err;
  });
}

async function call(conn: DoctorConnection, setup: ResilienceSetup, access?: VaultAccess): Promise<Outcome> {
  const common = {
    id: conn.id,
    ...(conn.baseUrl ? { baseUrl: conn.baseUrl } : {}),
    allowInsecureTestBaseUrl: conn.allowInsecureTestBaseUrl,
  };
  switch (conn.vendor) {
    case "hubspot": {
      const check = async (accessToken: string) => {
        const c = await createHubSpotConnector(
          { ...common, vendor: "hubspot", credentials: { accessToken } },
          setup,
        );
        await c.listDeals({ limit: 1 });
        return {};
      };
      return conn.vault ? withStoredToken(conn, access, check) : check(conn.accessToken);
    }
    case "salesforce": {
      // the refresh-token flow: redeem it as the server would (nothing is written to the vault)
      if (conn.vault) {
        const { vault: _, ...plain } = conn;
        return withStoredToken(conn, access, (accessToken, instanceUrl) =>
          call({ ...plain, accessToken, ...(instanceUrl ? { instanceUrl } : {}) }, setup),
        );
      }
      let session = { accessToken: conn.accessToken, instanceUrl: conn.instanceUrl };
      if (conn.oauth) {
        const { clientId, clientSecret, tokenUrl, refreshToken } = conn.oauth;
        try {
          const set = await vendorRefresher("salesforce", { clientId, clientSecret, tokenUrl })(refreshToken);
          session = { accessToken: set.accessToken, instanceUrl: conn.baseUrl ?? set.instanceUrl };
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          return {
            problem: `Salesforce refused the refresh token at ${new URL(tokenUrl).host} (${why}): check SALESFORCE_REFRESH_TOKEN, SALESFORCE_CLIENT_ID/SECRET and SALESFORCE_LOGIN_URL (test.salesforce.com for sandboxes).`,
          };
        }
      }
      const c = await createSalesforceConnector(
        {
          ...common,
          vendor: "salesforce",
          credentials: {
            accessToken: session.accessToken,
            ...(session.instanceUrl ? { instanceUrl: session.instanceUrl } : {}),
          },
        },
        setup,
      );
      await c.query("SELECT Id FROM Account LIMIT 1", { maxRecords: 1 });
      const daily = (await c.sdk.runtime.caller.remainingQuota()).daily;
      return daily?.remaining === undefined
        ? {}
        : { quota: { remaining: daily.remaining, limit: daily.limit, unit: "API requests in 24 h" } };
    }
    case "zendesk": {
      const check = async (oauthToken?: string) => {
        const c = await createZendeskConnector(
          {
            ...common,
            vendor: "zendesk",
            ...(conn.subdomain ? { subdomain: conn.subdomain } : {}),
            credentials: oauthToken ? { oauthToken } : { email: conn.email, apiToken: conn.apiToken },
          },
          setup,
        );
        await c.listTickets({ limit: 1 });
        return {};
      };
      return conn.vault ? withStoredToken(conn, access, check) : check();
    }
    case "intercom": {
      const check = async (accessToken: string) => {
        const c = await createIntercomConnector(
          {
            ...common,
            vendor: "intercom",
            baseUrl: conn.baseUrl ?? INTERCOM_REGION_URL[conn.region],
            credentials: { accessToken },
          },
          setup,
        );
        await c.listConversations({ limit: 1 });
        return {};
      };
      return conn.vault ? withStoredToken(conn, access, check) : check(conn.accessToken);
    }
    case "mixpanel": {
      const c = await createMixpanelConnector(
        {
          ...common,
          vendor: "mixpanel",
          region: conn.region,
          ...(conn.testCa ? { testCa: conn.testCa } : {}),
          credentials: { username: conn.username, secret: conn.secret, projectId: conn.projectId },
        },
        setup,
      );
      const day = today();
      await c.exportEvents({ from: day, to: day, limit: 1 });
      return { note: "uses 1 of the project's 60 exports an hour" };
    }
    case "apollo": {
      // auth/health is Apollo's documented key check (docs.apollo.io → Authentication); it spends no
      // enrichment credit, unlike organizations/enrich and people/match, which are never called here.
      const sdk = await createApolloSdk(
        { ...common, vendor: "apollo", credentials: { apiKey: conn.apiKey } },
        setup,
      );
      const { value } = await sdk.runtime.attempt("auth.health", () =>
        sdk.request({ method: "GET", path: "/api/v1/auth/health", input: "the API key" }),
      );
      let body: { is_logged_in?: unknown } = {};
      try {
        body = JSON.parse(value.body) as typeof body;
      } catch {
        // an unreadable body with 2xx still proves the key was accepted at the HTTP level
      }
      const daily = sdk.quota.snapshot();
      const quota =
        daily.remaining === undefined
          ? undefined
          : { remaining: daily.remaining, limit: daily.limit, unit: "API requests today" };
      return {
        ...(quota ? { quota } : {}),
        ...(body.is_logged_in === false ? { problem: REJECTED.apollo } : {}),
        note: "no enrichment credit spent",
      };
    }
    case "google": {
      const check = async (accessToken: string): Promise<Outcome> => {
        const kvSetup = { ...setup, kv: await openKv({}) };
        if (usesCalendar(conn)) {
          const c = await createGoogleConnector(
            { ...common, vendor: "google", credentials: { accessToken } },
            kvSetup,
          );
          const from = new Date();
          await c.freeBusy({
            from: from.toISOString(),
            to: new Date(from.getTime() + 3_600_000).toISOString(),
          });
        }
        if (!conn.ga4PropertyId) return {};
        const ga4 = await probeGa4({ ...conn, ga4PropertyId: conn.ga4PropertyId }, accessToken, kvSetup);
        return ga4.problem ? { problem: ga4.problem, failure: "misconfigured" } : { note: ga4.note };
      };
      return conn.vault ? withStoredToken(conn, access, check) : check(conn.accessToken);
    }
    case "sendgrid": {
      const sdk = await createSendGridSdk(
        { ...common, vendor: "sendgrid", credentials: { apiKey: conn.apiKey } },
        setup,
      );
      const { value } = await sdk.runtime.attempt("scopes", () =>
        sdk.client.request({ method: "GET", url: "/v3/scopes" }),
      );
      const raw = value[1] as unknown;
      const body = (typeof raw === "string" ? JSON.parse(raw) : raw) as { scopes?: string[] };
      const missing = ["mail.send"].filter((s) => !body.scopes?.includes(s));
      return missing.length ? { problem: `the SendGrid API key lacks ${missing.join(", ")}.` } : {};
    }
  }
}

/**
 * One cheap, read-only, authenticated call through the connection's connector (its real SDK and resilience
 * policy, a short deadline, at most one retry), turned into ok or a problem saying what to fix. Never throws;
 * never returns a secret.
 */
export async function probeConnection(conn: DoctorConnection, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const { masked, secrets } = credentialOf(conn);
  const base = {
    id: conn.id,
    vendor: conn.vendor,
    label: VENDOR_LABELS[conn.vendor],
    usedBy: conn.usedBy,
    check:
      conn.vendor === "google" && conn.ga4PropertyId
        ? [usesCalendar(conn) && CHECKS.google, GA4_CHECK].filter(Boolean).join("; ")
        : CHECKS[conn.vendor],
    credential: masked,
  };
  const unused = conn.usedBy.length
    ? undefined
    : `no server uses it yet: set ${selectorsFor(conn.vendor).join(" or ")}`;
  const setup: ResilienceSetup = {
    policy: { maxAttempts: 2, attemptTimeoutMs: timeoutMs, deadlineMs: timeoutMs },
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
  };
  const started = performance.now();
  try {
    const out = await call(conn, setup, opts.vault).catch((err: unknown): Outcome => {
      if (!(err instanceof StoredTokenProblem)) throw err;
      return { problem: `${VENDOR_LABELS[conn.vendor]}: ${err.message}`, failure: "misconfigured" };
    });
    const latencyMs = Math.round(performance.now() - started);
    const note = [out.note, unused].filter(Boolean).join("; ");
    return {
      ...base,
      status: out.problem ? "problem" : "ok",
      latencyMs,
      ...(out.problem ? { message: out.problem, failure: out.failure ?? "auth_failed" } : {}),
      ...(!out.problem && note ? { message: note } : {}),
      ...(out.quota ? { quota: out.quota } : {}),
    };
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    const message = scrubSecrets(explainProbeFailure(conn, err, timeoutMs), secrets);
    return { ...base, status: "problem", latencyMs, message, failure: classifyProbeFailure(err) };
  }
}
