import { createHash, randomBytes } from "node:crypto";
import { type FakeRequest, json, type Reply } from "./http-fake";

/** A registered app (HubSpot public app, Salesforce connected app) and its callback URLs. */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** Registered redirect URIs, matched exactly; undefined accepts any http://127.0.0.1:<port>/callback (tests). */
  redirectUris?: string[];
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  scope: string;
  expiresAt: number;
  used: boolean;
  /** Google: `access_type=offline` was asked, so the code's exchange returns a refresh token. */
  offline: boolean;
}

/** The authorization server side of a vendor fake: consent page, single-use codes, PKCE, token and refresh grants. */
export interface OAuthFakeState {
  style: "hubspot" | "salesforce" | "google" | "zendesk" | "intercom";
  apps: OAuthApp[];
  codes: Map<string, IssuedCode>;
  /** Access tokens issued here and when they expire (tokens not issued here are not checked). */
  accessTokens: Map<string, number>;
  /** Refresh token → the client it was issued to. */
  refreshTokens: Map<string, string>;
  /** Every token grant, in order: "authorization_code" / "refresh_token" and whether it was accepted. */
  grants: { type: string; ok: boolean; error?: string }[];
  /** The fake's clock (tests move it to expire codes and tokens). */
  now: () => number;
  codeTtlMs: number;
  accessTtlSec: number;
}

export function oauthFakeState(
  style: OAuthFakeState["style"],
  seed: { apps?: OAuthApp[]; accessTtlSec?: number } = {},
): OAuthFakeState {
  return {
    style,
    apps: seed.apps ?? [{ clientId: `${style}-test-client`, clientSecret: `${style}-test-secret` }],
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    grants: [],
    now: Date.now,
    // Salesforce: codes are valid 15 minutes, Intercom's about 5; HubSpot documents none, RFC 6749 §4.1.2 says at most 10
    codeTtlMs: style === "salesforce" ? 15 * 60_000 : style === "intercom" ? 5 * 60_000 : 10 * 60_000,
    accessTtlSec: seed.accessTtlSec ?? 1800,
  };
}

const LOOPBACK = /^http:\/\/127\.0\.0\.1:\d{1,5}\/callback$/;
const htmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function redirectAllowed(app: OAuthApp, uri: string): boolean {
  return app.redirectUris ? app.redirectUris.includes(uri) : LOOPBACK.test(uri);
}

/** The vendor's error body: Salesforce and Google speak RFC 6749 §5.2, HubSpot its own { status, message } shape. */
function tokenError(
  s: OAuthFakeState,
  status: number,
  code: string,
  hubspot: string,
  message: string,
): Reply {
  s.grants.push({ type: "?", ok: false, error: code });
  return s.style !== "hubspot"
    ? json(status, { error: code, error_description: message })
    : json(status, {
        status: hubspot,
        message,
        correlationId: randomBytes(8).toString("hex"),
        category: "VALIDATION_ERROR",
      });
}

function page(title: string, body: string): Reply {
  return {
    status: 200,
    raw: `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1>${body}`,
    headers: { "content-type": "text/html; charset=utf-8" },
  };
}

/** GET: the consent page (a form with Allow and Deny); POST: the user's decision, redirected to the app. */
function authorize(s: OAuthFakeState, req: FakeRequest): Reply {
  const q = req.method === "POST" ? new URLSearchParams(req.body) : req.query;
  const app = s.apps.find((a) => a.clientId === q.get("client_id"));
  const redirectUri = q.get("redirect_uri") ?? "";
  // an unknown client or unregistered redirect is shown, never redirected to (RFC 6749 §4.1.2.1)
  if (!app)
    return { ...page("Error", "<p id=error>invalid_client_id: client identifier invalid</p>"), status: 400 };
  if (!redirectAllowed(app, redirectUri))
    return { ...page("Error", "<p id=error>redirect_uri_mismatch</p>"), status: 400 };
  const state = q.get("state");
  const back = new URL(redirectUri);
  if (state !== null) back.searchParams.set("state", state);
  // Intercom's authorize URL carries only client_id, state and redirect_uri
  if (s.style !== "intercom" && q.get("response_type") !== "code") {
    back.searchParams.set("error", "unsupported_response_type");
    return { status: 302, headers: { location: back.toString() } };
  }
  if (req.method === "GET") {
    const hidden = [...q]
      .map(([k, v]) => `<input type=hidden name="${htmlEscape(k)}" value="${htmlEscape(v)}">`)
      .join("");
    return page(
      `Allow access to ${htmlEscape(app.clientId)}?`,
      `<p>Scopes: ${htmlEscape(q.get("scope") ?? "")}</p><form method=post>${hidden}` +
        "<button id=allow name=decision value=allow>Allow</button>" +
        "<button id=deny name=decision value=deny>Deny</button></form>",
    );
  }
  if (q.get("decision") !== "allow") {
    back.searchParams.set("error", "access_denied");
    back.searchParams.set("error_description", "end-user denied authorization");
    return { status: 302, headers: { location: back.toString() } };
  }
  const code = randomBytes(24).toString("base64url");
  const challenge = q.get("code_challenge");
  s.codes.set(code, {
    clientId: app.clientId,
    redirectUri,
    // Intercom has no PKCE: it ignores the challenge
    ...(challenge && q.get("code_challenge_method") === "S256" && s.style !== "intercom"
      ? { challenge }
      : {}),
    scope: q.get("scope") ?? "",
    expiresAt: s.now() + s.codeTtlMs,
    used: false,
    offline: s.style !== "google" || q.get("access_type") === "offline",
  });
  back.searchParams.set("code", code);
  return { status: 302, headers: { location: back.toString() } };
}

function issue(
  s: OAuthFakeState,
  clientId: string,
  scope: string,
  refresh: string | undefined,
  instanceUrl: string,
  offline = true,
) {
  const accessToken = `${s.style === "salesforce" ? "00D!" : "CJ"}${randomBytes(18).toString("base64url")}`;
  // Intercom's tokens do not expire and come without a refresh token
  if (s.style === "intercom") {
    s.accessTokens.set(accessToken, Number.POSITIVE_INFINITY);
    return json(200, { token_type: "Bearer", token: accessToken, access_token: accessToken });
  }
  s.accessTokens.set(accessToken, s.now() + s.accessTtlSec * 1000);
  const refreshToken = refresh ?? randomBytes(24).toString("base64url");
  s.refreshTokens.set(refreshToken, clientId);
  // Google: a refresh token only when the consent asked for offline access; none on a refresh grant
  if (s.style === "google")
    return json(200, {
      access_token: accessToken,
      expires_in: s.accessTtlSec,
      ...(refresh === undefined && offline ? { refresh_token: refreshToken } : {}),
      scope,
      token_type: "Bearer",
    });
  // Zendesk's newer tokens: expiring, with a refresh token and the granted scope
  if (s.style === "zendesk")
    return json(200, {
      access_token: accessToken,
      token_type: "bearer",
      scope,
      refresh_token: refreshToken,
      expires_in: s.accessTtlSec,
    });
  if (s.style === "hubspot")
    return json(200, {
      token_type: "bearer",
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: s.accessTtlSec,
    });
  // Salesforce sends no expires_in: the session timeout applies
  return json(200, {
    access_token: accessToken,
    refresh_token: refreshToken,
    signature: randomBytes(16).toString("base64"),
    scope,
    instance_url: instanceUrl,
    id: "https://login.salesforce.com/id/00Dxx0000000001/005xx0000000001",
    token_type: "Bearer",
    issued_at: String(s.now()),
  });
}

/**
 * POST token endpoint: authorization_code (client authenticated, code known, unused, unexpired, issued for this
 * redirect_uri, PKCE verifier matching) and refresh_token for tokens issued here; undefined for other refresh
 * tokens so the fake's older seeded flow answers them.
 */
export function oauthToken(s: OAuthFakeState, req: FakeRequest, instanceUrl: string): Reply | undefined {
  const f = new URLSearchParams(req.body);
  const grant = f.get("grant_type");
  if (grant === "refresh_token" && !s.refreshTokens.has(f.get("refresh_token") ?? "")) return undefined;
  const app = s.apps.find((a) => a.clientId === f.get("client_id"));
  if (!app) return tokenError(s, 400, "invalid_client_id", "BAD_CLIENT_ID", "client identifier invalid");
  if (app.clientSecret !== f.get("client_secret"))
    return tokenError(s, 400, "invalid_client", "BAD_CLIENT_SECRET", "invalid client credentials");
  if (grant === "refresh_token") {
    const token = f.get("refresh_token") as string;
    if (s.refreshTokens.get(token) !== app.clientId)
      return tokenError(s, 400, "invalid_grant", "BAD_REFRESH_TOKEN", "expired access/refresh token");
    s.grants.push({ type: grant, ok: true });
    // no vendor rotates refresh tokens here: the same one comes back (HubSpot) or none (Salesforce, Google)
    const reply = issue(s, app.clientId, "", token, instanceUrl);
    if (s.style !== "hubspot") delete (reply.body as Record<string, unknown>).refresh_token;
    return reply;
  }
  if (grant !== "authorization_code")
    return tokenError(s, 400, "unsupported_grant_type", "BAD_GRANT_TYPE", "grant type not supported");
  const code = s.codes.get(f.get("code") ?? "");
  if (!code || code.clientId !== app.clientId)
    return tokenError(s, 400, "invalid_grant", "BAD_AUTH_CODE", "invalid authorization code");
  if (code.used)
    return tokenError(s, 400, "invalid_grant", "BAD_AUTH_CODE", "authorization code already used");
  code.used = true;
  if (code.expiresAt <= s.now())
    return tokenError(s, 400, "invalid_grant", "BAD_AUTH_CODE", "expired authorization code");
  // Intercom's exchange takes only code, client_id and client_secret
  if (s.style !== "intercom" && code.redirectUri !== f.get("redirect_uri"))
    return tokenError(
      s,
      400,
      "redirect_uri_mismatch",
      "BAD_REDIRECT_URI",
      "redirect_uri must match configuration",
    );
  if (code.challenge) {
    const verifier = f.get("code_verifier") ?? "";
    const hash = createHash("sha256").update(verifier).digest("base64url");
    if (hash !== code.challenge)
      return tokenError(s, 400, "invalid_grant", "BAD_AUTH_CODE", "invalid code verifier");
  }
  s.grants.push({ type: grant, ok: true });
  return issue(s, app.clientId, code.scope, undefined, instanceUrl, code.offline);
}

/** The consent page and its decision, on the vendor's authorize path. */
export const oauthAuthorize = authorize;

/** True when the bearer is an access token issued here that has expired: the vendor answers 401. */
export const accessExpired = (s: OAuthFakeState, bearer: string | undefined) => {
  const until = bearer === undefined ? undefined : s.accessTokens.get(bearer);
  return until !== undefined && until <= s.now();
};

/**
 * The consent page and token endpoint on the vendor's paths (Zendesk, Intercom), or undefined for its API;
 * a refresh token not issued here is `invalid_grant` (RFC 6749 §5.2).
 */
export function oauthRoutes(
  s: OAuthFakeState,
  req: FakeRequest,
  paths: { authorize: string; token: string },
): Reply | undefined {
  if (req.path === paths.authorize) return authorize(s, req);
  if (req.path !== paths.token) return undefined;
  if (req.method !== "POST") return json(405, { error: "invalid_request", error_description: "POST only" });
  return (
    oauthToken(s, req, "") ??
    json(400, { error: "invalid_grant", error_description: "refresh token not issued to this client" })
  );
}
