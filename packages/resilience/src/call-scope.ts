import { AsyncLocalStorage } from "node:async_hooks";

/** Who a tool call runs for: vendor calls made inside it are attributed to it and report warnings back. */
export interface CallScope {
  principal?: string;
  tool?: string;
  /** Budget and quota warnings raised by vendor calls during the tool call, for its result. */
  warnings: string[];
}

const storage = new AsyncLocalStorage<CallScope>();
let enabled = false;

/** Called when a vendor connection is built: until then tool calls skip the context (it costs every promise). */
export function enableCallScopes(): void {
  enabled = true;
}

export const callScopesEnabled = (): boolean => enabled;

/** Runs a tool call inside its scope (only servers with vendor connections pay for the context). */
export function runInCallScope<T>(scope: CallScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

export function currentCallScope(): CallScope | undefined {
  return storage.getStore();
}
