/** Thrown when one attempt outlives its timeout (the deadline has its own error). */
export class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`Attempt timed out after ${ms} ms`);
    this.name = "AttemptTimeoutError";
  }
}

/**
 * Runs fn with a signal that aborts after `ms` or when `parent` aborts, and settles at that moment even
 * if fn ignores the signal. Lean on purpose: it runs once per HTTP attempt (see bench/overhead.mjs).
 */
export function withAttemptTimeout<T>(
  ms: number,
  parent: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (parent?.aborted) return Promise.reject(parent.reason);
  const ctrl = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const onParentAbort = () => {
      clearTimeout(timer);
      ctrl.abort(parent?.reason);
      reject(parent?.reason);
    };
    const timer = setTimeout(() => {
      parent?.removeEventListener("abort", onParentAbort);
      const err = new AttemptTimeoutError(ms);
      ctrl.abort(err);
      reject(err);
    }, ms);
    parent?.addEventListener("abort", onParentAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    };
    fn(ctrl.signal).then(
      (value) => {
        settle();
        resolve(value);
      },
      (err: unknown) => {
        settle();
        reject(err);
      },
    );
  });
}
