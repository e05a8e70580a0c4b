import { AsyncLocalStorage } from "node:async_hooks";

/** Who a tool call runs for: vendor calls made inside it are attributed to it and report warnings back. */
export interface CallScope {
  principal?: string;
  tool?: string;
  /** Budget and quota warnings raised by vendor calls during the tool call, for its result. */
  warnings: string[];
  /** How to read the call's answer (cached or capped vendor reads), for the result's caveats. */
  notes: string[];
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

/** Records a note on the answer of the tool call in progress, once; outside a call it goes nowhere. */
export function noteForCall(note: string): void {
  const notes = storage.getStore()?.notes;
  if (notes && !notes.includes(note)) notes.push(note);
}
