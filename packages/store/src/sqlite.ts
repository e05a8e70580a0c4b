import { AsyncLocalStorage } from "node:async_hooks";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import { Mutex } from "./mutex";
import type { BulkWriter, Row, SqlDb, TransactionOptions } from "./types";
import { checkInsertArgs, type DbValue, toDbValue, toDbValues } from "./values";

export const SQLITE_BUSY_TIMEOUT_MS = 5000;
const STATEMENT_CACHE_SIZE = 200;
/** Multi-row inserts of at most this many rows go through the statement cache (audit batches: one size each). */
const SMALL_BATCH_ROWS = 16;
const SQLITE_BUSY = 5;

interface TxState {
  active: boolean;
  savepoints: number;
  /** Bulk writers not ended yet: their last rows would be lost, so the transaction refuses to commit. */
  writers?: Set<object>;
}

interface Shared {
  conn: DatabaseSync;
  /** DatabaseSync is one connection: an open async transaction must not interleave with other callers. */
  mutex: Mutex;
  /** Lets `db.*` calls made inside a transaction callback join it instead of deadlocking on the mutex. */
  ambient: AsyncLocalStorage<TxState>;
  statements: Map<string, StatementSync>;
  closed: boolean;
}

/** Opens (creating dataDir if needed) a SQLite file with WAL, busy_timeout and foreign keys. */
export function openSqlite(dataDir: string, fileName: string): SqlDb {
  const path = fileName === ":memory:" ? fileName : join(dataDir, fileName);
  let conn: DatabaseSync;
  try {
    if (path !== ":memory:") mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    conn = new DatabaseSync(path);
    // the audit log, keys and customer data live here: owner-only, and SQLite gives its WAL the same mode
    if (path !== ":memory:") chmodSync(path, 0o600);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const detail = [e.code, e.message ?? String(err)].filter(Boolean).join(" ");
    throw new Error(
      `Cannot open SQLite database ${path} (dataDir): ${detail} — is dataDir a writable directory?`,
    );
  }
  conn.exec(
    `PRAGMA busy_timeout=${SQLITE_BUSY_TIMEOUT_MS}; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY`,
  );
  return new SqliteDb({
    conn,
    mutex: new Mutex(),
    ambient: new AsyncLocalStorage(),
    statements: new Map(),
    closed: false,
  });
}

class SqliteDb implements SqlDb {
  readonly dialect = "sqlite" as const;

  constructor(
    private readonly s: Shared,
    private readonly tx?: TxState,
  ) {}

  async query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.step(() => this.all<T>(sql, params));
  }

  async queryArrays(sql: string, params?: readonly unknown[]): Promise<unknown[][]> {
    return this.step(() => this.stmt(sql, true).all(...toDbValues(params)) as unknown as unknown[][]);
  }

  async one<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return this.step(() => {
      const row = this.stmt(sql).get(...toDbValues(params));
      return row ? ({ ...row } as T) : undefined;
    });
  }

  async run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.step(() => Number(this.stmt(sql).run(...toDbValues(params)).changes));
  }

  async exec(sql: string): Promise<void> {
    return this.step(() => this.s.conn.exec(sql));
  }

  async ping(): Promise<void> {
    await this.step(() => this.stmt("SELECT 1").get());
  }

  async transaction<T>(fn: (tx: SqlDb) => Promise<T>, _opts?: TransactionOptions): Promise<T> {
    // opts.lock needs no work here: BEGIN IMMEDIATE already serialises every writer
    const outer = this.currentTx();
    if (outer) return this.savepoint(outer, fn);
    return this.s.mutex.run(async () => {
      this.assertOpen();
      await this.begin();
      const state: TxState = { active: true, savepoints: 0 };
      try {
        const result = await this.s.ambient.run(state, () => fn(new SqliteDb(this.s, state)));
        if (state.writers?.size)
          throw new Error("bulkWriter: end() each writer before the transaction returns");
        this.s.conn.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.s.conn.isTransaction) this.s.conn.exec("ROLLBACK");
        throw err;
      } finally {
        state.active = false;
        // Node 22 tracks async context with promise hooks that slow every promise ~3×; off between transactions
        this.s.ambient.disable();
      }
    });
  }

  async insertMany(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
    checkInsertArgs(table, columns, rows);
    if (rows.length === 0) return;
    // many rows per statement, prepared once, in one transaction: a call per row was most of the load time
    const perStatement = Math.max(1, Math.min(200, Math.floor(30_000 / columns.length)));
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    const insert = (n: number) => {
      const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array(n).fill(tuple).join(", ")}`;
      // small batches (the audit log's group commits) recur with the same few sizes: keep those prepared
      return n <= SMALL_BATCH_ROWS ? this.stmt(sql) : this.s.conn.prepare(sql);
    };
    await this.transaction(async () => {
      const full = rows.length >= perStatement ? insert(perStatement) : undefined;
      let i = 0;
      for (; full && i + perStatement <= rows.length; i += perStatement) {
        full.run(...rows.slice(i, i + perStatement).flatMap((row) => row.map(toDbValue)));
      }
      if (i < rows.length) insert(rows.length - i).run(...rows.slice(i).flatMap((row) => row.map(toDbValue)));
    });
  }

  async bulkWriter(table: string, columns: readonly string[]): Promise<BulkWriter> {
    checkInsertArgs(table, columns, []);
    const width = columns.length;
    // the largest statement SQLite binds (32,766 variables) is no faster than ~500 rows; one is prepared per table
    const perStatement = Math.max(1, Math.min(500, Math.floor(30_000 / width)));
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    const prepare = (n: number) =>
      this.s.conn.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array(n).fill(tuple).join(", ")}`,
      );
    let full: StatementSync | undefined;
    const args: DbValue[] = new Array(perStatement * width);
    let buffered = 0;
    let written = 0;
    let done = false;
    const flush = (n: number) => {
      if (n === 0) return;
      if (n === perStatement) {
        full ??= prepare(perStatement);
        full.run(...args);
      } else prepare(n).run(...args.slice(0, n * width));
      written += n;
      buffered = 0;
    };
    const inTx = async (fn: () => void) => {
      this.assertOpen();
      if (this.currentTx()) return fn();
      return this.transaction(async () => fn());
    };
    const tx = this.currentTx();
    const token = {};
    if (tx) {
      tx.writers ??= new Set();
      tx.writers.add(token);
    }
    return {
      write: (rows) =>
        inTx(() => {
          if (done) throw new Error("bulkWriter: write() after end()");
          for (let i = 0; i < rows.length; i++) {
            const row = rows[i] as unknown[];
            if (row.length !== width)
              throw new Error(`bulkWriter: row ${i} has ${row.length} values, expected ${width}`);
            let k = buffered * width;
            for (let j = 0; j < width; j++) args[k++] = toDbValue(row[j]);
            if (++buffered === perStatement) flush(perStatement);
          }
        }),
      end: async () => {
        if (!done) await inTx(() => flush(buffered));
        done = true;
        tx?.writers?.delete(token);
        return written;
      },
      abort: async () => {
        done = true;
        buffered = 0;
        tx?.writers?.delete(token);
      },
    };
  }

  async close(): Promise<void> {
    if (this.currentTx()) throw new Error("close() cannot be called inside a transaction");
    await this.s.mutex.run(() => {
      if (this.s.closed) return;
      this.s.closed = true;
      this.s.statements.clear();
      this.s.conn.close();
    });
  }

  /** Inside a transaction: run now. Otherwise: wait for any open transaction first. */
  private step<T>(fn: () => T): T | Promise<T> {
    if (this.currentTx()) return fn();
    return this.s.mutex.run(() => {
      this.assertOpen();
      return fn();
    });
  }

  private currentTx(): TxState | undefined {
    if (this.tx) {
      if (!this.tx.active) throw new Error("This transaction has already finished; use the SqlDb instead");
      return this.tx;
    }
    const ambient = this.s.ambient.getStore();
    return ambient?.active ? ambient : undefined;
  }

  private assertOpen(): void {
    if (this.s.closed) throw new Error("SqlDb (sqlite) is closed");
  }

  private all<T>(sql: string, params?: readonly unknown[]): T[] {
    // node:sqlite rows have a null prototype; callers expect plain objects
    return this.stmt(sql)
      .all(...toDbValues(params))
      .map((row) => ({ ...row }) as T);
  }

  /** Small LRU of prepared statements: re-preparing dominates the cost of short queries. */
  private stmt(sql: string, arrays = false): StatementSync {
    const cache = this.s.statements;
    // array-mode statements are cached apart: the mode belongs to the prepared statement
    const key = arrays ? `\u0000arrays:${sql}` : sql;
    let stmt = cache.get(key);
    if (stmt) {
      cache.delete(key);
    } else {
      stmt = this.s.conn.prepare(sql);
      if (arrays) stmt.setReturnArrays(true);
      if (cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
    }
    cache.set(key, stmt);
    return stmt;
  }

  private async savepoint<T>(tx: TxState, fn: (tx: SqlDb) => Promise<T>): Promise<T> {
    tx.savepoints += 1;
    const name = `revops_sp_${tx.savepoints}`;
    const conn = this.s.conn;
    conn.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this.tx ? this : new SqliteDb(this.s, tx));
      conn.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      conn.exec(`ROLLBACK TO ${name}`);
      conn.exec(`RELEASE ${name}`);
      throw err;
    }
  }

  /**
   * BEGIN IMMEDIATE with busy_timeout off and an async retry loop: a synchronous busy wait would
   * freeze the event loop, and deadlock when the lock holder lives in this same process.
   */
  private async begin(): Promise<void> {
    const conn = this.s.conn;
    const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
    conn.exec("PRAGMA busy_timeout=0");
    try {
      for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
        try {
          conn.exec("BEGIN IMMEDIATE");
          return;
        } catch (err) {
          if ((err as { errcode?: number }).errcode !== SQLITE_BUSY) throw err;
          if (Date.now() + wait > deadline) {
            throw new Error(
              `SQLite database is locked: another connection held the write lock for over ${SQLITE_BUSY_TIMEOUT_MS} ms`,
            );
          }
        }
        await sleep(wait);
      }
    } finally {
      conn.exec(`PRAGMA busy_timeout=${SQLITE_BUSY_TIMEOUT_MS}`);
    }
  }
}
