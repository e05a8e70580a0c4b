import { openKv } from "@revops/store";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createQuotaTracker,
  createResilientCaller,
  createVendorLimiter,
  createVendorPolicy,
  VendorError,
  withStaleFallback,
} from "../src/index";
import { FAST } from "./env";
import { type FaultServer, getJson, startFaultServer } from "./fault-server";

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.plan({ ok: { id: 7 } }));

/** fetch + status check, returning the Response so the caller can read quota headers. */
const getResponse =
  (url: string) =>
  async ({ signal }: { signal: AbortSignal }) => {
    const res = await fetch(url, { signal });
    if (!res.ok)
      throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status, headers: res.headers });
    await res.arrayBuffer();
    return res;
  };

describe("createResilientCaller", () => {
  it("fails fast with rate_limited before any HTTP request when the wait exceeds the deadline", async () => {
    const limiter = createVendorLimiter("zendesk", { rate: { points: 2, durationMs: 60_000 } });
    const caller = createResilientCaller({
      vendor: "zendesk",
      policy: createVendorPolicy("zendesk", FAST),
      limiter,
    });
    await caller.call("tickets.list", getJson(server.url));
    await caller.call("tickets.list", getJson(server.url));
    const started = performance.now();
    const err = (await caller
      .call("tickets.list", getJson(server.url))
      .catch((e: unknown) => e)) as VendorError;
    expect(performance.now() - started).toBeLessThan(100);
    expect(err).toMatchObject({ kind: "rate_limited", attempts: 0 });
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(server.hits).toBe(2);
    expect(await caller.remainingQuota("tickets.list")).toMatchObject({
      vendor: "zendesk",
      connection: "default",
      window: { limit: 2, remaining: 0 },
      daily: undefined,
    });
  });

  it("acquires the limiter before every attempt, retries included", async () => {
    server.plan({ status: 503 }, { status: 503 }, { ok: 1 });
    const limiter = createVendorLimiter("hubspot", { rate: { points: 10, durationMs: 10_000 } });
    const caller = createResilientCaller({
      vendor: "hubspot",
      policy: createVendorPolicy("hubspot", FAST),
      limiter,
    });
    const result = await caller.call("contacts.get", getJson(server.url));
    expect(result).toMatchObject({ value: 1, attempts: 3, warnings: [], costUsd: 0 });
    expect(limiter.stats.acquired).toBe(3);
    expect((await limiter.remaining()).remaining).toBe(7);
  });

  it("tracks Salesforce's daily allocation from Sforce-Limit-Info, warns, then refuses near the limit", async () => {
    const quota = createQuotaTracker("salesforce");
    const caller = createResilientCaller({
      vendor: "salesforce",
      policy: createVendorPolicy("salesforce", FAST),
      quota,
    });
    server.plan({ ok: {}, headers: { "sforce-limit-info": "api-usage=12500/15000" } });
    expect((await caller.call("query", getResponse(server.url))).warnings).toEqual([]);
    expect((await caller.remainingQuota()).daily).toMatchObject({
      used: 12500,
      limit: 15000,
      remaining: 2500,
    });
    server.plan({ ok: {}, headers: { "sforce-limit-info": "api-usage=14300/15000" } });
    expect((await caller.call("query", getResponse(server.url))).warnings).toEqual([
      "Salesforce daily API allocation is 83% used (12,500 of 15,000).",
    ]);
    const refused = await caller.call("query", getResponse(server.url)).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: "quota_exhausted", retryable: false });
    expect(server.hits).toBe(1);
  });

  it("learns from headers on errors too (HubSpot daily)", () => {
    const quota = createQuotaTracker("hubspot", { warnAt: 0.5 });
    quota.observe({ "X-HubSpot-RateLimit-Daily": "1000", "X-HubSpot-RateLimit-Daily-Remaining": "400" });
    expect(quota.snapshot()).toMatchObject({ used: 600, limit: 1000, remaining: 400 });
    expect(quota.check().warning).toMatch(/HubSpot daily API allocation is 60% used/);
    quota.observe(undefined);
    expect(createQuotaTracker("apollo").check()).toEqual({});
  });

  it("classifies Salesforce REQUEST_LIMIT_EXCEEDED as quota_exhausted without retrying", async () => {
    server.plan({
      status: 403,
      body: '[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]',
    });
    const caller = createResilientCaller({
      vendor: "salesforce",
      policy: createVendorPolicy("salesforce", FAST),
    });
    await expect(caller.call("query", getJson(server.url))).rejects.toMatchObject({
      kind: "quota_exhausted",
      attempts: 1,
    });
    expect(server.hits).toBe(1);
  });
});

describe("withStaleFallback", () => {
  it("serves the cached answer flagged stale with its age when the circuit is open", async () => {
    const cache = await openKv({});
    const policy = createVendorPolicy("hubspot", {
      ...FAST,
      maxAttempts: 1,
      breaker: { kind: "consecutive", threshold: 1 },
    });
    const read = () => policy.execute(getJson(server.url));
    const opts = { cache, maxAgeMs: 60_000, vendor: "hubspot" };
    expect(await withStaleFallback("deal:1", read, opts)).toEqual({ value: { id: 7 }, stale: false });
    await new Promise((r) => setTimeout(r, 30));
    server.plan({ status: 503 });
    const down = await withStaleFallback("deal:1", read, opts);
    expect(down).toMatchObject({ value: { id: 7 }, stale: true });
    expect(down.stale && down.ageMs).toBeGreaterThanOrEqual(30);
    expect(down.stale && down.error.kind).toBe("unavailable");
    const open = await withStaleFallback("deal:1", read, opts);
    expect(open.stale && open.error.kind).toBe("circuit_open");
    expect(server.hits).toBe(1);
    await cache.close();
  });

  it("rethrows a clear error when nothing fresh enough is cached, and passes non-outage errors through", async () => {
    const cache = await openKv({});
    const policy = createVendorPolicy("zendesk", { ...FAST, maxAttempts: 1 });
    const read = () => policy.execute(getJson(server.url));
    const now = { t: 1_000_000 };
    const opts = { cache, maxAgeMs: 1000, vendor: "zendesk", now: () => now.t };
    server.plan({ status: 503 });
    const none = (await withStaleFallback("t:1", read, opts).catch((e: unknown) => e)) as VendorError;
    expect(none).toBeInstanceOf(VendorError);
    expect(none.kind).toBe("unavailable");
    expect(none.message).toMatch(/No cached copy younger than 1 s is available for Zendesk/);

    server.plan({ ok: "v" });
    await withStaleFallback("t:1", read, opts);
    now.t += 5000;
    server.plan({ status: 503 });
    await expect(withStaleFallback("t:1", read, opts)).rejects.toThrow(/No cached copy/);
    server.plan({ status: 404 });
    await expect(withStaleFallback("t:1", read, opts)).rejects.toMatchObject({ kind: "not_found" });
    await cache.set("stale:bad", "{not json");
    server.plan({ status: 503 });
    await expect(withStaleFallback("bad", read, opts)).rejects.toThrow(/No cached copy/);
    await cache.close();
  });
});
