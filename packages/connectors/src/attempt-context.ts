import { AsyncLocalStorage } from "node:async_hooks";

/** The HTTP attempt in progress: its abort signal reaches SDK transports that take no signal. */
export interface AttemptContext {
  signal: AbortSignal;
  attempt: number;
}

export const attemptContext = new AsyncLocalStorage<AttemptContext>();

/** The typed operation in progress (ledger operation names for SDK-internal requests). */
export const operationContext = new AsyncLocalStorage<{ operation: string; idempotent: boolean }>();
