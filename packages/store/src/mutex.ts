/** FIFO async lock: one task at a time, in call order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    // the chain must survive failures of earlier tasks
    this.tail = result.catch(() => undefined);
    return result;
  }
}
