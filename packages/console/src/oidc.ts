import { createHash, randomBytes } from "node:crypto";
import type { KeyValue } from "@revops/store";
import * as client from "openid-client";
import type { OidcPolicy } from "./oidc-policy";

/** The organisation's OpenID Connect login for the console (authorization code flow with PKCE). */
export interface OidcSettings extends OidcPolicy {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: `<console URL>/oidc/callback`, registered at the provider. */
  redirectUri: string;
  /** Shown as "Sign in with <providerName>". */
  providerName: string;
  /** Space-separated scopes asked for (default "openid email profile"). */
  scopes?: string;
  /** Where the provider sends the browser after signing out (default `<console URL>/signin`); registered too. */
  postLogoutRedirectUri?: string;
}

/** What a finished sign-in yields: the person's claims, and the ID token that later asks the provider to sign out. */
export interface OidcIdentity {
  claims: Record<string, unknown>;
  idToken: string | undefined;
}

/** A sign-in the provider or our checks refused: the message is for the person at the browser. */
export class OidcRefused extends Error {}

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
}

/** A started sign-in lives this long (the person types their password at the provider meanwhile). */
export const FLOW_TTL_MS = 10 * 60_000;
const flowKey = (id: string) => `console:oidc:flow:${createHash("sha256").update(id).digest("hex")}`;
const isLoopbackUrl = (u: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);

export class OidcSignIn {
  private config: Promise<client.Configuration> | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly kv: () => Promise<KeyValue>,
  ) {}

  /** Discovery once per process; a failure is retried by the next sign-in, never cached. */
  private discover(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer);
    this.config ??= client
      .discovery(
        issuer,
        this.settings.clientId,
        undefined,
        client.ClientSecretBasic(this.settings.clientSecret),
        {
          // plain HTTP only for a provider on this machine (development, tests); start-up refuses it elsewhere
          ...(issuer.protocol === "http:" &&
            isLoopbackUrl(issuer) && { execute: [client.allowInsecureRequests] }),
          timeout: 10,
        },
      )
      .then((config) => {
        // the ID token's signature is checked against the provider's keys, not only trusted for arriving over TLS
        client.enableNonRepudiationChecks(config);
        return config;
      });
    this.config.catch(() => {
      this.config = undefined;
    });
    return this.config;
  }

  /** The provider's configuration, or a refusal the person can act on while it is unreachable. */
  private async reach(): Promise<client.Configuration> {
    try {
      return await this.discover();
    } catch (err) {
      throw new OidcRefused(
        `${this.settings.providerName} could not be reached (${(err as Error).message}); try again in a minute.`,
      );
    }
  }

  /** A new flow: its id goes in a cookie, its secrets (state, nonce, PKCE verifier) in the key-value store. */
  async start(): Promise<{ flowId: string; url: URL }> {
    const config = await this.reach();
    const flow: Flow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
    };
    const flowId = randomBytes(32).toString("base64url");
    await (await this.kv()).set(flowKey(flowId), JSON.stringify(flow), { ttlMs: FLOW_TTL_MS });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes ?? "openid email profile",
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: "S256",
      state: flow.state,
      nonce: flow.nonce,
    });
    return { flowId, url };
  }

  /**
   * Completes a flow from the callback's query: the flow is used up first (a replayed callback finds none), then
   * state, the code (with the PKCE verifier) and the ID token (issuer, audience, expiry, nonce, signature) are
   * checked by openid-client. Returns the ID token's claims merged with the userinfo endpoint's.
   */
  async finish(flowId: string | undefined, query: URLSearchParams): Promise<OidcIdentity> {
    const raw = flowId ? await (await this.kv()).take(flowKey(flowId)) : undefined;
    if (!raw)
      throw new OidcRefused(
        "This sign-in was already used, took longer than 10 minutes or was started in another browser; start again.",
      );
    const flow = JSON.parse(raw) as Flow;
    const config = await this.reach();
    const current = new URL(this.settings.redirectUri);
    current.search = query.toString();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new OidcRefused(`${this.settings.providerName} sign-in failed: ${describe(err)}`);
    }
    const idClaims = tokens.claims() as Record<string, unknown>;
    const sub = idClaims.sub as string;
    // many providers put email and groups in the userinfo response only (OIDC Core 5.4)
    const userinfo = config.serverMetadata().userinfo_endpoint
      ? await client.fetchUserInfo(config, tokens.access_token, sub).catch((err: unknown) => {
          throw new OidcRefused(
            `${this.settings.providerName} did not return your profile: ${describe(err)}`,
          );
        })
      : {};
    return { claims: { ...userinfo, ...idClaims }, idToken: tokens.id_token };
  }

  /**
   * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the provider's end-session URL with the session's
   * ID token as hint, or undefined when the provider publishes none (or cannot be reached: signing out of the
   * console never waits on the provider).
   */
  async endSessionUrl(idToken: string): Promise<URL | undefined> {
    const config = await this.discover().catch(() => undefined);
    if (!config?.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri:
        this.settings.postLogoutRedirectUri ??
        this.settings.redirectUri.replace(/\/oidc\/callback$/, "/signin"),
    });
  }
}

/** The provider's own error text when it sent one (access_denied, invalid_grant…), else the check that failed. */
function describe(err: unknown): string {
  const e = err as { error?: string; error_description?: string; message?: string; cause?: unknown };
  if (e.error) return e.error_description ? `${e.error} (${e.error_description})` : e.error;
  // openid-client's message is generic ("invalid response encountered"); its cause names the check
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
  return `${e.message ?? String(err)}${cause}`;
}
