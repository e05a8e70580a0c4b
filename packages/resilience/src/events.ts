export type CircuitStateName = "closed" | "open" | "half_open" | "isolated";

/** What the policy did, for tests and metrics. */
export type PolicyEvent =
  | { type: "attempt"; attempt: number }
  | { type: "retry"; attempt: number; delayMs: number; kind: string }
  | { type: "timeout"; attempt: number }
  | { type: "deadline"; attempts: number }
  | { type: "breaker"; state: CircuitStateName }
  | { type: "bulkhead_rejected" }
  | { type: "success"; attempts: number; durationMs: number }
  | { type: "failure"; attempts: number; durationMs: number; kind: string };

export type Listener<E> = (event: E) => void;

/** Minimal synchronous emitter; a throwing listener never breaks a call. */
export class Emitter<E> {
  private readonly listeners = new Set<Listener<E>>();

  on(listener: Listener<E>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // metrics must not fail calls
      }
    }
  }
}
