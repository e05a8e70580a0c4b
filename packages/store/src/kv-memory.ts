import { checkIncrement, checkTtl } from "./ttl";
import type { KeyValue } from "./types";

interface Entry {
  value: string;
  expiresAt: number | undefined;
}

const SWEEP_EVERY_WRITES = 1000;

/** In-process KeyValue: single-process only; expiry is checked on access and swept periodically. */
export class MemoryKv implements KeyValue {
  readonly kind = "memory" as const;
  private readonly map = new Map<string, Entry>();
  private writes = 0;
  private closed = false;

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async set(key: string, value: string, opts?: { ttlMs?: number }): Promise<void> {
    this.put(key, value, checkTtl(opts?.ttlMs));
  }

  async setIfAbsent(key: string, value: string, opts?: { ttlMs?: number }): Promise<boolean> {
    const ttl = checkTtl(opts?.ttlMs);
    if (this.live(key)) return false;
    this.put(key, value, ttl);
    return true;
  }

  async take(key: string): Promise<string | undefined> {
    const entry = this.live(key);
    if (entry) this.map.delete(key);
    return entry?.value;
  }

  async del(key: string): Promise<void> {
    this.open();
    this.map.delete(key);
  }

  async incr(key: string, by = 1, opts?: { ttlMs?: number }): Promise<number> {
    checkIncrement(by);
    const ttl = checkTtl(opts?.ttlMs);
    const entry = this.live(key);
    if (!entry) {
      this.put(key, String(by), ttl);
      return by;
    }
    // same rule and message as Redis INCRBY
    const next = /^-?\d+$/.test(entry.value) ? Number(entry.value) + by : Number.NaN;
    if (!Number.isSafeInteger(next)) throw new Error("ERR value is not an integer or out of range");
    entry.value = String(next);
    return next;
  }

  async ping(): Promise<void> {
    this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.map.clear();
  }

  private live(key: string): Entry | undefined {
    this.open();
    const entry = this.map.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, value: string, ttlMs: number | undefined): void {
    this.open();
    this.map.set(key, { value, expiresAt: ttlMs === undefined ? undefined : Date.now() + ttlMs });
    this.writes += 1;
    if (this.writes % SWEEP_EVERY_WRITES === 0) this.sweep();
  }

  /** Keeps keys that are written once and never read again from piling up. */
  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.map) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.map.delete(key);
    }
  }

  private open(): void {
    if (this.closed) throw new Error("KeyValue (memory) is closed");
  }
}
