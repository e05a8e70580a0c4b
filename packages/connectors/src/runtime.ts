import {
  type CallOptions,
  type CallResult,
  createQuotaTracker,
  createResilientCaller,
  createVendorPolicy,
  type MaybeStale,
  type ResilientCaller,
  type VendorPolicy,
  withStaleFallback,
} from "@revops/resilience";
import { attemptContext, operationContext } from "./attempt-context";
import type { ConnectorVendor, ResilienceSetup } from "./connection";
import { connectorClassifier } from "./errors";

export interface Runtime {
  vendor: ConnectorVendor;
  connectionId: string;
  policy: VendorPolicy;
  caller: ResilientCaller;
  /** Runs one SDK call inside a resilient attempt (its abort signal reaches the transport). */
  attempt<T>(operation: string, fn: () => Promise<T>, opts?: CallOptions): Promise<CallResult<T>>;
  /** A typed read, with the stale fallback when the connection has a cache. */
  read<T>(key: string, fetch: () => Promise<T>): Promise<MaybeStale<T>>;
  /** Names the SDK-internal requests of a typed operation (jsforce paging, SendGrid helpers). */
  named<T>(operation: string, idempotent: boolean, fn: () => Promise<T>): Promise<T>;
}

export function createRuntime(
  vendor: ConnectorVendor,
  connectionId: string,
  setup: ResilienceSetup = {},
): Runtime {
  const classify = connectorClassifier(connectionId);
  const policy = createVendorPolicy(vendor, { ...setup.policy, connection: connectionId, classify });
  const quota = setup.quota ?? (vendor === "salesforce" ? createQuotaTracker("salesforce") : undefined);
  const limiter = setup.limiter ?? setup.limiterFor?.(vendor, connectionId);
  const caller = createResilientCaller({
    vendor,
    connection: connectionId,
    policy,
    ...(limiter ? { limiter } : {}),
    ...(setup.ledger ? { ledger: setup.ledger } : {}),
    ...(quota ? { quota } : {}),
    ...(setup.principal ? { principal: setup.principal } : {}),
    ...(setup.tool ? { tool: setup.tool } : {}),
  });
  setup.onCaller?.(caller);
  return {
    vendor,
    connectionId,
    policy,
    caller,
    attempt: (operation, fn, opts) =>
      caller.call(operation, ({ signal, attempt }) => attemptContext.run({ signal, attempt }, fn), opts),
    async read(key, fetch) {
      if (!setup.staleCache) return { value: await fetch(), stale: false };
      return withStaleFallback(`${vendor}:${connectionId}:${key}`, fetch, {
        ...setup.staleCache,
        vendor,
        classify,
      });
    },
    named: (operation, idempotent, fn) => operationContext.run({ operation, idempotent }, fn),
  };
}
