import { type KeyValue, openKv, openSql, type SqlDb } from "@revops/store";
import { type BaseConfig, envWithFile } from "./config";
import type { Runtime, ServerModule } from "./define";
import type { Logger } from "./logger";

/** Process-wide state: lazily opened stores, shared values, ports per module, in-flight calls. */
export class KitRuntime implements Runtime {
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly inflight = new Set<Promise<unknown>>();
  private sqlDb: Promise<SqlDb> | undefined;
  private kvStore: Promise<KeyValue> | undefined;
  private readonly closers: (() => Promise<void>)[] = [];
  closing = false;
  /** Set by runServer once HTTP listens. */
  httpUrl: string | undefined;

  constructor(
    readonly config: BaseConfig,
    readonly log: Logger,
    readonly environment: Readonly<Record<string, string | undefined>> = envWithFile(),
  ) {}

  sql = (): Promise<SqlDb> => {
    this.sqlDb ??= openSql({ databaseUrl: this.config.DATABASE_URL, dataDir: this.config.REVOPS_DATA_DIR });
    return this.sqlDb;
  };

  kv = (): Promise<KeyValue> => {
    this.kvStore ??= openKv({ redisUrl: this.config.REDIS_URL });
    return this.kvStore;
  };

  shared = <T>(key: string, create: () => Promise<T>): Promise<T> => {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = create();
      // A failed start-up (database down) must be retried on the next call, not cached forever.
      p.catch(() => this.memo.delete(key));
      this.memo.set(key, p);
    }
    return p;
  };

  onClose = (fn: () => Promise<void>): void => {
    this.closers.push(fn);
  };

  ports<P>(module: ServerModule<P>): Promise<P> {
    return this.shared(`ports:${module.name}`, () => module.ports(this));
  }

  /** Tracks a call so shutdown can let it finish. */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Waits for in-flight calls (bounded), then closes the stores. */
  async close(timeoutMs: number): Promise<void> {
    this.closing = true;
    if (this.inflight.size > 0) {
      this.log.info({ inflight: this.inflight.size }, "waiting for in-flight calls");
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...this.inflight]), timeout]);
      clearTimeout(timer);
    }
    // registered closers first (newest first): they may still write to the stores
    for (const fn of this.closers.splice(0).reverse()) {
      await fn().catch((err: unknown) => this.log.error({ err }, "shutdown step failed"));
    }
    const stores: Promise<void>[] = [];
    if (this.sqlDb) stores.push(this.sqlDb.then((db) => db.close()));
    if (this.kvStore) stores.push(this.kvStore.then((kv) => kv.close()));
    await Promise.allSettled(stores);
  }

  /** Readiness: the configured stores answer. */
  async ready(): Promise<Record<string, "ok" | string>> {
    const checks: Record<string, string> = {};
    const check = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
        checks[name] = "ok";
      } catch (err) {
        checks[name] = err instanceof Error ? err.message : String(err);
      }
    };
    await check(this.config.DATABASE_URL ? "postgres" : "sqlite", async () => (await this.sql()).ping());
    await check(this.config.REDIS_URL ? "redis" : "memory-kv", async () => (await this.kv()).ping());
    return checks;
  }
}
