import type { SqlDb } from "@revops/store";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiKeyStore,
  type AuthLog,
  createHttpAuthenticator,
  hasScope,
  isLoopbackHost,
  protectedResourceMetadataHandler,
  writeInsufficientScope,
} from "../src/index";
import { type Engine, sqliteEngine } from "./env";
import { listen, type Running } from "./servers";

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

describe("HTTP authentication over real HTTP", () => {
  let engine: Engine;
  let db: SqlDb;
  let keys: ApiKeyStore;
  let signing: KeyPair;
  let stranger: KeyPair;
  let issuerServer: Running;
  let issuer: string;
  let app: Running;
  let resource: string;
  let metadataUrl: string;
  const logs: string[] = [];
  const log: AuthLog = (level, message, fields) =>
    logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);

  const sign = (
    claims: JWTPayload,
    opts: { key?: KeyPair; exp?: string | number | null; iss?: string; aud?: string } = {},
  ) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: opts.key === stranger ? "other" : "k1" })
      .setIssuer(opts.iss ?? issuer)
      .setAudience(opts.aud ?? resource)
      .setSubject("user-42")
      .setIssuedAt();
    if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? "5m");
    return jwt.sign((opts.key ?? signing).privateKey);
  };

  const call = (token?: string, init: { path?: string; origin?: string; auth?: string } = {}) =>
    fetch(`${app.url}${init.path ?? "/mcp"}`, {
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(init.auth && { authorization: init.auth }),
        ...(init.origin && { origin: init.origin }),
      },
    });

  beforeAll(async () => {
    engine = sqliteEngine();
    db = await engine.open();
    keys = new ApiKeyStore(db);
    signing = await generateKeyPair("ES256");
    stranger = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(signing.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    issuerServer = await listen((req, res) => {
      if (req.url === "/.well-known/oauth-authorization-server") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      } else if (req.url === "/jwks") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ keys: [jwk] }));
      } else res.writeHead(404).end();
    });
    issuer = issuerServer.url;
    // the resource server: metadata first, then the authenticator, then a scope-checked route
    let authenticate: ReturnType<typeof createHttpAuthenticator> | undefined;
    let metadata: ReturnType<typeof protectedResourceMetadataHandler> | undefined;
    app = await listen(async (req, res) => {
      if (metadata?.(req, res)) return;
      const principal = await authenticate?.(req, res);
      if (!principal) return;
      if (req.url === "/mcp/send" && !hasScope(principal.scopes, "sales:send")) {
        return writeInsufficientScope(res, { resourceMetadataUrl: metadataUrl, scope: "sales:send" });
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(principal));
    });
    resource = `${app.url}/mcp`;
    metadataUrl = `${app.url}/.well-known/oauth-protected-resource/mcp`;
    authenticate = createHttpAuthenticator({
      resource,
      allowedOrigins: ["https://app.example.com"],
      apiKeys: keys,
      oauth: { issuer, roleClaim: "roles" }, // JWKS found by discovery
      log,
    });
    metadata = protectedResourceMetadataHandler({
      resource,
      authorizationServers: [issuer],
      resourceName: "RevOps",
    });
  });

  afterAll(async () => {
    await app.close();
    await issuerServer.close();
    await engine.teardown();
  });

  const expectInvalidToken = async (res: Response, message: RegExp) => {
    expect(res.status).toBe(401);
    const header = res.headers.get("www-authenticate") ?? "";
    expect(header).toMatch(/^Bearer /);
    expect(header).toContain(`resource_metadata="${metadataUrl}"`);
    expect(header).toContain('error="invalid_token"');
    expect(header).toMatch(message);
    const body = (await res.json()) as { error: { message: string; data: { error: string } } };
    expect(body.error.message).toMatch(message);
    expect(body.error.data.error).toBe("invalid_token");
  };

  it("accepts a valid JWT and maps scope plus role claims to scopes", async () => {
    const res = await call(
      await sign({ scope: "sales:read openid cs:write", roles: ["auditor", "ghost"], name: "Ann" }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: "oauth:user-42",
      name: "Ann",
      via: "oauth",
      scopes: ["audit:read", "cs:read", "cs:write", "marketing:read", "sales:read"],
    });
  });

  it("reads scopes from an scp array too", async () => {
    const res = await call(await sign({ scp: ["sales:send", "sales:read"] }), { path: "/mcp/send" });
    expect(res.status).toBe(200);
  });

  it("rejects a token for another audience (RFC 8707)", async () => {
    await expectInvalidToken(
      await call(await sign({}, { aud: "https://other.example.com/mcp" })),
      /audience must be/,
    );
  });

  it("rejects an expired token", async () => {
    await expectInvalidToken(
      await call(await sign({}, { exp: Math.floor(Date.now() / 1000) - 3600 })),
      /expired/,
    );
  });

  it("rejects a token from another issuer", async () => {
    await expectInvalidToken(
      await call(await sign({}, { iss: "https://evil.example.com" })),
      /another issuer/,
    );
  });

  it("rejects a token without exp", async () => {
    await expectInvalidToken(await call(await sign({}, { exp: null })), /no exp claim/);
  });

  it("rejects a token signed by a key the issuer does not publish", async () => {
    await expectInvalidToken(
      await call(await sign({}, { key: stranger })),
      /key the issuer does not publish/,
    );
  });

  it("rejects garbage bearer tokens", async () => {
    await expectInvalidToken(await call("not.a.jwt"), /neither an API key nor a well-formed JWT/);
  });

  it("answers 403 insufficient_scope naming the scope when a tool needs more", async () => {
    const res = await call(await sign({ scope: "sales:read" }), { path: "/mcp/send" });
    expect(res.status).toBe(403);
    const header = res.headers.get("www-authenticate") ?? "";
    expect(header).toContain('error="insufficient_scope"');
    expect(header).toContain('scope="sales:send"');
    expect(header).toContain(`resource_metadata="${metadataUrl}"`);
    const body = (await res.json()) as { error: { message: string; data: { scope: string } } };
    expect(body.error.message).toBe('This operation requires the scope "sales:send".');
    expect(body.error.data.scope).toBe("sales:send");
  });

  it("asks for credentials without an error code when none were sent", async () => {
    const res = await call();
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /Authentication required/,
    );
    const basic = await call(undefined, { auth: "Basic dXNlcjpwYXNz" });
    expect(basic.status).toBe(401);
    expect(((await basic.json()) as { error: { message: string } }).error.message).toMatch(
      /Unsupported Authorization/,
    );
  });

  it("accepts API keys and rejects them on the first request after revocation", async () => {
    const { key, id } = await keys.create({ name: "ci", role: "sales-rep" });
    const ok = await call(key, { path: "/mcp/send" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: `api-key:${id}`, via: "api-key" });
    await keys.revoke(id);
    await expectInvalidToken(await call(key), new RegExp(`API key ${id} was revoked`));
  });

  it("rejects a foreign Origin with 403 and accepts an allowed one", async () => {
    const token = await sign({ scope: "sales:read" });
    const bad = await call(token, { origin: "https://evil.example.com" });
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /Origin https:\/\/evil\.example\.com is not allowed/,
    );
    expect((await call(token, { origin: "https://app.example.com" })).status).toBe(200);
  });

  it("serves RFC 9728 metadata at both well-known paths", async () => {
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
    ]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(await res.json()).toMatchObject({
        resource,
        authorization_servers: [issuer],
        bearer_methods_supported: ["header"],
        resource_name: "RevOps",
        scopes_supported: expect.arrayContaining(["sales:read", "audit:read", "marketing:spend"]),
      });
    }
    expect((await fetch(`${app.url}/.well-known/oauth-protected-resource`, { method: "POST" })).status).toBe(
      405,
    );
    expect(
      (await fetch(`${app.url}/.well-known/oauth-protected-resource`, { method: "OPTIONS" })).status,
    ).toBe(204);
  });

  it("never logs tokens, only reasons", () => {
    expect(logs.some((l) => l.includes("Rejected access token"))).toBe(true);
    expect(logs.join("\n")).not.toMatch(/eyJ/);
  });
});

describe("authenticator configuration", () => {
  it("answers 503 when the JWKS cannot be fetched, and API keys are refused when not configured", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const resource = "http://127.0.0.1:9/mcp";
    const authenticate = createHttpAuthenticator({
      resource,
      oauth: { issuer: "https://as.example.com", jwksUri: "http://127.0.0.1:9/jwks" },
    });
    const app = await listen(async (req, res) => {
      if (await authenticate(req, res)) res.writeHead(200).end();
    });
    try {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: "ES256" })
        .setIssuer("https://as.example.com")
        .setAudience(resource)
        .setExpirationTime("5m")
        .sign(privateKey);
      const res = await fetch(`${app.url}/mcp`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(503);
      const apiKey = await fetch(`${app.url}/mcp`, { headers: { authorization: `Bearer rmcp_abc_def` } });
      expect(apiKey.status).toBe(401);
      expect(((await apiKey.json()) as { error: { message: string } }).error.message).toMatch(
        /API keys are not accepted/,
      );
    } finally {
      await app.close();
    }
  });

  it("requires some credential source, and a valid resource URL", () => {
    expect(() => createHttpAuthenticator({ resource: "https://x.example.com/mcp" })).toThrow(
      /API keys and\/or OAuth/,
    );
    expect(() => createHttpAuthenticator({ resource: "not a url", oauth: { issuer: "https://a" } })).toThrow(
      /absolute URL/,
    );
    expect(() =>
      createHttpAuthenticator({ resource: "https://x/mcp#frag", oauth: { issuer: "https://a" } }),
    ).toThrow(/fragment/);
  });

  it("disables authentication for loopback development only, loudly", async () => {
    const logs: string[] = [];
    const log: AuthLog = (level, message) => logs.push(`${level}: ${message}`);
    for (const bindHost of ["0.0.0.0", "10.0.0.5", "::", undefined]) {
      expect(() =>
        createHttpAuthenticator({
          resource: "http://127.0.0.1/mcp",
          authDisabledForLoopback: true,
          bindHost,
        }),
      ).toThrow(/Refusing to disable authentication/);
    }
    const authenticate = createHttpAuthenticator({
      resource: "http://127.0.0.1/mcp",
      authDisabledForLoopback: true,
      bindHost: "127.0.0.1",
      allowedOrigins: [],
      log,
    });
    expect(logs[0]).toMatch(/^warn: !!! AUTHENTICATION IS DISABLED/);
    const app = await listen(async (req, res) => {
      const p = await authenticate(req, res);
      if (p) res.writeHead(200).end(JSON.stringify(p));
    });
    try {
      const res = await fetch(`${app.url}/mcp`);
      expect(await res.json()).toMatchObject({ id: "loopback-dev", scopes: ["*"], via: "loopback-dev" });
      expect(
        (await fetch(`${app.url}/mcp`, { headers: { origin: "https://evil.example.com" } })).status,
      ).toBe(403);
    } finally {
      await app.close();
    }
  });

  it("recognises loopback hosts", () => {
    for (const h of [
      "127.0.0.1",
      "127.9.9.9",
      "::1",
      "[::1]",
      "localhost",
      "::ffff:127.0.0.1",
      "api.localhost",
    ]) {
      expect(isLoopbackHost(h)).toBe(true);
    }
    for (const h of ["0.0.0.0", "::", "192.168.1.2", "example.com", "128.0.0.1"])
      expect(isLoopbackHost(h)).toBe(false);
  });
});
