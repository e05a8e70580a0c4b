import {
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  type IBreaker,
  type IRetryBackoffContext,
  retry,
  SamplingBreaker,
} from "cockatiel";
import { AttemptTimeoutError, withAttemptTimeout } from "./attempt-timeout";
import { type Classifier, defaultClassify, networkCodeOf } from "./classify";
import { describeWait, VendorError } from "./errors";
import { type CircuitStateName, Emitter, type Listener, type PolicyEvent } from "./events";
import { type BreakerOptions, resolvePolicyOptions, type VendorPolicyOptions } from "./policy-options";
import { displayName } from "./vendor-names";

export interface OperationContext {
  /** Aborts when the attempt times out, the deadline passes or the caller cancels: pass it to fetch. */
  signal: AbortSignal;
  /** 1 for the first HTTP attempt. */
  attempt: number;
}

export type Operation<T> = (ctx: OperationContext) => Promise<T>;

export interface AttemptGate {
  attempt: number;
  /** Time left before the call's deadline. */
  remainingMs: number;
  signal: AbortSignal;
}

export interface ExecuteOptions {
  /** Overrides the policy's deadline for this call. */
  deadlineMs?: number;
  /** Caller cancellation (e.g. the MCP request was cancelled). */
  signal?: AbortSignal;
  /** false: retry only when the vendor surely did not process the request (429, connection refused). */
  idempotent?: boolean;
  /** Runs before each HTTP attempt (rate limiter); attempt 1 runs before the bulkhead. */
  beforeAttempt?: (gate: AttemptGate) => Promise<void>;
}

export interface PolicyStats {
  calls: number;
  attempts: number;
  retries: number;
  timeouts: number;
  successes: number;
  failures: number;
  breakerOpens: number;
  bulkheadRejections: number;
}

export interface RunResult<T> {
  value: T;
  attempts: number;
  durationMs: number;
}

export interface VendorPolicy {
  readonly vendor: string;
  readonly connection: string;
  readonly stats: Readonly<PolicyStats>;
  readonly circuitState: CircuitStateName;
  execute<T>(op: Operation<T>, opts?: ExecuteOptions): Promise<T>;
  /** Like execute, with the number of HTTP attempts and the duration. Failures carry `attempts` too. */
  run<T>(op: Operation<T>, opts?: ExecuteOptions): Promise<RunResult<T>>;
  onEvent(listener: Listener<PolicyEvent>): () => void;
  classify(err: unknown): VendorError;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half_open",
  [CircuitState.Isolated]: "isolated",
};

/** Failures that say "the vendor is unwell": only these count towards opening the circuit. */
const BREAKER_KINDS = new Set(["unavailable", "timeout"]);

function makeBreaker(opts: BreakerOptions): IBreaker {
  if (opts.kind === "consecutive") return new ConsecutiveBreaker(opts.threshold);
  return new SamplingBreaker({
    threshold: opts.threshold,
    duration: opts.durationMs,
    ...(opts.minimumRps === undefined ? {} : { minimumRps: opts.minimumRps }),
  });
}

/** Retry, timeout, circuit breaker and bulkhead for one vendor connection (cockatiel underneath). */
export function createVendorPolicy(vendor: string, options: VendorPolicyOptions = {}): VendorPolicy {
  const cfg = resolvePolicyOptions(vendor, options);
  const classifier: Classifier = options.classify ?? defaultClassify;
  const classify = (err: unknown) => classifier(err, vendor);
  const events = new Emitter<PolicyEvent>();
  const stats: PolicyStats = {
    calls: 0,
    attempts: 0,
    retries: 0,
    timeouts: 0,
    successes: 0,
    failures: 0,
    breakerOpens: 0,
    bulkheadRejections: 0,
  };
  const jitter = new ExponentialBackoff({
    generator: decorrelatedJitterGenerator,
    initialDelay: cfg.initialDelayMs,
    maxDelay: cfg.maxDelayMs,
  });
  const breaker = circuitBreaker(
    handleWhen((err) => BREAKER_KINDS.has(classify(err).kind)),
    { halfOpenAfter: cfg.halfOpenAfterMs, breaker: makeBreaker(cfg.breaker) },
  );
  let openedAt = 0;
  breaker.onBreak(() => {
    openedAt = performance.now();
    stats.breakerOpens++;
    events.emit({ type: "breaker", state: "open" });
  });
  breaker.onHalfOpen(() => events.emit({ type: "breaker", state: "half_open" }));
  breaker.onReset(() => events.emit({ type: "breaker", state: "closed" }));
  const gate = bulkhead(cfg.concurrency, cfg.queue);
  gate.onReject(() => {
    stats.bulkheadRejections++;
    events.emit({ type: "bulkhead_rejected" });
  });

  const name = displayName(vendor);

  function toVendorError(err: unknown): VendorError {
    const v = classify(err);
    if (v.kind !== "circuit_open" || v.retryAfterMs !== undefined) return v;
    const retryAfterMs = Math.max(0, Math.ceil(openedAt + cfg.halfOpenAfterMs - performance.now()));
    return new VendorError({
      vendor,
      kind: "circuit_open",
      retryable: false,
      retryAfterMs,
      message: `${name} has been failing repeatedly, so calls are paused; try again in ${describeWait(retryAfterMs)}.`,
      cause: err,
    });
  }

  /** Per-call state the shared retry policy finds through the error it is handed. */
  interface CallState {
    /** Caller cancellation, when given. */
    signal: AbortSignal | undefined;
    deadlineAt: number;
    idempotent: boolean;
    nextDelayMs: number;
    backoff: IBackoff<unknown> | undefined;
  }
  const stateOf = new WeakMap<VendorError, CallState>();

  const shouldRetry = (err: unknown): boolean => {
    const state = err instanceof VendorError ? stateOf.get(err) : undefined;
    if (!state || state.signal?.aborted || performance.now() >= state.deadlineAt) return false;
    const v = err as VendorError;
    if (!v.retryable || v.kind === "circuit_open") return false;
    // a rate-limit refusal (429, or Google's 403 rateLimitExceeded) was not acted on: safe to retry a write
    const refused = v.kind === "rate_limited" || networkCodeOf(v.cause) === "ECONNREFUSED";
    if (!state.idempotent && v.status !== 429 && !refused) return false;
    state.backoff = state.backoff ? state.backoff.next(undefined) : jitter.next();
    const wait = v.retryAfterMs ?? state.backoff.duration;
    // waiting past the deadline is pointless: surface the error (with its Retry-After) now
    if (wait >= state.deadlineAt - performance.now()) return false;
    state.nextDelayMs = wait;
    return true;
  };
  const delayOf = (ctx: IRetryBackoffContext<unknown>): number => {
    const err = "error" in ctx.result ? ctx.result.error : undefined;
    return (err instanceof VendorError ? stateOf.get(err)?.nextDelayMs : undefined) ?? 0;
  };
  const delay: IBackoffFactory<IRetryBackoffContext<unknown>> = {
    next: (ctx) => ({ duration: delayOf(ctx), next: delay.next }),
  };
  const retrier = retry(handleWhen(shouldRetry), { maxAttempts: cfg.maxAttempts - 1, backoff: delay });
  retrier.onRetry((e) => {
    stats.retries++;
    const kind = "error" in e && e.error instanceof VendorError ? e.error.kind : "unknown";
    events.emit({ type: "retry", attempt: e.attempt, delayMs: e.delay, kind });
  });
  /**
   * The deadline needs no timer of its own on the common path: every wait is clamped to it (attempt
   * timeouts, retry delays, rate-limit waits). Only a call that queues in the bulkhead arms one.
   */
  async function run<T>(op: Operation<T>, opts: ExecuteOptions = {}): Promise<RunResult<T>> {
    stats.calls++;
    const started = performance.now();
    const deadlineMs = opts.deadlineMs ?? cfg.deadlineMs;
    const state: CallState = {
      signal: opts.signal,
      deadlineAt: started + deadlineMs,
      idempotent: opts.idempotent !== false,
      nextDelayMs: 0,
      backoff: undefined,
    };
    const remaining = () => state.deadlineAt - performance.now();
    const deadlineError = () =>
      new VendorError({
        vendor,
        kind: "timeout",
        retryable: true,
        message: `${name} did not finish within ${describeWait(deadlineMs)}; try again or narrow the request.`,
      });
    let deadlineHit = false;
    let attempts = 0;
    let queueDeadline: AbortController | undefined;
    let queueTimer: NodeJS.Timeout | undefined;
    const signal = () => queueDeadline?.signal ?? opts.signal;

    const tryOnce = async (attempt: number): Promise<T> => {
      if (attempt > 1 && opts.beforeAttempt) {
        await opts.beforeAttempt({ attempt, remainingMs: remaining(), signal: signal() ?? NEVER });
      }
      const left = remaining();
      if (left <= 0) {
        deadlineHit = true;
        throw deadlineError();
      }
      const clamped = left < cfg.attemptTimeoutMs;
      const ms = clamped ? left : cfg.attemptTimeoutMs;
      attempts++;
      stats.attempts++;
      events.emit({ type: "attempt", attempt });
      try {
        return await withAttemptTimeout(ms, signal(), (s) => op({ signal: s, attempt }));
      } catch (err) {
        if (!(err instanceof AttemptTimeoutError)) throw err;
        if (clamped) {
          deadlineHit = true;
          throw deadlineError();
        }
        stats.timeouts++;
        events.emit({ type: "timeout", attempt });
        throw new VendorError({
          vendor,
          kind: "timeout",
          retryable: true,
          message: `${name} did not answer within ${describeWait(ms)}; try again or narrow the request.`,
          cause: err,
        });
      }
    };
    const attemptOnce = async ({ attempt }: { attempt: number }): Promise<T> => {
      try {
        return await tryOnce(attempt + 1);
      } catch (err) {
        const v = classify(err);
        stateOf.set(v, state);
        throw v;
      }
    };
    const guarded = () => breaker.execute(() => retrier.execute(attemptOnce, signal()), signal());

    try {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (opts.beforeAttempt) {
        await opts.beforeAttempt({ attempt: 1, remainingMs: remaining(), signal: opts.signal ?? NEVER });
      }
      let value: T;
      if (gate.executionSlots > 0) {
        // with a caller signal, cancellation also cuts a retry backoff short
        value = await (opts.signal ? raceAbort(gate.execute(guarded), opts.signal) : gate.execute(guarded));
      } else {
        // queued: the wait for a slot is the one place that needs a deadline timer
        const ctrl = new AbortController();
        queueDeadline = ctrl;
        const left = Math.max(0, remaining());
        queueTimer = setTimeout(() => {
          deadlineHit = true;
          ctrl.abort(deadlineError());
        }, left);
        const unlink = linkAbort(opts.signal, ctrl);
        try {
          value = await raceAbort(gate.execute(guarded, ctrl.signal), ctrl.signal);
        } finally {
          unlink();
        }
      }
      const durationMs = performance.now() - started;
      stats.successes++;
      events.emit({ type: "success", attempts, durationMs });
      return { value, attempts, durationMs };
    } catch (err) {
      const v = deadlineHit ? deadlineError() : toVendorError(err);
      if (deadlineHit) events.emit({ type: "deadline", attempts });
      v.attempts = attempts;
      stats.failures++;
      events.emit({ type: "failure", attempts, durationMs: performance.now() - started, kind: v.kind });
      throw v;
    } finally {
      if (queueTimer) clearTimeout(queueTimer);
    }
  }

  return {
    vendor,
    connection: cfg.connection,
    stats,
    get circuitState() {
      return STATE_NAMES[breaker.state];
    },
    run,
    execute: async (op, opts) => (await run(op, opts)).value,
    onEvent: (listener) => events.on(listener),
    classify: toVendorError,
  };
}

const NEVER = new AbortController().signal;

/** Aborts `ctrl` when `signal` does; returns the unlink. */
function linkAbort(signal: AbortSignal | undefined, ctrl: AbortController): () => void {
  if (!signal) return () => undefined;
  const onAbort = () => ctrl.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

/** Settles with `work`, or rejects as soon as the signal aborts (the deadline is a hard stop). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // late settlement after the abort must not become an unhandled rejection
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
