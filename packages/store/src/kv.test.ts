import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDIS_URL, runId, sleep } from "../test/env";
import { type KeyValue, openKv } from "./index";

const prefix = `test:store:${runId()}:`;

describe.each([
  ["memory", () => openKv({})],
  ["redis", () => openKv({ redisUrl: REDIS_URL, keyPrefix: prefix })],
])("KeyValue on %s", (kind, open) => {
  let kv: KeyValue;

  beforeAll(async () => {
    kv = await open();
  });

  afterAll(async () => {
    await kv.close();
  });

  it("reports its kind and answers ping", async () => {
    expect(kv.kind).toBe(kind);
    await kv.ping();
  });

  it("gets, sets, overwrites and deletes", async () => {
    expect(await kv.get("a")).toBeUndefined();
    await kv.set("a", "1");
    expect(await kv.get("a")).toBe("1");
    await kv.set("a", "2");
    expect(await kv.get("a")).toBe("2");
    await kv.del("a");
    await kv.del("a");
    expect(await kv.get("a")).toBeUndefined();
  });

  it("expires keys after their TTL, and a plain set clears the TTL", async () => {
    await kv.set("ttl", "v", { ttlMs: 250 });
    await kv.set("keep", "v", { ttlMs: 250 });
    await kv.set("keep", "w");
    expect(await kv.get("ttl")).toBe("v");
    await sleep(350);
    expect(await kv.get("ttl")).toBeUndefined();
    expect(await kv.get("keep")).toBe("w");
  });

  it("rejects invalid TTLs and increments", async () => {
    await expect(kv.set("bad", "v", { ttlMs: 0 })).rejects.toThrow(RangeError);
    await expect(kv.setIfAbsent("bad", "v", { ttlMs: Number.NaN })).rejects.toThrow(/ttlMs/);
    await expect(kv.incr("bad", 1.5)).rejects.toThrow(/integer/);
  });

  it("sets only when absent", async () => {
    expect(await kv.setIfAbsent("nx", "first")).toBe(true);
    expect(await kv.setIfAbsent("nx", "second")).toBe(false);
    expect(await kv.get("nx")).toBe("first");
    expect(await kv.setIfAbsent("nx-ttl", "a", { ttlMs: 250 })).toBe(true);
    expect(await kv.setIfAbsent("nx-ttl", "b", { ttlMs: 250 })).toBe(false);
    await sleep(350);
    expect(await kv.setIfAbsent("nx-ttl", "c")).toBe(true);
    expect(await kv.get("nx-ttl")).toBe("c");
  });

  it("takes a value exactly once", async () => {
    expect(await kv.take("token")).toBeUndefined();
    await kv.set("token", "secret");
    expect(await kv.take("token")).toBe("secret");
    expect(await kv.take("token")).toBeUndefined();
  });

  it("gives a single-use token to exactly one of 10 concurrent takers", async () => {
    await kv.set("once", "prize", { ttlMs: 5000 });
    const results = await Promise.all(Array.from({ length: 10 }, () => kv.take("once")));
    expect(results.filter((r) => r === "prize")).toHaveLength(1);
    expect(results.filter((r) => r === undefined)).toHaveLength(9);
  });

  it("increments atomically by 1 or by n", async () => {
    expect(await kv.incr("n")).toBe(1);
    expect(await kv.incr("n", 5)).toBe(6);
    expect(await kv.incr("n", -10)).toBe(-4);
    const all = await Promise.all(Array.from({ length: 20 }, () => kv.incr("many")));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await kv.set("text", "abc");
    await expect(kv.incr("text")).rejects.toThrow(/not an integer/);
  });

  it("sets the TTL when incr creates the key, and does not extend it later", async () => {
    expect(await kv.incr("rate", 1, { ttlMs: 400 })).toBe(1);
    await sleep(150);
    expect(await kv.incr("rate", 1, { ttlMs: 400 })).toBe(2);
    await sleep(350);
    // expired 400 ms after creation even though it was incremented (with a TTL) at 150 ms
    expect(await kv.get("rate")).toBeUndefined();
    expect(await kv.incr("rate", 1, { ttlMs: 400 })).toBe(1);
    await kv.set("plain", "7");
    expect(await kv.incr("plain", 1, { ttlMs: 50 })).toBe(8);
    await sleep(100);
    expect(await kv.get("plain")).toBe("8");
  });

  it("rejects calls after close", async () => {
    const other = await open();
    await other.close();
    await other.close();
    await expect(other.get("x")).rejects.toThrow(/closed/);
  });
});

describe("Redis key prefix", () => {
  const raw = new Redis(REDIS_URL);

  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    await raw.quit();
  });

  it("stores every key under the prefix (default revops:)", async () => {
    const kv = await openKv({ redisUrl: REDIS_URL, keyPrefix: prefix });
    await kv.set("k", "v");
    await kv.incr("c", 2, { ttlMs: 10_000 });
    expect(await raw.get(`${prefix}k`)).toBe("v");
    expect(await raw.pttl(`${prefix}c`)).toBeGreaterThan(9000);
    await kv.close();
  });

  it("sweeps expired entries of the memory store", async () => {
    const kv = await openKv({});
    for (let i = 0; i < 1000; i += 1) await kv.set(`k${i}`, "v", { ttlMs: 1 });
    await sleep(5);
    for (let i = 0; i < 1000; i += 1) await kv.set(`j${i}`, "v");
    // reaching into the map is the only way to see the sweep
    expect((kv as unknown as { map: Map<string, unknown> }).map.size).toBeLessThan(1100);
  });
});
