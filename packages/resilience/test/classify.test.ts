import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from "cockatiel";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bucketFor,
  defaultClassify,
  parseRetryAfter,
  parseSforceLimitInfo,
  readHeader,
  retryAfterFromHeaders,
  unitsFor,
  VendorError,
  vendorDefaults,
} from "../src/index";

const classify = (err: unknown) => defaultClassify(err, "hubspot");

describe("defaultClassify", () => {
  it.each([
    ["fetch-style status", { status: 503 }, "unavailable", true],
    [
      "axios-style response.status",
      { response: { status: 429, headers: { "retry-after": "2" } } },
      "rate_limited",
      true,
    ],
    ["gaxios-style string code", { code: "404" }, "not_found", false],
    ["got-style statusCode", { statusCode: 401 }, "auth", false],
    ["408", { status: 408 }, "timeout", true],
    ["501 is not transient", { status: 501 }, "invalid", false],
    ["409", { status: 409, body: { message: "duplicate" } }, "invalid", false],
    [
      "undici fetch failed",
      Object.assign(new TypeError("fetch failed"), { cause: { code: "UND_ERR_SOCKET" } }),
      "unavailable",
      true,
    ],
    ["ECONNRESET", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), "unavailable", true],
    ["socket hang up", new Error("socket hang up"), "unavailable", true],
    ["ETIMEDOUT", Object.assign(new Error("x"), { code: "ETIMEDOUT" }), "timeout", true],
    ["AbortError", new DOMException("aborted", "AbortError"), "timeout", true],
    ["cockatiel timeout", new TaskCancelledError(), "timeout", true],
    ["open circuit", new BrokenCircuitError(), "circuit_open", false],
    ["full bulkhead", new BulkheadRejectedError(1, 1), "rate_limited", true],
    ["malformed JSON", new SyntaxError("Unexpected end of JSON input"), "unavailable", false],
    ["unknown bug", new TypeError("x is not a function"), "unavailable", false],
    ["a string", "boom", "unavailable", false],
  ])("%s → %s", (_label, err, kind, retryable) => {
    const v = classify(err);
    expect(v).toBeInstanceOf(VendorError);
    expect(v).toMatchObject({ vendor: "hubspot", kind, retryable });
    expect(v.message).not.toMatch(/undefined/);
  });

  it("reads Google's quota reasons on 403/429 as limits, not permissions", () => {
    const google = (status: number, reason: string, apiStatus = "PERMISSION_DENIED") => ({
      status,
      body: JSON.stringify({
        error: { code: status, status: apiStatus, errors: [{ domain: "usageLimits", reason }] },
      }),
    });
    const of = (err: unknown) => defaultClassify(err, "google");
    expect(of(google(403, "userRateLimitExceeded"))).toMatchObject({ kind: "rate_limited", retryable: true });
    expect(of(google(403, "rateLimitExceeded")).message).toMatch(
      /Google is rate limiting requests \(rateLimitExceeded, HTTP 403\)/,
    );
    expect(of(google(429, "dailyLimitExceeded"))).toMatchObject({
      kind: "quota_exhausted",
      retryable: false,
    });
    // gaxios-style: the parsed body under response.data
    const gaxios = { response: { status: 403, data: JSON.parse(google(403, "dailyLimitExceeded").body) } };
    expect(of(gaxios).kind).toBe("quota_exhausted");
    expect(of(google(429, "other", "RESOURCE_EXHAUSTED")).kind).toBe("rate_limited");
    expect(of(google(403, "insufficientPermissions")).kind).toBe("auth");
    expect(of({ status: 403, body: "not json" }).kind).toBe("auth");
  });

  it("keeps VendorErrors and reads Retry-After from axios headers", () => {
    const own = new VendorError({ vendor: "x", kind: "auth", retryable: false, message: "m" });
    expect(classify(own)).toBe(own);
    expect(classify({ response: { status: 429, headers: { "Retry-After": "2" } } }).retryAfterMs).toBe(2000);
    expect(classify({ status: 429 }).message).toMatch(/try again in a few seconds/);
  });
});

describe("headers", () => {
  it("parses Retry-After seconds and HTTP dates", () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
    expect(parseRetryAfter("Wed, 01 Jan 2025 12:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(" ", now)).toBeUndefined();
  });

  it("never returns a negative or NaN wait for any input", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = parseRetryAfter(value);
        return ms === undefined || (Number.isFinite(ms) && ms >= 0);
      }),
    );
    fc.assert(fc.property(fc.nat(86_400), (s) => parseRetryAfter(String(s)) === s * 1000));
  });

  it("reads vendor reset headers", () => {
    const now = 1_700_000_000_000;
    expect(retryAfterFromHeaders(new Headers({ "x-ratelimit-reset": String(now / 1000 + 7) }), now)).toBe(
      7000,
    );
    expect(retryAfterFromHeaders({ "X-RateLimit-Reset": "5" }, now)).toBe(5000);
    expect(
      retryAfterFromHeaders({
        "x-hubspot-ratelimit-remaining": "3",
        "x-hubspot-ratelimit-interval-milliseconds": "10000",
      }),
    ).toBeUndefined();
    expect(retryAfterFromHeaders(undefined)).toBeUndefined();
    expect(readHeader({ "Set-Cookie": ["a", "b"] }, "set-cookie")).toBe("a");
    expect(readHeader(new Headers(), "x")).toBeUndefined();
  });

  it("parses Sforce-Limit-Info", () => {
    expect(parseSforceLimitInfo("api-usage=123/15000")).toEqual({ used: 123, limit: 15000 });
    expect(parseSforceLimitInfo("per-app-api-usage=1/2")).toBeUndefined();
    expect(parseSforceLimitInfo("api-usage=25/5000; per-app-api-usage=17/250(appName=x)")).toEqual({
      used: 25,
      limit: 5000,
    });
    expect(parseSforceLimitInfo(undefined)).toBeUndefined();
  });
});

describe("vendor table", () => {
  it("has the documented defaults and falls back for unknown vendors", () => {
    expect(vendorDefaults("hubspot").rate).toEqual({ points: 100, durationMs: 10_000 });
    expect(vendorDefaults("zendesk").rate).toEqual({ points: 200, durationMs: 60_000 });
    expect(vendorDefaults("sendgrid").rate.points).toBe(600);
    expect(vendorDefaults("google")).toBe(vendorDefaults("gmail"));
    expect(vendorDefaults("intercom").rate.points).toBe(1000);
    expect(vendorDefaults("apollo").rate.points).toBe(50);
    expect(vendorDefaults("gmail").rate).toEqual({ points: 250, durationMs: 1000 });
    expect(vendorDefaults("mixpanel").concurrency).toBe(3);
    expect(vendorDefaults("salesforce").dailyAllocation).toBe(15_000);
    expect(vendorDefaults("pipedrive").source).toBe("generic fallback");
    expect(unitsFor("gmail", "messages.send")).toBe(100);
    expect(unitsFor("hubspot", "contacts.get")).toBe(1);
    expect(bucketFor("mixpanel", "export.events")).toBe("export");
    expect(bucketFor("mixpanel", "query.insights")).toBe("query");
    expect(bucketFor("zendesk", "tickets.update")).toBe("tickets.update");
    expect(bucketFor("zendesk", "tickets.list")).toBe("default");
    expect(bucketFor("hubspot", "deals.search")).toBe("*.search");
    expect(bucketFor("hubspot", "contacts.search")).toBe("*.search");
    expect(bucketFor("hubspot", "deals.list")).toBe("default");
  });
});
