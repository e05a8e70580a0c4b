import {
  type CostLedger,
  createVendorLimiter,
  enableCallScopes,
  openCostLedger,
  type RateRule,
  type ResilientCaller,
  VENDOR_PRICES,
  type VendorLimiter,
} from "@revops/resilience";
import { type KeyValue, redisClientOf, type SqlDb } from "@revops/store";
import type { ResilienceSetup } from "./connection";
import { type VendorSettings, vendorSettingsFromEnv } from "./vendor-settings";

/** The part of a server's runtime the connectors need (structurally the kit's Runtime). */
export interface ConnectorHost {
  kv: () => Promise<KeyValue>;
  sql: () => Promise<SqlDb>;
  shared: <T>(key: string, create: () => Promise<T>) => Promise<T>;
  onClose: (fn: () => Promise<void>) => void;
  /** The server's variables, `.env` included (the kit's runtime.environment). */
  environment?: Readonly<Record<string, string | undefined>>;
}

export interface AppSetupOptions {
  /** How old a cached read may be when served during an outage; 0 turns the fallback off. */
  staleMaxAgeMs: number;
  /** Defaults to the REVOPS_VENDOR_* variables. */
  settings?: VendorSettings;
}

/** The deployment's vendor settings: REVOPS_VENDOR_* (from the environment or `.env`) over the built-in prices. */
export const deployedVendorSettings = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): VendorSettings => vendorSettingsFromEnv({ ...env }, { prices: VENDOR_PRICES });

/** The process's cost ledger in the server's database, shared by every connection and server. */
export function costLedgerFor(
  host: ConnectorHost,
  settings: VendorSettings = deployedVendorSettings(host.environment),
): Promise<CostLedger> {
  return host.shared("revops:cost-ledger", async () => {
    const ledger = await openCostLedger({
      db: await host.sql(),
      prices: settings.prices,
      budgets: settings.budgets,
    });
    host.onClose(() => ledger.close());
    return ledger;
  });
}

/** One limiter per vendor connection per process, so every adapter on that account draws from one bucket. */
async function limiters(host: ConnectorHost, kv: KeyValue, settings: VendorSettings) {
  const made = await host.shared("revops:limiters", async () => new Map<string, VendorLimiter>());
  const redis = redisClientOf(kv);
  return (vendor: string, connection: string): VendorLimiter => {
    const key = `${vendor}:${connection}`;
    let limiter = made.get(key);
    if (!limiter) {
      const rate: RateRule | undefined = settings.rates[vendor];
      limiter = createVendorLimiter(vendor, {
        connection,
        replicas: settings.replicas,
        ...(redis ? { redis, keyPrefix: "rl:" } : {}),
        ...(rate ? { rate } : {}),
      });
      made.set(key, limiter);
    }
    return limiter;
  };
}

/** The vendor connections this process has built, by vendor:connection (the usage report's remaining quota). */
export function liveCallers(host: Pick<ConnectorHost, "shared">): Promise<Map<string, ResilientCaller>> {
  return host.shared("revops:callers", async () => new Map<string, ResilientCaller>());
}

/**
 * The one way an app builds the resilience of its vendor connections: the stale cache, the rate limiter (shared
 * through Redis when REDIS_URL is set), the cost ledger with budgets, and attribution of each vendor call to the
 * tool call and principal it was made for.
 */
export async function connectorSetup(host: ConnectorHost, opts: AppSetupOptions): Promise<ResilienceSetup> {
  const settings = opts.settings ?? deployedVendorSettings(host.environment);
  const kv = await host.kv();
  enableCallScopes();
  const callers = await liveCallers(host);
  return {
    onCaller: (caller) => callers.set(`${caller.vendor}:${caller.connection}`, caller),
    // 0 switches the stale fallback off (a cache entry needs a positive lifetime)
    ...(opts.staleMaxAgeMs > 0 ? { staleCache: { cache: kv, maxAgeMs: opts.staleMaxAgeMs } } : {}),
    limiterFor: await limiters(host, kv, settings),
    ledger: await costLedgerFor(host, settings),
  };
}
