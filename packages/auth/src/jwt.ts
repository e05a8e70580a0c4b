import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { type AuthLog, silentLog } from "./log";
import type { Principal } from "./principal";
import { BUILTIN_ROLES, isKnownRole, type RoleMap, resolveScopes } from "./roles";
import { isValidScope } from "./scopes";

export interface OAuthOptions {
  /** Authorization server issuer; the token's `iss` must equal it exactly. */
  issuer: string;
  /** JWKS URL; default: discovered from the issuer's RFC 8414 / OIDC metadata. */
  jwksUri?: string;
  /** Accepted `aud` values; default: the resource URL (RFC 8707 audience binding). */
  audience?: string | readonly string[];
  /** Claim holding role names (e.g. "roles"), mapped to scopes through the role configuration. */
  roleClaim?: string;
  /** Default 5 s. */
  clockToleranceSec?: number;
  /** Default: asymmetric algorithms only. */
  algorithms?: readonly string[];
}

/** The token was presented but is not acceptable: answer 401 invalid_token. */
export class TokenRejectedError extends Error {
  override name = "TokenRejectedError";
}

/** We could not check the token (authorization server or JWKS unreachable): answer 503. */
export class TokenCheckUnavailableError extends Error {
  override name = "TokenCheckUnavailableError";
}

const ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** Validates bearer JWTs against the issuer's JWKS: signature, iss, aud, exp (required), nbf. */
export class JwtVerifier {
  private keySet: Promise<KeySet> | undefined;
  private readonly audience: string[];
  private readonly roles: RoleMap;
  private readonly log: AuthLog;

  constructor(
    private readonly o: OAuthOptions,
    resource: string,
    deps: { roles?: RoleMap; log?: AuthLog; fetch?: typeof fetch } = {},
  ) {
    new URL(o.issuer); // fail at start-up, not on the first request
    this.audience =
      o.audience === undefined ? [resource] : typeof o.audience === "string" ? [o.audience] : [...o.audience];
    this.roles = deps.roles ?? BUILTIN_ROLES;
    this.log = deps.log ?? silentLog;
    this.fetch = deps.fetch ?? fetch;
  }

  private readonly fetch: typeof fetch;

  async verify(token: string): Promise<Principal> {
    const keys = await this.keys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.o.issuer,
        audience: this.audience,
        requiredClaims: ["exp"],
        clockTolerance: this.o.clockToleranceSec ?? 5,
        algorithms: [...(this.o.algorithms ?? ASYMMETRIC)],
      }));
    } catch (err) {
      throw this.explain(err);
    }
    const subject =
      stringClaim(payload, "sub") ?? stringClaim(payload, "client_id") ?? stringClaim(payload, "azp");
    if (!subject) throw new TokenRejectedError("The access token has no sub (or client_id) claim.");
    const name =
      stringClaim(payload, "name") ??
      stringClaim(payload, "email") ??
      stringClaim(payload, "preferred_username");
    return { id: `oauth:${subject}`, ...(name && { name }), scopes: this.scopesOf(payload), via: "oauth" };
  }

  /** Scopes from `scope` (space-separated) or `scp`, plus those of known roles in the role claim. */
  private scopesOf(payload: JWTPayload): string[] {
    const raw = [...words(payload.scope), ...words(payload.scp)].filter(isValidScope);
    const roleNames = this.o.roleClaim ? words(payload[this.o.roleClaim]) : [];
    const known = roleNames.filter((r) => isKnownRole(r, this.roles));
    if (known.length < roleNames.length) {
      this.log("debug", "Ignoring unknown roles in token", {
        roles: roleNames.filter((r) => !known.includes(r)),
      });
    }
    const all = [...raw, ...resolveScopes(known, this.roles)];
    return all.includes("*") ? ["*"] : [...new Set(all)].sort();
  }

  private keys(): Promise<KeySet> {
    if (!this.keySet) {
      this.keySet = this.jwksUrl().then((url) => createRemoteJWKSet(url, { timeoutDuration: 5000 }));
      // a failed discovery is retried on the next request instead of being cached forever
      this.keySet.catch(() => {
        this.keySet = undefined;
      });
    }
    return this.keySet;
  }

  private async jwksUrl(): Promise<URL> {
    if (this.o.jwksUri) return new URL(this.o.jwksUri);
    const issuer = new URL(this.o.issuer);
    const path = issuer.pathname === "/" ? "" : issuer.pathname.replace(/\/$/, "");
    const candidates = [
      `${issuer.origin}/.well-known/oauth-authorization-server${path}`,
      `${this.o.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
    ];
    for (const url of candidates) {
      const meta = await this.fetch(url, { signal: AbortSignal.timeout(5000) })
        .then((r) => (r.ok ? (r.json() as Promise<Record<string, unknown>>) : undefined))
        .catch(() => undefined);
      if (!meta) continue;
      if (meta.issuer !== this.o.issuer) {
        throw new TokenCheckUnavailableError(`Authorization server metadata at ${url} names another issuer.`);
      }
      if (typeof meta.jwks_uri === "string") return new URL(meta.jwks_uri);
    }
    throw new TokenCheckUnavailableError(`Cannot discover the JWKS of issuer ${this.o.issuer}; set jwksUri.`);
  }

  /** Maps jose errors to messages a client developer can act on; never includes the token. */
  private explain(err: unknown): Error {
    if (err instanceof errors.JWTExpired) return new TokenRejectedError("The access token has expired.");
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === "aud") {
        return new TokenRejectedError(
          `The access token was not issued for this server: audience must be ${this.audience.join(" or ")}.`,
        );
      }
      if (err.claim === "iss") {
        return new TokenRejectedError(
          `The access token was issued by another issuer; expected ${this.o.issuer}.`,
        );
      }
      if (err.claim === "exp")
        return new TokenRejectedError("The access token has no exp claim; tokens must expire.");
      if (err.claim === "nbf") return new TokenRejectedError("The access token is not valid yet (nbf).");
      return new TokenRejectedError(`The access token's ${err.claim} claim is invalid (${err.reason}).`);
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return new TokenRejectedError("The access token's signature is invalid.");
    }
    if (err instanceof errors.JWKSNoMatchingKey) {
      return new TokenRejectedError("The access token is signed with a key the issuer does not publish.");
    }
    if (err instanceof errors.JOSEAlgNotAllowed) {
      return new TokenRejectedError("The access token uses a signing algorithm that is not allowed.");
    }
    if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) {
      return new TokenRejectedError("The bearer token is neither an API key nor a well-formed JWT.");
    }
    if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) {
      return new TokenCheckUnavailableError("The issuer's JWKS could not be fetched; try again later.");
    }
    if (err instanceof errors.JOSEError)
      return new TokenRejectedError(`The access token is invalid (${err.code}).`);
    this.log("error", "Unexpected error while checking an access token", { error: (err as Error)?.message });
    return new TokenCheckUnavailableError("The access token could not be checked; try again later.");
  }
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const v = payload[name];
  return typeof v === "string" && v ? v : undefined;
}

function words(value: unknown): string[] {
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}
