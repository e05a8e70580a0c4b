import { createServer } from "node:net";
import { Redis, type RedisOptions } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createVendorLimiter, VendorError } from "../src/index";
import { REDIS_URL, runId } from "./env";

const prefix = `test:resilience:${runId()}:`;
const clients: Redis[] = [];

function redis(url = REDIS_URL, opts: RedisOptions = {}): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1, ...opts });
  client.on("error", () => undefined);
  clients.push(client);
  return client;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

afterAll(async () => {
  const [first] = clients;
  if (first?.status === "ready") {
    const keys = await first.keys(`${prefix}*`);
    if (keys.length) await first.del(...keys);
  }
  for (const c of clients) c.disconnect();
});

describe("in-memory limiter", () => {
  it("admits up to the quota, then fails fast with the wait when it exceeds maxWaitMs", async () => {
    const limiter = createVendorLimiter("apollo", { rate: { points: 3, durationMs: 1000 } });
    for (let i = 0; i < 3; i++) await limiter.acquire(1, { maxWaitMs: 0 });
    const err = await limiter.acquire(1, { maxWaitMs: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect(err).toMatchObject({ kind: "rate_limited", retryable: true });
    expect((err as VendorError).retryAfterMs).toBeGreaterThan(10);
    expect((err as VendorError).message).toMatch(/Apollo request quota \(3 per 1 s\) is used up/);
    expect(limiter.stats).toMatchObject({ acquired: 3, refused: 1 });
    expect(await limiter.remaining()).toMatchObject({ limit: 3, remaining: 0 });
  });

  it("waits for the window when the wait fits the deadline", async () => {
    const limiter = createVendorLimiter("apollo", { rate: { points: 1, durationMs: 1000 } });
    await limiter.acquire(1, { maxWaitMs: 0 });
    const { waitedMs } = await limiter.acquire(1, { maxWaitMs: 1500 });
    expect(waitedMs).toBeGreaterThan(500);
    expect(waitedMs).toBeLessThan(1500);
    // a timer may fire a hair before the window resets on a loaded machine: then it waits once more, briefly
    expect(limiter.stats.waits).toBeGreaterThanOrEqual(1);
    expect(limiter.stats.refused).toBe(0);
  });

  it("counts Gmail units against 250 per second and rejects impossible sizes", async () => {
    const limiter = createVendorLimiter("gmail");
    await limiter.acquire(100, { maxWaitMs: 0 });
    await limiter.acquire(100, { maxWaitMs: 0 });
    await expect(limiter.acquire(100, { maxWaitMs: 0 })).rejects.toMatchObject({ kind: "rate_limited" });
    await expect(limiter.acquire(251, { maxWaitMs: 0 })).rejects.toThrow(RangeError);
    expect(await limiter.remaining()).toMatchObject({ limit: 250, remaining: 50 });
  });

  it("keeps Mixpanel export and query buckets apart", async () => {
    const limiter = createVendorLimiter("mixpanel", {
      rate: { points: 1, durationMs: 60_000 },
      buckets: { export: { points: 1, durationMs: 60_000 } },
    });
    await limiter.acquire(1, { bucket: "export", maxWaitMs: 0 });
    await limiter.acquire(1, { maxWaitMs: 0 });
    await expect(limiter.acquire(1, { bucket: "export", maxWaitMs: 0 })).rejects.toMatchObject({
      kind: "rate_limited",
    });
    expect(await limiter.remaining("export")).toMatchObject({ remaining: 0 });
  });

  it("reports a full window before any use", async () => {
    const limiter = createVendorLimiter("zendesk");
    expect(await limiter.remaining()).toEqual({ bucket: "default", limit: 200, remaining: 200, resetMs: 0 });
  });
});

describe("Redis limiter", () => {
  it("shares one quota between two limiter instances (two replicas)", async () => {
    const opts = { connection: `c-${runId()}`, keyPrefix: prefix, rate: { points: 4, durationMs: 5000 } };
    const [ra, rb] = [redis(), redis()];
    await Promise.all([ra.ping(), rb.ping()]);
    const a = createVendorLimiter("hubspot", { ...opts, redis: ra });
    const b = createVendorLimiter("hubspot", { ...opts, redis: rb });
    expect(a.shared).toBe(true);
    await a.acquire(1, { maxWaitMs: 0 });
    await b.acquire(1, { maxWaitMs: 0 });
    await a.acquire(1, { maxWaitMs: 0 });
    await b.acquire(1, { maxWaitMs: 0 });
    await expect(a.acquire(1, { maxWaitMs: 0 })).rejects.toMatchObject({ kind: "rate_limited" });
    await expect(b.acquire(1, { maxWaitMs: 0 })).rejects.toMatchObject({ kind: "rate_limited" });
    expect(await b.remaining()).toMatchObject({ limit: 4, remaining: 0 });
    expect(a.stats.insurance + b.stats.insurance).toBe(0);
  });

  it("falls back to the per-replica insurance limiter when Redis is unreachable", async () => {
    const down = redis(`redis://127.0.0.1:${await closedPort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const limiter = createVendorLimiter("hubspot", {
      redis: down,
      replicas: 2,
      keyPrefix: prefix,
      rate: { points: 4, durationMs: 5000 },
    });
    const started = performance.now();
    await limiter.acquire(1, { maxWaitMs: 0 });
    await limiter.acquire(1, { maxWaitMs: 0 });
    // 4 shared / 2 replicas = 2 per replica while Redis is away
    await expect(limiter.acquire(1, { maxWaitMs: 0 })).rejects.toMatchObject({ kind: "rate_limited" });
    expect(performance.now() - started).toBeLessThan(200);
    expect(limiter.stats.insurance).toBe(3);
  });
});
