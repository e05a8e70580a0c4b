/// <reference path="./pg-copy-streams.d.ts" />
import { AsyncLocalStorage } from "node:async_hooks";
import { finished } from "node:stream";
import { Pool, type PoolClient, type QueryResult, types } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { connectError, isNetworkError, parseServiceUrl, type Target } from "./errors";
import { toPgPlaceholders } from "./placeholders";
import type { BulkWriter, Row, SqlDb, TransactionOptions } from "./types";
import { checkInsertArgs, type DbValue, toDbValue, toDbValues } from "./values";

const ENV = "DATABASE_URL";
const MAX_PARAMS = 65_535;
const ROWS_PER_INSERT = 1000;
const JSON_ROWS_PER_INSERT = 5000;
/** Values that survive a JSON round trip unchanged (bytes and bigints take the bound-parameter path). */
const fitsJson = (v: unknown): boolean =>
  !(v instanceof Uint8Array) && typeof v !== "bigint" && !(typeof v === "number" && !Number.isFinite(v));
const OID = { int8: 20, numeric: 1700, json: 114, jsonb: 3802 } as const;

/** Per-pool parsers (not pg's global ones, other code may rely on those). */
const typeParsers = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    // COUNT(*), BIGINT, SUM, AVG come back as numbers, like SQLite (exact up to 2^53)
    if (oid === OID.int8 || oid === OID.numeric) return (v: string) => Number(v);
    // JSON stays text, as in SQLite: callers JSON.parse on both engines
    if (oid === OID.json || oid === OID.jsonb) return (v: string) => v;
    return types.getTypeParser(oid, format);
  }) as typeof types.getTypeParser,
};

const PG_HINTS: Record<string, string> = {
  "28P01": `check the user name and password in ${ENV}`,
  "28000": `check the user name in ${ENV} and the server's pg_hba.conf`,
  "3D000": `create the database or fix its name in ${ENV}`,
  "57P03": "the server is starting up; retry shortly",
};

interface TxState {
  client: PoolClient;
  active: boolean;
  savepoints: number;
  /** COPY streams not finished yet: cancelled before ROLLBACK, which would otherwise queue behind them forever. */
  copies?: Set<() => Promise<void>>;
}

interface Shared {
  pool: Pool;
  target: Target;
  /** Lets `db.*` calls made inside a transaction callback run on the transaction's client. */
  ambient: AsyncLocalStorage<TxState>;
  /** Open transactions: the ambient storage is switched off when none is (it slows every promise in Node 22). */
  open: number;
  closed: boolean;
}

/** Opens a pool and proves the server is reachable, so misconfiguration fails at startup. */
export async function openPostgres(url: string): Promise<SqlDb> {
  const target = parseServiceUrl(
    url,
    ["postgres:", "postgresql:"],
    5432,
    ENV,
    "postgres://user:password@host:5432/db",
  );
  const pool = new Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 10_000,
    types: typeParsers,
  });
  // an idle client lost its connection: the pool discards it and the next query reconnects
  pool.on("error", () => undefined);
  try {
    await pool.query("SELECT 1");
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw connectError("PostgreSQL", target, ENV, err, PG_HINTS);
  }
  return new PgDb({ pool, target, ambient: new AsyncLocalStorage(), open: 0, closed: false });
}

class PgDb implements SqlDb {
  readonly dialect = "postgres" as const;

  constructor(
    private readonly s: Shared,
    private readonly tx?: TxState,
  ) {}

  async query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this.raw(toPgPlaceholders(sql), toDbValues(params))).rows as T[];
  }

  async queryArrays(sql: string, params?: readonly unknown[]): Promise<unknown[][]> {
    return (await this.raw(toPgPlaceholders(sql), toDbValues(params), "array"))
      .rows as unknown as unknown[][];
  }

  async one<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return (await this.query<T>(sql, params))[0];
  }

  async run(sql: string, params?: readonly unknown[]): Promise<number> {
    return (await this.raw(toPgPlaceholders(sql), toDbValues(params))).rowCount ?? 0;
  }

  async exec(sql: string): Promise<void> {
    // no values: pg uses the simple protocol, which accepts several statements
    await this.runner()
      .query(sql)
      .catch((err: unknown) => {
        throw this.explain(err);
      });
  }

  async ping(): Promise<void> {
    await this.raw("SELECT 1", []);
  }

  async transaction<T>(fn: (tx: SqlDb) => Promise<T>, opts?: TransactionOptions): Promise<T> {
    const outer = this.currentTx();
    if (outer) return this.savepoint(outer, fn, opts?.lock);
    this.assertOpen();
    const client = await this.s.pool.connect().catch((err: unknown) => {
      throw this.explain(err);
    });
    // a checked-out client that loses its connection emits "error"; the failing query reports it
    const onError = () => undefined;
    client.on("error", onError);
    const state: TxState = { client, active: true, savepoints: 0 };
    let broken = false;
    try {
      await client.query("BEGIN");
      if (opts?.lock) await lock(client, opts.lock);
      const result = await this.inAmbient(state, () => fn(new PgDb(this.s, state)));
      if (state.copies?.size) throw new Error("bulkWriter: end() each writer before the transaction returns");
      const commit = await client.query("COMMIT");
      if (commit.command === "ROLLBACK") {
        throw new Error(
          "Transaction rolled back: a statement inside it failed (PostgreSQL aborts the whole transaction; wrap statements that may fail in a nested transaction)",
        );
      }
      return result;
    } catch (err) {
      for (const cancel of state.copies ?? []) await cancel();
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      state.active = false;
      client.off("error", onError);
      client.release(broken);
    }
  }

  async insertMany(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
    checkInsertArgs(table, columns, rows);
    if (rows.length === 0) return;
    const cols = columns.join(", ");
    if (rows.every((row) => row.every(fitsJson))) {
      // one JSON parameter per batch, unpacked by PostgreSQL itself: several times faster than bound tuples
      await this.transaction(async (tx) => {
        for (let start = 0; start < rows.length; start += JSON_ROWS_PER_INSERT) {
          const batch = rows.slice(start, start + JSON_ROWS_PER_INSERT).map((row) => {
            const o: Record<string, DbValue> = {};
            columns.forEach((c, i) => {
              o[c] = toDbValue(row[i]);
            });
            return o;
          });
          await (tx as PgDb).raw(
            `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${table}, $1::json)`,
            [JSON.stringify(batch)],
          );
        }
      });
      return;
    }
    const perInsert = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(MAX_PARAMS / columns.length)));
    const head = `INSERT INTO ${table} (${cols}) VALUES `;
    await this.transaction(async (tx) => {
      for (let start = 0; start < rows.length; start += perInsert) {
        const values: DbValue[] = [];
        const tuples: string[] = [];
        for (const row of rows.slice(start, start + perInsert)) {
          const marks = row.map((v) => {
            values.push(toDbValue(v));
            return `$${values.length}`;
          });
          tuples.push(`(${marks.join(", ")})`);
        }
        await (tx as PgDb).raw(head + tuples.join(", "), values);
      }
    });
  }

  async bulkWriter(table: string, columns: readonly string[]): Promise<BulkWriter> {
    checkInsertArgs(table, columns, []);
    const tx = this.currentTx();
    this.assertOpen();
    // inside a transaction the COPY is part of it; outside, it commits on its own on a client of its own
    const client =
      tx?.client ??
      (await this.s.pool.connect().catch((err: unknown) => {
        throw this.explain(err);
      }));
    let released = Boolean(tx);
    const release = (broken?: boolean) => {
      if (!released) client.release(broken);
      released = true;
    };
    const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
    let failure: unknown;
    stream.on("error", (err) => {
      failure ??= err;
    });
    const check = () => {
      if (failure) throw this.explain(failure);
    };
    const settled = new Promise<void>((resolve) => finished(stream, () => resolve()));
    const cancel = async (reason?: unknown) => {
      tx?.copies?.delete(cancel);
      if (!stream.destroyed && !stream.writableFinished) {
        // CopyFail: the server ends the COPY with an error and the connection takes queries again
        stream.destroy(reason instanceof Error ? reason : new Error("bulk load aborted"));
        await settled;
      }
      release(true);
    };
    if (tx) {
      tx.copies ??= new Set();
      tx.copies.add(cancel);
    }
    return {
      write: async (rows) => {
        check();
        if (rows.length === 0) return;
        let text: string;
        try {
          text = copyText(rows, columns.length);
        } catch (err) {
          await cancel(err);
          throw err;
        }
        if (!stream.write(text)) {
          await new Promise<void>((resolve) => {
            const go = () => {
              stream.off("drain", go);
              resolve();
            };
            stream.on("drain", go);
            void settled.then(go);
          });
        }
        check();
      },
      end: async () => {
        if (!failure) {
          stream.end();
          await settled;
        }
        tx?.copies?.delete(cancel);
        release(Boolean(failure));
        check();
        return stream.rowCount;
      },
      abort: cancel,
    };
  }

  async close(): Promise<void> {
    if (this.currentTx()) throw new Error("close() cannot be called inside a transaction");
    if (this.s.closed) return;
    this.s.closed = true;
    await this.s.pool.end();
  }

  private async raw(text: string, values: DbValue[], rowMode?: "array"): Promise<QueryResult> {
    try {
      return await this.runner().query({ text, values, ...(rowMode && { rowMode }) });
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** A server that went away mid-run gets the same clear message as at startup. */
  private explain(err: unknown): unknown {
    return isNetworkError(err) ? connectError("PostgreSQL", this.s.target, ENV, err, PG_HINTS) : err;
  }

  private runner(): Pool | PoolClient {
    const tx = this.currentTx();
    if (tx) return tx.client;
    this.assertOpen();
    return this.s.pool;
  }

  private async inAmbient<T>(state: TxState, fn: () => Promise<T>): Promise<T> {
    this.s.open += 1;
    try {
      return await this.s.ambient.run(state, fn);
    } finally {
      this.s.open -= 1;
      // Node 22 tracks async context with promise hooks that slow every promise ~3×; off between transactions
      if (this.s.open === 0) this.s.ambient.disable();
    }
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
    if (this.s.closed) throw new Error("SqlDb (postgres) is closed");
  }

  private async savepoint<T>(tx: TxState, fn: (tx: SqlDb) => Promise<T>, lockName?: string): Promise<T> {
    tx.savepoints += 1;
    const name = `revops_sp_${tx.savepoints}`;
    await tx.client.query(`SAVEPOINT ${name}`);
    try {
      if (lockName) await lock(tx.client, lockName);
      const result = await fn(this.tx ? this : new PgDb(this.s, tx));
      await tx.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      // keep the caller's error; if even this fails the outer transaction fails too
      await tx.client
        .query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`)
        .catch(() => undefined);
      throw err;
    }
  }
}

/**
 * Held until the outer transaction ends; re-entrant for the same session. Advisory locks are per database, so
 * the name is qualified by the schema: deployments (or tests) in separate schemas never wait on each other.
 */
async function lock(client: PoolClient, name: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ':' || $1))", [
    name,
  ]);
}

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One value in COPY's text format: NULL is \N, backslash, tab and line breaks are escaped. */
function copyValue(v: unknown): string {
  const d = toDbValue(v);
  if (d === null) return "\\N";
  if (typeof d === "string")
    return /[\\\t\n\r]/.test(d) ? d.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : d;
  if (d instanceof Uint8Array) return `\\\\x${Buffer.from(d).toString("hex")}`;
  return String(d);
}

/** Rows as COPY text: values tab-separated, one line per row. */
function copyText(rows: readonly unknown[][], width: number): string {
  let out = "";
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as unknown[];
    if (row.length !== width)
      throw new Error(`bulkWriter: row ${i} has ${row.length} values, expected ${width}`);
    for (let j = 0; j < width; j++) out += (j === 0 ? "" : "\t") + copyValue(row[j]);
    out += "\n";
  }
  return out;
}
