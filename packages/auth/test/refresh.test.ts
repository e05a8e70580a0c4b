import { randomBytes } from "node:crypto";
import { type KeyValue, openKv, type SqlDb } from "@revops/store";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ConnectionNotFoundError,
  CredentialVault,
  isUnauthorized,
  masterKeyFromBytes,
  TokenRefreshError,
  TokenRefresher,
  tokenEndpointRefresher,
  VENDOR_TOKEN_URLS,
  VendorUnauthorizedError,
  vendorRefresher,
} from "../src/index";
import { type Engine, postgresEngine, REDIS_URL, runId, sleep } from "./env";
import { listen, type Running, readBody } from "./servers";

describe("TokenRefresher against a real token endpoint, PostgreSQL and Redis", () => {
  let engine: Engine;
  let dbA: SqlDb;
  let dbB: SqlDb;
  let kvA: KeyValue;
  let kvB: KeyValue;
  let endpoint: Running;
  const calls: URLSearchParams[] = [];
  let reply: (n: number) => { status: number; body: Record<string, unknown> } = (n) => ({
    status: 200,
    body: { access_token: `at-${n}`, expires_in: 3600, refresh_token: `rt-${n}` },
  });
  const master = masterKeyFromBytes(randomBytes(32));
  const client = { clientId: "cid", clientSecret: "csecret" };

  beforeAll(async () => {
    engine = postgresEngine();
    dbA = await engine.open();
    dbB = await engine.open();
    const keyPrefix = `test:auth:${runId()}:`;
    kvA = await openKv({ redisUrl: REDIS_URL, keyPrefix });
    kvB = await openKv({ redisUrl: REDIS_URL, keyPrefix });
    endpoint = await listen(async (req, res) => {
      const form = new URLSearchParams(await readBody(req));
      calls.push(form);
      await sleep(150); // a slow vendor widens the race window
      const { status, body } = reply(calls.length);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });

  afterAll(async () => {
    await endpoint.close();
    await kvA.close();
    await kvB.close();
    await engine.teardown();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const replica = (
    db: SqlDb,
    kv: KeyValue,
    extra: Partial<ConstructorParameters<typeof TokenRefresher>[0]> = {},
  ) =>
    new TokenRefresher({
      vault: new CredentialVault(db, { current: master }),
      kv,
      refreshers: { hubspot: vendorRefresher("hubspot", { ...client, tokenUrl: `${endpoint.url}/token` }) },
      pollMs: 20,
      ...extra,
    });

  it("refreshes once across two replicas racing for an expired token", async () => {
    const a = replica(dbA, kvA);
    const b = replica(dbB, kvB);
    await a.save("hs-1", {
      vendor: "hubspot",
      accessToken: "old",
      refreshToken: "rt-0",
      expiresAt: Date.now() - 1,
    });
    const results = await Promise.all([a.fresh("hs-1"), b.fresh("hs-1"), a.fresh("hs-1"), b.fresh("hs-1")]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.get("grant_type")).toBe("refresh_token");
    expect(calls[0]?.get("refresh_token")).toBe("rt-0");
    expect(calls[0]?.get("client_id")).toBe("cid");
    expect(calls[0]?.get("client_secret")).toBe("csecret");
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set(["at-1"]));
    const stored = await b.fresh("hs-1");
    expect(stored).toMatchObject({ vendor: "hubspot", accessToken: "at-1", refreshToken: "rt-1" });
    expect(calls).toHaveLength(1);
    // the lock is released afterwards
    expect(await kvA.get("auth:refresh-lock:hs-1")).toBeUndefined();
  });

  it("refreshes ahead of expiry (skew) but not when the token is comfortably valid", async () => {
    const r = replica(dbA, kvA, { skewMs: 120_000 });
    await r.save("hs-2", {
      vendor: "hubspot",
      accessToken: "valid",
      refreshToken: "rt-a",
      expiresAt: Date.now() + 600_000,
    });
    expect((await r.fresh("hs-2")).accessToken).toBe("valid");
    await r.save("hs-2", {
      vendor: "hubspot",
      accessToken: "soon",
      refreshToken: "rt-a",
      expiresAt: Date.now() + 60_000,
    });
    expect((await r.fresh("hs-2")).accessToken).toBe("at-1");
    expect(calls).toHaveLength(1);
  });

  it("retries exactly once after a 401, with the refreshed token", async () => {
    const r = replica(dbA, kvA);
    await r.save("hs-3", {
      vendor: "hubspot",
      accessToken: "revoked-upstream",
      refreshToken: "rt-x",
      expiresAt: Date.now() + 3_600_000,
    });
    const seen: string[] = [];
    const result = await r.withFreshToken("hs-3", async (token) => {
      seen.push(token);
      if (token === "revoked-upstream") throw new VendorUnauthorizedError("401 from HubSpot");
      return "deals";
    });
    expect(result).toBe("deals");
    expect(seen).toEqual(["revoked-upstream", "at-1"]);
    expect(calls).toHaveLength(1);

    const attempts: string[] = [];
    await expect(
      r.withFreshToken("hs-3", async (token) => {
        attempts.push(token);
        throw Object.assign(new Error("still 401"), { statusCode: 401 });
      }),
    ).rejects.toThrow("still 401");
    expect(attempts).toEqual(["at-1", "at-2"]);

    const responses = await r.withFreshToken(
      "hs-3",
      async (token) => new Response(token, { status: token === "at-2" ? 401 : 200 }),
    );
    expect(await responses.text()).toBe("at-3");
    await expect(r.withFreshToken("hs-3", async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    expect(calls).toHaveLength(3);
  });

  it("a 401 seen by two replicas at once still refreshes once", async () => {
    const a = replica(dbA, kvA);
    const b = replica(dbB, kvB);
    await a.save("hs-4", {
      vendor: "hubspot",
      accessToken: "bad",
      refreshToken: "rt-y",
      expiresAt: Date.now() + 3_600_000,
    });
    const use = (r: TokenRefresher) =>
      r.withFreshToken("hs-4", async (token) => {
        if (token === "bad") throw new VendorUnauthorizedError("401");
        return token;
      });
    expect(await Promise.all([use(a), use(b)])).toEqual(["at-1", "at-1"]);
    expect(calls).toHaveLength(1);
  });

  it("waits for a lock held elsewhere and gives up after waitMs", async () => {
    const r = replica(dbA, kvA, { waitMs: 200 });
    await r.save("hs-5", { vendor: "hubspot", accessToken: "old", refreshToken: "rt", expiresAt: 0 });
    await kvB.set("auth:refresh-lock:hs-5", "someone-else", { ttlMs: 5_000 });
    await expect(r.fresh("hs-5")).rejects.toThrow(/Timed out waiting for another replica/);
    expect(calls).toHaveLength(0);
    await kvB.del("auth:refresh-lock:hs-5");
  });

  it("explains failures without leaking request secrets", async () => {
    const r = replica(dbA, kvA);
    reply = () => ({
      status: 400,
      body: { error: "invalid_grant", error_description: "refresh token rt-z is bad" },
    });
    await r.save("hs-6", { vendor: "hubspot", accessToken: "old", refreshToken: "rt-z", expiresAt: 0 });
    const err = (await r.fresh("hs-6").catch((e: unknown) => e)) as TokenRefreshError;
    expect(err).toBeInstanceOf(TokenRefreshError);
    expect(err.message).toMatch(/answered HTTP 400 invalid_grant$/);
    expect(err.oauthError).toBe("invalid_grant");
    expect(err.message).not.toContain("rt-z");
    reply = () => ({ status: 200, body: { token_type: "bearer" } });
    await expect(r.fresh("hs-6")).rejects.toThrow(/returned no access_token/);
    reply = (n) => ({
      status: 200,
      body: { access_token: `at-${n}`, expires_in: 3600, refresh_token: `rt-${n}` },
    });

    await expect(r.fresh("nope")).rejects.toThrow(ConnectionNotFoundError);
    await r.save("sf-1", { vendor: "salesforce", accessToken: "x", refreshToken: "y", expiresAt: 0 });
    await expect(r.fresh("sf-1")).rejects.toThrow(/No token refresher configured for vendor "salesforce"/);
    await r.save("hs-7", { vendor: "hubspot", accessToken: "x", expiresAt: 0 });
    await expect(r.fresh("hs-7")).rejects.toThrow(/has no refresh token; reconnect it/);
  });
});

describe("token endpoint refresher", () => {
  it("handles Salesforce-style answers without expires_in and keeps instance_url", async () => {
    const endpoint = await listen((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          access_token: "sf-at",
          instance_url: "https://acme.my.salesforce.com",
          scope: "api",
        }),
      );
    });
    try {
      const refresh = vendorRefresher("salesforce", {
        clientId: "c",
        clientSecret: "s",
        tokenUrl: `${endpoint.url}/t`,
        now: () => 1000,
      });
      expect(await refresh("rt")).toEqual({
        accessToken: "sf-at",
        expiresAt: 1000 + 30 * 60_000,
        instanceUrl: "https://acme.my.salesforce.com",
        scope: "api",
      });
    } finally {
      await endpoint.close();
    }
    const unreachable = tokenEndpointRefresher({
      tokenUrl: endpoint.url,
      clientId: "c",
      clientSecret: "s",
      timeoutMs: 1000,
    });
    await expect(unreachable("rt-secret")).rejects.toThrow(/unreachable/);
    await expect(unreachable("rt-secret")).rejects.not.toThrow(/rt-secret/);
    expect(VENDOR_TOKEN_URLS.google).toBe("https://oauth2.googleapis.com/token");
  });

  it("recognises 401s in several shapes", () => {
    expect(isUnauthorized(new VendorUnauthorizedError("x"))).toBe(true);
    expect(isUnauthorized({ response: { status: 401 } })).toBe(true);
    expect(isUnauthorized({ status: 403 })).toBe(false);
    expect(isUnauthorized("401")).toBe(false);
    expect(isUnauthorized(null)).toBe(false);
  });
});
