import { Redis } from "ioredis";
import { connectError, parseServiceUrl, type Target } from "./errors";
import { checkIncrement, checkTtl } from "./ttl";
import type { KeyValue } from "./types";

const ENV = "REDIS_URL";
const REDIS_HINTS: Record<string, string> = {
  WRONGPASS: `check the user name and password in ${ENV}`,
  NOAUTH: `the server requires a password: add it to ${ENV}`,
};

/** INCRBY, plus PEXPIRE only when this call created the key — atomic as one script. */
const INCR_WITH_TTL = `
local existed = redis.call('EXISTS', KEYS[1])
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

/** Connects eagerly and resolves only once Redis answers, so misconfiguration fails at startup. */
export async function openRedisKv(url: string, keyPrefix: string): Promise<KeyValue> {
  const target = parseServiceUrl(url, ["redis:", "rediss:"], 6379, ENV, "redis://:password@host:6379/0");
  const client = new Redis(url, {
    keyPrefix,
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
  });
  const kv = new RedisKv(client, target);
  try {
    await ready(client);
  } catch (err) {
    client.disconnect();
    throw explain(target, err);
  }
  return kv;
}

/** Never pass ioredis errors on as-is: reply errors carry the AUTH arguments (the password). */
function explain(target: Target, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code ?? /^([A-Z]{4,})\b/.exec(message)?.[1];
  return connectError("Redis", target, ENV, { code, message }, REDIS_HINTS);
}

function ready(client: Redis): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: unknown) => {
      client.off("ready", onReady);
      client.off("error", onError);
      client.off("end", onEnd);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onError = (err: unknown) => done(err);
    const onEnd = () => done(new Error("connection closed"));
    client.on("ready", onReady);
    client.on("error", onError);
    client.on("end", onEnd);
  });
}

class RedisKv implements KeyValue {
  readonly kind = "redis" as const;
  private lastError: unknown;

  constructor(
    /** Shared with libraries that need an ioredis client (see redisClientOf). */
    readonly redisClient: Redis,
    private readonly target: Target,
  ) {
    // without a listener ioredis prints every reconnect failure; keep it for the next command's error
    redisClient.on("error", (err: unknown) => {
      this.lastError = err;
    });
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.call(() => this.redisClient.get(key))) ?? undefined;
  }

  async set(key: string, value: string, opts?: { ttlMs?: number }): Promise<void> {
    const ttl = checkTtl(opts?.ttlMs);
    await this.call(() =>
      ttl === undefined ? this.redisClient.set(key, value) : this.redisClient.set(key, value, "PX", ttl),
    );
  }

  async setIfAbsent(key: string, value: string, opts?: { ttlMs?: number }): Promise<boolean> {
    const ttl = checkTtl(opts?.ttlMs);
    const reply = await this.call(() =>
      ttl === undefined
        ? this.redisClient.set(key, value, "NX")
        : this.redisClient.set(key, value, "PX", ttl, "NX"),
    );
    return reply === "OK";
  }

  async take(key: string): Promise<string | undefined> {
    return (await this.call(() => this.redisClient.getdel(key))) ?? undefined;
  }

  async del(key: string): Promise<void> {
    await this.call(() => this.redisClient.del(key));
  }

  async incr(key: string, by = 1, opts?: { ttlMs?: number }): Promise<number> {
    checkIncrement(by);
    const ttl = checkTtl(opts?.ttlMs);
    const value = await this.call(() =>
      ttl === undefined
        ? this.redisClient.incrby(key, by)
        : this.redisClient.eval(INCR_WITH_TTL, 1, key, by, ttl),
    );
    return Number(value);
  }

  async ping(): Promise<void> {
    await this.call(() => this.redisClient.ping());
  }

  async close(): Promise<void> {
    if (this.redisClient.status === "end") return;
    await this.redisClient.quit().catch(() => this.redisClient.disconnect());
  }

  /** Command errors stay as they are; a lost connection gets the startup-style explanation. */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    if (this.redisClient.status === "end") throw new Error("KeyValue (redis) is closed");
    try {
      return await command();
    } catch (err) {
      if (this.redisClient.status === "ready") throw err;
      throw explain(this.target, this.lastError ?? err);
    }
  }
}
