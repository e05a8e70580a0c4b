/** A value kept for `ttlMs`, so directory lookups (owners, account names) are not repeated on every call. */
export class TtlMemo<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V): void {
    this.entries.set(key, { at: this.now(), value });
  }
}

export const DIRECTORY_TTL_MS = 5 * 60_000;
