import { currentCallScope } from "./call-scope";
import type { CostLedger } from "./ledger";
import type { QuotaWindow, VendorLimiter } from "./limiter";
import type { ExecuteOptions, Operation, VendorPolicy } from "./policy";
import type { QuotaSnapshot, QuotaTracker } from "./quota";
import { bucketFor, unitsFor } from "./vendors";

export interface ResilientCallerOptions {
  vendor: string;
  /** Defaults to the policy's connection. */
  connection?: string;
  policy: VendorPolicy;
  limiter?: VendorLimiter;
  ledger?: CostLedger;
  /** Daily allocation from response headers (Salesforce Sforce-Limit-Info, HubSpot daily). */
  quota?: QuotaTracker;
  /** Who the call is made for and which tool made it (ledger, budgets). */
  principal?: string;
  tool?: string;
}

export interface CallOptions extends Pick<ExecuteOptions, "deadlineMs" | "signal" | "idempotent"> {
  /** Quota units this call consumes; default from the vendor table (Gmail), else 1. */
  units?: number;
  principal?: string;
  tool?: string;
}

export interface CallResult<T> {
  value: T;
  /** Soft-budget and near-quota notes the tool should include in its result. */
  warnings: string[];
  attempts: number;
  costUsd: number;
}

export interface RemainingQuota {
  vendor: string;
  connection: string;
  window: QuotaWindow | undefined;
  daily: QuotaSnapshot | undefined;
}

export interface ResilientCaller {
  readonly vendor: string;
  readonly connection: string;
  /** budget → quota → rate limit → bulkhead → breaker → retry → timeout → op → ledger. */
  call<T>(operation: string, op: Operation<T>, opts?: CallOptions): Promise<CallResult<T>>;
  remainingQuota(operation?: string): Promise<RemainingQuota>;
}

/** Headers on a result or error in any client's shape (fetch Response, axios/gaxios response). */
function headersOf(value: unknown): unknown {
  if (value === null || typeof value !== "object") return undefined;
  const v = value as { headers?: unknown; response?: { headers?: unknown } };
  return v.headers ?? v.response?.headers;
}

/** Composes the budget, quota, limiter, policy and ledger for one vendor connection. */
export function createResilientCaller(options: ResilientCallerOptions): ResilientCaller {
  const { vendor, policy, limiter, ledger, quota } = options;
  const connection = options.connection ?? policy.connection;

  async function call<T>(
    operation: string,
    op: Operation<T>,
    opts: CallOptions = {},
  ): Promise<CallResult<T>> {
    const started = performance.now();
    const units = opts.units ?? unitsFor(vendor, operation);
    const scope = currentCallScope();
    const principal = opts.principal ?? scope?.principal ?? options.principal;
    const tool = opts.tool ?? scope?.tool ?? options.tool;
    const warnings: string[] = [];
    const entry = { vendor, connection, operation, units, principal, tool };
    try {
      if (ledger) {
        const check = await ledger.checkBudget(
          { vendor, tool, principal },
          ledger.priceUsd(vendor, operation, units),
        );
        if (check.refusal) throw check.refusal;
        warnings.push(...check.warnings);
      }
      const allocation = quota?.check();
      if (allocation?.refusal) throw allocation.refusal;
      if (allocation?.warning) warnings.push(allocation.warning);
      const bucket = bucketFor(vendor, operation);
      const observed: Operation<T> = quota
        ? (ctx) =>
            op(ctx).then(
              (value) => {
                quota.observe(headersOf(value));
                return value;
              },
              (err: unknown) => {
                quota.observe(headersOf(err));
                throw err;
              },
            )
        : op;
      const run = await policy.run(observed, {
        deadlineMs: opts.deadlineMs,
        signal: opts.signal,
        idempotent: opts.idempotent,
        beforeAttempt: limiter
          ? async (gate) => {
              await limiter.acquire(units, { bucket, maxWaitMs: gate.remainingMs, signal: gate.signal });
            }
          : undefined,
      });
      const costUsd = ledger
        ? await ledger.record({ ...entry, attempts: run.attempts, outcome: "ok", durationMs: run.durationMs })
        : 0;
      // the tool call's result carries them even when the adapter drops the CallResult
      for (const w of warnings) if (scope && !scope.warnings.includes(w)) scope.warnings.push(w);
      return { value: run.value, warnings, attempts: run.attempts, costUsd };
    } catch (err) {
      const v = policy.classify(err);
      await ledger?.record({
        ...entry,
        attempts: v.attempts,
        outcome: v.kind,
        durationMs: performance.now() - started,
      });
      throw v;
    }
  }

  async function remainingQuota(operation = "default"): Promise<RemainingQuota> {
    return {
      vendor,
      connection,
      window: limiter ? await limiter.remaining(bucketFor(vendor, operation)) : undefined,
      daily: quota?.snapshot(),
    };
  }

  return { vendor, connection, call, remainingQuota };
}
