import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KeyValue, openKv, openSql, type SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectorHost, connectorSetup, liveCallers } from "../src/app-setup";
import { createRuntime } from "../src/runtime";
import { VendorSettingsError, vendorSettingsFromEnv } from "../src/vendor-settings";

const REDIS = process.env.TEST_REDIS_URL;

function host(kv: KeyValue, db: SqlDb): ConnectorHost & { close: () => Promise<void> } {
  const shared = new Map<string, Promise<unknown>>();
  const closers: (() => Promise<void>)[] = [];
  return {
    kv: async () => kv,
    sql: async () => db,
    shared: <T>(key: string, create: () => Promise<T>) => {
      if (!shared.has(key)) shared.set(key, create());
      return shared.get(key) as Promise<T>;
    },
    onClose: (fn) => closers.push(fn),
    close: async () => {
      for (const fn of closers) await fn();
    },
  };
}

describe("vendor settings from the environment", () => {
  it("parses prices, budgets, rates and replicas, merging prices over the defaults", () => {
    const s = vendorSettingsFromEnv(
      {
        REVOPS_VENDOR_PRICES: '{"apollo":{"people.match":0.05}}',
        REVOPS_VENDOR_BUDGETS: '[{"vendor":"apollo","period":"month","hardUsd":50}]',
        REVOPS_VENDOR_RATES: '{"hubspot":{"points":190,"durationMs":10000}}',
        REVOPS_REPLICAS: "3",
      },
      { prices: { apollo: { "*": 0.02 }, sendgrid: { "*": 0.001 } } },
    );
    expect(s.prices).toEqual({ apollo: { "*": 0.02, "people.match": 0.05 }, sendgrid: { "*": 0.001 } });
    expect(s.budgets).toEqual([{ vendor: "apollo", period: "month", hardUsd: 50 }]);
    expect(s.rates).toEqual({ hubspot: { points: 190, durationMs: 10_000 } });
    expect(s.replicas).toBe(3);
    expect(vendorSettingsFromEnv({})).toEqual({ prices: {}, budgets: [], rates: {}, replicas: 1 });
  });

  it("names the variable, the place and an example when a value is wrong", () => {
    const bad = (env: Record<string, string>) => () => vendorSettingsFromEnv(env);
    expect(bad({ REVOPS_VENDOR_PRICES: "{apollo" })).toThrow(/REVOPS_VENDOR_PRICES is not JSON\. Example:/);
    expect(bad({ REVOPS_VENDOR_PRICES: '{"apollo":{"*":-1}}' })).toThrow(
      /REVOPS_VENDOR_PRICES at apollo\.\*/,
    );
    expect(bad({ REVOPS_VENDOR_BUDGETS: '[{"period":"month"}]' })).toThrow(
      /REVOPS_VENDOR_BUDGETS at 0: give softUsd, hardUsd or both/,
    );
    expect(bad({ REVOPS_VENDOR_BUDGETS: '[{"period":"week","hardUsd":1}]' })).toThrow(
      /REVOPS_VENDOR_BUDGETS at 0\.period/,
    );
    expect(bad({ REVOPS_VENDOR_RATES: '{"hubspot":{"points":10,"durationMs":10}}' })).toThrow(
      /REVOPS_VENDOR_RATES at hubspot\.durationMs/,
    );
    expect(bad({ REVOPS_REPLICAS: "0" })).toThrow(VendorSettingsError);
  });
});

describe.skipIf(!REDIS)("connectorSetup", () => {
  let kv: KeyValue;
  let db: SqlDb;
  beforeAll(async () => {
    kv = await openKv({ redisUrl: REDIS, keyPrefix: `revops-test-${process.pid}-${Date.now()}:` });
    db = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "app-setup-")) });
  });
  afterAll(async () => {
    await kv?.close();
    await db?.close();
  });

  it("gives every adapter on one account the same Redis-shared limiter and one ledger", async () => {
    const h = host(kv, db);
    const settings = vendorSettingsFromEnv({
      REVOPS_VENDOR_RATES: '{"hubspot":{"points":5,"durationMs":60000}}',
    });
    const a = await connectorSetup(h, { staleMaxAgeMs: 60_000, settings });
    const b = await connectorSetup(h, { staleMaxAgeMs: 0, settings });
    expect(a.staleCache?.maxAgeMs).toBe(60_000);
    expect(b.staleCache).toBeUndefined(); // 0 switches the fallback off
    expect(a.ledger).toBe(b.ledger);
    const limiterA = a.limiterFor?.("hubspot", "portal-1");
    expect(limiterA).toBe(b.limiterFor?.("hubspot", "portal-1"));
    expect(limiterA?.shared).toBe(true);
    expect(a.limiterFor?.("hubspot", "portal-2")).not.toBe(limiterA);

    const rt = createRuntime("hubspot", "portal-1", a);
    createRuntime("hubspot", "portal-1", b);
    for (let i = 0; i < 3; i++) await rt.attempt("deals.list", async () => "ok");
    expect((await limiterA?.remaining())?.remaining).toBe(2);
    const callers = await liveCallers(h);
    expect([...callers.keys()]).toEqual(["hubspot:portal-1"]);
    expect((await callers.get("hubspot:portal-1")?.remainingQuota())?.window).toMatchObject({
      limit: 5,
      remaining: 2,
    });
    await a.ledger?.flush();
    expect(await a.ledger?.usage({ groupBy: ["vendor", "connection"] })).toEqual([
      { vendor: "hubspot", connection: "portal-1", calls: 3, attempts: 3, units: 3, costUsd: 0 },
    ]);
    await h.close();
  });
});
