export type Dialect = "sqlite" | "postgres";
export type Row = Record<string, unknown>;

export interface TransactionOptions {
  /** PostgreSQL: serialise on pg_advisory_xact_lock(hashtext(lock)). SQLite: writers are already serialised. */
  lock?: string;
}

/** A streaming insert into one table (see `SqlDb.bulkWriter`). */
export interface BulkWriter {
  /** Queues rows; resolves when the writer can take more (back-pressure). */
  write(rows: readonly unknown[][]): Promise<void>;
  /** Flushes and finishes; resolves with the number of rows written. */
  end(): Promise<number>;
  /** Gives up (call it when the load fails before `end`): PostgreSQL cancels the COPY so the transaction can roll back. */
  abort(reason?: unknown): Promise<void>;
}

export interface SqlDb {
  readonly dialect: Dialect;
  /** Placeholders are `?` in every dialect (translated to $1..$n for PostgreSQL; ignore `?` inside single-quoted literals). */
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows as arrays in column order: no object per row, for bulk scans (audit verification). */
  queryArrays(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /** First row or undefined. */
  one<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Statement without result rows; returns number of changed rows. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Several statements separated by `;` (DDL). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction: commit on success, rollback on throw. Nested calls reuse it (as a savepoint). */
  transaction<T>(fn: (tx: SqlDb) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Fast bulk insert. Values: string | number | boolean | null | Date | object (objects JSON-encoded). */
  insertMany(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void>;
  /**
   * Streams many batches into one table, for large initial loads: `COPY … FROM STDIN` on PostgreSQL, one
   * prepared multi-row statement reused on SQLite. Same values as `insertMany`. Inside a transaction the rows
   * are part of it; finish the writer (`end`) before the next statement on the same transaction.
   */
  bulkWriter?(table: string, columns: readonly string[]): Promise<BulkWriter>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenSqlOptions {
  /** postgres:// URL; when unset, SQLite is used. */
  databaseUrl?: string;
  /** Directory of the SQLite file (created on first start). */
  dataDir: string;
  /** SQLite file name, default "revops.db". */
  fileName?: string;
}

export interface Migration {
  id: string;
  /** Same SQL for both dialects, or per dialect. */
  sql: string | { sqlite: string; postgres: string };
}

export interface KeyValue {
  readonly kind: "memory" | "redis";
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, opts?: { ttlMs?: number }): Promise<void>;
  /** Sets only when absent (SET NX); true when set. */
  setIfAbsent(key: string, value: string, opts?: { ttlMs?: number }): Promise<boolean>;
  /** Atomically reads and deletes (GETDEL): for single-use tokens. */
  take(key: string): Promise<string | undefined>;
  del(key: string): Promise<void>;
  /** Atomic increment; sets the TTL when the key is created. Returns the new value. */
  incr(key: string, by?: number, opts?: { ttlMs?: number }): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenKvOptions {
  redisUrl?: string;
  /** Prefix for every Redis key, default "revops:". */
  keyPrefix?: string;
}
