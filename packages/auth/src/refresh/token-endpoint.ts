export type Vendor = "salesforce" | "hubspot" | "google" | "zendesk" | "intercom";

/**
 * Production token endpoints; Salesforce sandboxes and My Domains pass their own `tokenUrl`, Zendesk always does
 * (https://<subdomain>.zendesk.com/oauth/tokens).
 */
export const VENDOR_TOKEN_URLS: Readonly<Partial<Record<Vendor, string>>> = Object.freeze({
  salesforce: "https://login.salesforce.com/services/oauth2/token",
  hubspot: "https://api.hubapi.com/oauth/v1/token",
  google: "https://oauth2.googleapis.com/token",
  intercom: "https://api.intercom.io/auth/eagle/token",
});

/** A token without expires_in that does not expire (Intercom's; Zendesk's older ones): 100 years. */
const NO_EXPIRY_MS = 100 * 365 * 86_400_000;

/** Salesforce omits expires_in (session timeout applies): assume a conservative lifetime, 401 retry covers the rest. */
export const DEFAULT_TTL_MS: Readonly<Record<Vendor, number>> = {
  salesforce: 30 * 60_000,
  hubspot: 30 * 60_000,
  google: 60 * 60_000,
  zendesk: NO_EXPIRY_MS,
  intercom: NO_EXPIRY_MS,
};

export interface TokenSet {
  accessToken: string;
  /** Omitted when the vendor did not rotate it: keep the old one. */
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Salesforce: the org's API host. */
  instanceUrl?: string;
  scope?: string;
}

/** One vendor's refresh call: exchange a refresh token for a new token set. */
export type RefreshFunction = (refreshToken: string) => Promise<TokenSet>;

export class TokenRefreshError extends Error {
  override name = "TokenRefreshError";
  constructor(
    message: string,
    readonly status?: number,
    /** The OAuth `error` code, e.g. invalid_grant (re-authorisation needed). */
    readonly oauthError?: string,
  ) {
    super(message);
  }
}

export interface TokenEndpointOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Lifetime assumed when the response has no expires_in. */
  defaultTtlMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** One form POST to the token endpoint (client credentials in the body: all the vendors accept it), parsed. */
async function tokenRequest(o: TokenEndpointOptions, params: Record<string, string>): Promise<TokenSet> {
  const doFetch = o.fetch ?? fetch;
  const now = o.now ?? Date.now;
  const body = new URLSearchParams({ ...params, client_id: o.clientId, client_secret: o.clientSecret });
  let res: Response;
  try {
    res = await doFetch(o.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
  } catch (err) {
    // the cause (e.g. ECONNREFUSED) is useful; the request body with the secrets is never part of it
    throw new TokenRefreshError(`Token endpoint ${o.tokenUrl} unreachable: ${(err as Error).name}`);
  }
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    // only the short error code (OAuth's `error`, HubSpot's `status`): descriptions may echo request values
    const raw = json.error ?? json.status;
    const code = typeof raw === "string" && /^[A-Za-z_-]{1,64}$/.test(raw) ? raw : undefined;
    throw new TokenRefreshError(
      `Token endpoint ${o.tokenUrl} answered HTTP ${res.status}${code ? ` ${code}` : ""}`,
      res.status,
      code,
    );
  }
  // Intercom's eagle endpoint names it `token` (newer answers carry `access_token` too)
  const access = typeof json.access_token === "string" && json.access_token ? json.access_token : json.token;
  if (typeof access !== "string" || !access) {
    throw new TokenRefreshError(`Token endpoint ${o.tokenUrl} returned no access_token`, res.status);
  }
  const ttlMs = typeof json.expires_in === "number" ? json.expires_in * 1000 : Number(json.expires_in) * 1000;
  return {
    accessToken: access,
    ...(typeof json.refresh_token === "string" && json.refresh_token && { refreshToken: json.refresh_token }),
    expiresAt: now() + (Number.isFinite(ttlMs) && ttlMs > 0 ? ttlMs : (o.defaultTtlMs ?? 30 * 60_000)),
    ...(typeof json.instance_url === "string" && { instanceUrl: json.instance_url }),
    ...(typeof json.scope === "string" && { scope: json.scope }),
  };
}

/** RFC 6749 §6 refresh. */
export function tokenEndpointRefresher(o: TokenEndpointOptions): RefreshFunction {
  return (refreshToken) => tokenRequest(o, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/** RFC 6749 §4.1.3 (with RFC 7636's code_verifier when PKCE was used): the consent's code for tokens. */
export function exchangeAuthorizationCode(
  o: TokenEndpointOptions,
  grant: { code: string; redirectUri: string; codeVerifier?: string; scope?: string },
): Promise<TokenSet> {
  return tokenRequest(o, {
    grant_type: "authorization_code",
    code: grant.code,
    redirect_uri: grant.redirectUri,
    ...(grant.codeVerifier ? { code_verifier: grant.codeVerifier } : {}),
    // Zendesk asks for the scope again on the exchange
    ...(grant.scope ? { scope: grant.scope } : {}),
  });
}

/** The refresh function for a vendor, with its default endpoint and token lifetime. */
export function vendorRefresher(
  vendor: Vendor,
  o: Omit<TokenEndpointOptions, "tokenUrl"> & { tokenUrl?: string },
): RefreshFunction {
  const tokenUrl = o.tokenUrl ?? VENDOR_TOKEN_URLS[vendor];
  if (!tokenUrl) throw new Error(`The ${vendor} token endpoint depends on the account: pass tokenUrl.`);
  return tokenEndpointRefresher({ defaultTtlMs: DEFAULT_TTL_MS[vendor], ...o, tokenUrl });
}
