import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createVendorPolicy, type PolicyEvent, VendorError } from "../src/index";
import { FAST } from "./env";
import { type FaultServer, getJson, startFaultServer } from "./fault-server";

let server: FaultServer;

beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.plan({ ok: { hello: "world" } }));

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorError);
  return err as VendorError;
}

describe("retries", () => {
  it("passes a result through on the first attempt", async () => {
    const policy = createVendorPolicy("hubspot", FAST);
    const run = await policy.run(getJson(server.url));
    expect(run).toMatchObject({ value: { hello: "world" }, attempts: 1 });
    expect(server.hits).toBe(1);
    expect(policy.stats).toMatchObject({ calls: 1, attempts: 1, successes: 1, retries: 0 });
  });

  it.each([
    ["500", { status: 500 }],
    ["503", { status: 503 }],
    ["429 without Retry-After", { status: 429 }],
    ["connection reset", { reset: true as const }],
  ])("retries %s and succeeds on the third attempt", async (_label, fault) => {
    server.plan(fault, fault, { ok: { n: 3 } });
    const policy = createVendorPolicy("hubspot", FAST);
    const run = await policy.run(getJson(server.url));
    expect(run.value).toEqual({ n: 3 });
    expect(run.attempts).toBe(3);
    expect(server.hits).toBe(3);
  });

  it("gives up after maxAttempts with the last error, counting attempts exactly", async () => {
    server.plan({ status: 503 });
    const policy = createVendorPolicy("zendesk", { ...FAST, maxAttempts: 4 });
    const err = await failure(policy.execute(getJson(server.url)));
    expect(err).toMatchObject({ kind: "unavailable", status: 503, retryable: true, attempts: 4 });
    expect(err.message).toMatch(/Zendesk is having trouble \(HTTP 503\)/);
    expect(server.hits).toBe(4);
    expect(policy.stats.retries).toBe(3);
  });

  it.each([
    [400, "invalid"],
    [401, "auth"],
    [403, "auth"],
    [404, "not_found"],
    [422, "invalid"],
  ])("never retries HTTP %i", async (status, kind) => {
    server.plan({ status });
    const policy = createVendorPolicy("hubspot", FAST);
    const err = await failure(policy.execute(getJson(server.url)));
    expect(err).toMatchObject({ kind, status, retryable: false, attempts: 1 });
    expect(server.hits).toBe(1);
  });

  it("does not retry a malformed JSON body", async () => {
    server.plan({ malformed: true });
    const policy = createVendorPolicy("intercom", FAST);
    const err = await failure(policy.execute(getJson(server.url)));
    expect(err).toMatchObject({ kind: "unavailable", retryable: false, attempts: 1 });
    expect(err.message).toMatch(/malformed/);
    expect(server.hits).toBe(1);
  });

  it("non-idempotent calls retry 429 but not 500", async () => {
    server.plan({ status: 500 });
    const policy = createVendorPolicy("sendgrid", FAST);
    await failure(policy.execute(getJson(server.url), { idempotent: false }));
    expect(server.hits).toBe(1);
    server.plan({ status: 429 }, { ok: 1 });
    expect(await policy.execute(getJson(server.url), { idempotent: false })).toBe(1);
    expect(server.hits).toBe(2);
  });
});

describe("Retry-After and vendor reset headers", () => {
  it("waits the Retry-After seconds before the next attempt", async () => {
    server.plan({ status: 429, headers: { "retry-after": "1" } }, { ok: "after" });
    const policy = createVendorPolicy("zendesk", { ...FAST, deadlineMs: 3000 });
    const delays: number[] = [];
    policy.onEvent((e) => {
      if (e.type === "retry") delays.push(e.delayMs);
    });
    const started = performance.now();
    expect(await policy.execute(getJson(server.url))).toBe("after");
    expect(delays).toEqual([1000]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it("honours an HTTP-date Retry-After on 503", async () => {
    const at = new Date(Date.now() + 2000).toUTCString();
    server.plan({ status: 503, headers: { "retry-after": at } }, { ok: "later" });
    const policy = createVendorPolicy("salesforce", { ...FAST, deadlineMs: 4000 });
    const delays: number[] = [];
    policy.onEvent((e) => e.type === "retry" && delays.push(e.delayMs));
    expect(await policy.execute(getJson(server.url))).toBe("later");
    // HTTP dates have one-second resolution
    expect(delays[0]).toBeGreaterThan(900);
    expect(delays[0]).toBeLessThanOrEqual(2000);
  });

  it("fails fast with rate_limited when Retry-After is beyond the deadline", async () => {
    server.plan({ status: 429, headers: { "retry-after": "30" } });
    const policy = createVendorPolicy("zendesk", FAST);
    const started = performance.now();
    const err = await failure(policy.execute(getJson(server.url)));
    expect(performance.now() - started).toBeLessThan(500);
    expect(err).toMatchObject({ kind: "rate_limited", retryAfterMs: 30_000, attempts: 1 });
    expect(err.message).toMatch(/try again in 30 s/);
    expect(server.hits).toBe(1);
  });

  it("uses HubSpot's interval when its window is exhausted", async () => {
    server.plan(
      {
        status: 429,
        headers: { "x-hubspot-ratelimit-remaining": "0", "x-hubspot-ratelimit-interval-milliseconds": "300" },
      },
      { ok: "hs" },
    );
    const policy = createVendorPolicy("hubspot", FAST);
    const delays: number[] = [];
    policy.onEvent((e) => e.type === "retry" && delays.push(e.delayMs));
    expect(await policy.execute(getJson(server.url))).toBe("hs");
    expect(delays).toEqual([300]);
  });

  it("uses SendGrid's X-RateLimit-Reset epoch", async () => {
    const reset = String(Math.ceil(Date.now() / 1000) + 60);
    server.plan({ status: 429, headers: { "x-ratelimit-reset": reset } });
    const policy = createVendorPolicy("sendgrid", FAST);
    const err = await failure(policy.execute(getJson(server.url)));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBeGreaterThan(58_000);
    expect(server.hits).toBe(1);
  });
});

describe("timeouts and the deadline", () => {
  it("aborts a hanging attempt, retries, and stays within the deadline", async () => {
    server.plan({ hang: true });
    const policy = createVendorPolicy("hubspot", { ...FAST, attemptTimeoutMs: 150, deadlineMs: 400 });
    const events: PolicyEvent[] = [];
    policy.onEvent((e) => events.push(e));
    const started = performance.now();
    const err = await failure(policy.execute(getJson(server.url)));
    const elapsed = performance.now() - started;
    expect(err.kind).toBe("timeout");
    expect(elapsed).toBeLessThan(400 + 100);
    expect(events.filter((e) => e.type === "timeout").length).toBeGreaterThanOrEqual(2);
    expect(server.hits).toBe(err.attempts);
  });

  it("aborts a slow trickle body through the signal", async () => {
    server.plan({ trickle: { chunks: 100, everyMs: 20 } });
    const policy = createVendorPolicy("mixpanel", { ...FAST, maxAttempts: 1, attemptTimeoutMs: 200 });
    const started = performance.now();
    const err = await failure(policy.execute(getJson(server.url)));
    expect(err.kind).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(200 + 100);
  });

  it("reads a trickle that finishes within the timeout", async () => {
    server.plan({ trickle: { chunks: 3, everyMs: 10 } });
    const policy = createVendorPolicy("mixpanel", FAST);
    expect(await policy.execute(getJson(server.url))).toEqual([0, 0, 0]);
  });

  it("ends within deadline + 100 ms even when the operation ignores its signal", async () => {
    const policy = createVendorPolicy("apollo", { ...FAST, attemptTimeoutMs: 5000, deadlineMs: 250 });
    const started = performance.now();
    const err = await failure(policy.execute(() => new Promise(() => undefined)));
    expect(performance.now() - started).toBeLessThan(350);
    expect(err).toMatchObject({ kind: "timeout", attempts: 1 });
    expect(err.message).toMatch(/did not finish within/);
  });

  it("passes the signal and attempt number to the operation", async () => {
    server.plan({ status: 502 }, { ok: true });
    const policy = createVendorPolicy("hubspot", FAST);
    const seen: number[] = [];
    await policy.execute(async (ctx) => {
      seen.push(ctx.attempt);
      expect(ctx.signal).toBeInstanceOf(AbortSignal);
      return getJson(server.url)(ctx);
    });
    expect(seen).toEqual([1, 2]);
  });

  it("stops when the caller cancels", async () => {
    server.plan({ hang: true });
    const policy = createVendorPolicy("hubspot", FAST);
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 50);
    const started = performance.now();
    const err = await failure(policy.execute(getJson(server.url), { signal: cancel.signal }));
    expect(performance.now() - started).toBeLessThan(200);
    expect(err.kind).toBe("timeout");
  });
});

describe("circuit breaker", () => {
  it("opens after the threshold, refuses without HTTP, half-opens on time and closes on success", async () => {
    server.plan({ status: 500 });
    const policy = createVendorPolicy("hubspot", { ...FAST, maxAttempts: 1 });
    const states: string[] = [];
    policy.onEvent((e) => e.type === "breaker" && states.push(e.state));
    for (let i = 0; i < 3; i++) await failure(policy.execute(getJson(server.url)));
    expect(policy.circuitState).toBe("open");
    expect(server.hits).toBe(3);

    const refused = await failure(policy.execute(getJson(server.url)));
    expect(refused).toMatchObject({ kind: "circuit_open", retryable: false, attempts: 0 });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(250);
    expect(server.hits).toBe(3);

    await new Promise((r) => setTimeout(r, 270));
    server.plan({ ok: "back" });
    expect(await policy.execute(getJson(server.url))).toBe("back");
    expect(policy.circuitState).toBe("closed");
    expect(states).toEqual(["open", "half_open", "closed"]);
  });

  it("re-opens when the half-open trial fails", async () => {
    server.plan({ status: 503 });
    const policy = createVendorPolicy("hubspot", { ...FAST, maxAttempts: 1, halfOpenAfterMs: 100 });
    for (let i = 0; i < 3; i++) await failure(policy.execute(getJson(server.url)));
    await new Promise((r) => setTimeout(r, 120));
    await failure(policy.execute(getJson(server.url)));
    expect(policy.circuitState).toBe("open");
    expect(policy.stats.breakerOpens).toBe(2);
  });

  it("never retries while the circuit is open and ignores 4xx for the count", async () => {
    server.plan({ status: 404 });
    const policy = createVendorPolicy("hubspot", { ...FAST, maxAttempts: 1 });
    for (let i = 0; i < 5; i++) await failure(policy.execute(getJson(server.url)));
    expect(policy.circuitState).toBe("closed");
  });

  it("supports a sampling breaker", async () => {
    server.plan({ status: 500 });
    const policy = createVendorPolicy("hubspot", {
      ...FAST,
      maxAttempts: 1,
      breaker: { kind: "sampling", threshold: 0.5, durationMs: 1000, minimumRps: 1 },
    });
    for (let i = 0; i < 6 && policy.circuitState === "closed"; i++) {
      await failure(policy.execute(getJson(server.url)));
    }
    expect(policy.circuitState).toBe("open");
  });
});

describe("bulkhead", () => {
  it("caps concurrency, queues a few, and rejects the rest as rate_limited", async () => {
    const policy = createVendorPolicy("mixpanel", { ...FAST, concurrency: 2, queue: 1 });
    let active = 0;
    let peak = 0;
    const op = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 40));
      active--;
      return "done";
    };
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => policy.execute(op)));
    expect(peak).toBe(2);
    expect(results.filter((r) => r.status === "fulfilled").length).toBe(3);
    const rejected = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(rejected.map((r) => (r.reason as VendorError).kind)).toEqual(["rate_limited", "rate_limited"]);
    expect(policy.stats.bulkheadRejections).toBe(2);
  });

  it("a call queued behind a slow one still ends within its deadline", async () => {
    const policy = createVendorPolicy("mixpanel", {
      ...FAST,
      concurrency: 1,
      queue: 1,
      attemptTimeoutMs: 1000,
    });
    const slow = policy.execute(() => new Promise((r) => setTimeout(() => r("slow"), 400)));
    const started = performance.now();
    const err = await failure(policy.execute(async () => "never", { deadlineMs: 150 }));
    expect(performance.now() - started).toBeLessThan(250);
    expect(err).toMatchObject({ kind: "timeout", attempts: 0 });
    expect(await slow).toBe("slow");
  });

  it("cancellation cuts a retry backoff short", async () => {
    server.plan({ status: 503, headers: { "retry-after": "1" } });
    const policy = createVendorPolicy("hubspot", { ...FAST, deadlineMs: 3000 });
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 100);
    const started = performance.now();
    await failure(policy.execute(getJson(server.url), { signal: cancel.signal }));
    expect(performance.now() - started).toBeLessThan(300);
    expect(server.hits).toBe(1);
  });

  it("refuses at once when the caller already cancelled", async () => {
    const policy = createVendorPolicy("hubspot", FAST);
    const err = await failure(policy.execute(getJson(server.url), { signal: AbortSignal.abort() }));
    expect(err).toMatchObject({ kind: "timeout", attempts: 0 });
    expect(server.hits).toBe(0);
  });

  it("validates options", () => {
    expect(() => createVendorPolicy("hubspot", { maxAttempts: 0 })).toThrow(RangeError);
    expect(() => createVendorPolicy("hubspot", { deadlineMs: Number.NaN })).toThrow(/deadlineMs/);
  });
});
