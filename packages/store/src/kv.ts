import { MemoryKv } from "./kv-memory";
import type { KeyValue, OpenKvOptions } from "./types";

/** Redis when redisUrl is set, else an in-process map (single process only). */
export async function openKv(opts: OpenKvOptions): Promise<KeyValue> {
  const url = opts.redisUrl?.trim();
  // Loaded only when configured, like the PostgreSQL client.
  if (url) return (await import("./kv-redis")).openRedisKv(url, opts.keyPrefix ?? "revops:");
  return new MemoryKv();
}
