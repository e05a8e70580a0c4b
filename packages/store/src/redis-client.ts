import type { Redis } from "ioredis";
import type { KeyValue } from "./types";

/** The ioredis client behind a Redis key-value store, for libraries that need one (the rate limiters). */
export function redisClientOf(kv: KeyValue): Redis | undefined {
  return kv.kind === "redis" ? (kv as KeyValue & { redisClient?: Redis }).redisClient : undefined;
}
