import { performance } from "node:perf_hooks";
import { type BulkWriter, migrate, type SqlDb } from "@revops/store";
import { seedContentCalendar } from "./content/seed.js";
import { generateCompanyInWorker } from "./generate/parallel.js";
import { type GenerateOptions, makeCtx } from "./generate/types.js";
import { seedOnboarding } from "./onboarding/seed.js";
import { USAGE_RECENT_COLUMNS, UsageRecentAccumulator } from "./ports/usage-recent.js";
import { seedQuotas } from "./quotas/seed.js";
import { DERIVED_TABLES, SANDBOX_INDEXES, sandboxMigrations, TABLE_NAMES, WRITTEN_TABLES } from "./schema.js";

export interface SandboxDataset {
  seed: number;
  scale: number;
  today: string;
  loadedAt: string;
}

export interface LoadResult {
  /** True when this call generated and inserted the data; false when it was already there. */
  loaded: boolean;
  /** Rows per table of the dataset in the database. */
  counts: Record<string, number>;
  ms: number;
  /**
   * Where the time of a load went (ms, 0 when nothing was loaded): waiting for the generator (it runs on a worker
   * thread while rows go in), waiting on the database for rows (on PostgreSQL the server ingests while the next
   * ones are sent), building indexes (on SQLite each table's as soon as its rows are in), seeds and statistics.
   */
  phases: { generate: number; insert: number; index: number };
  /** The dataset actually in the database (may differ from the options if loaded earlier with others). */
  dataset: SandboxDataset;
}

const META_ID = "sandbox";

interface MetaRow {
  seed: number;
  scale: number;
  today: string;
  loaded_at: string;
  counts: string;
}

async function readMeta(
  db: SqlDb,
): Promise<(SandboxDataset & { counts: Record<string, number> }) | undefined> {
  const row = await db.one<MetaRow>(
    "SELECT seed, scale, today, loaded_at, counts FROM sb_meta WHERE id = ?",
    [META_ID],
  );
  if (!row) return undefined;
  const counts = JSON.parse(row.counts) as Record<string, number>;
  return {
    seed: Number(row.seed),
    scale: Number(row.scale),
    today: row.today,
    loadedAt: row.loaded_at,
    counts,
  };
}

export interface LoadProgress {
  /** "rows" while tables fill, then "indexes" once every row is in (a few seconds at 100×). */
  phase: "rows" | "indexes";
  table: string;
  /** Rows of this table inserted so far. */
  rows: number;
  /** Tables finished, of `tables`. */
  tablesDone: number;
  tables: number;
}

/**
 * Creates the sandbox tables and loads the demo company on first start only (marker row in sb_meta).
 * Safe when several processes start at once: loading runs in one transaction under the
 * "sandbox-load" lock and re-checks the marker inside it. An existing dataset is never replaced,
 * even if it was generated with other options (see `resetSandbox`).
 */
export async function ensureSandboxLoaded(
  db: SqlDb,
  opts: GenerateOptions & { onProgress?: (p: LoadProgress) => void } = {},
): Promise<LoadResult> {
  const t0 = performance.now();
  const ctx = makeCtx(opts); // validates options before touching the database
  const ms = () => Math.round(performance.now() - t0);
  await migrate(db, sandboxMigrations);
  const phases = { generate: 0, insert: 0, index: 0 };
  const done = (m: SandboxDataset & { counts: Record<string, number> }, loaded: boolean): LoadResult => {
    const { counts, ...dataset } = m;
    const rounded = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)]));
    return { loaded, counts, ms: ms(), phases: rounded as LoadResult["phases"], dataset };
  };
  const existing = await readMeta(db);
  if (existing) return done(existing, false);
  // SQLite: no fsync for the load's commit (~1 GB at 100×): a crash of the process still rolls the load back (the
  // journal or WAL keeps it atomic); only a power cut in those seconds could cost the file. Restored after.
  // The page cache and sort threads the load raises are put back too, whether the load succeeds or fails.
  const pragmas =
    db.dialect === "sqlite"
      ? {
          synchronous: Number((await db.one<{ synchronous: number }>("PRAGMA synchronous"))?.synchronous),
          cache_size: Number((await db.one<{ cache_size: number }>("PRAGMA cache_size"))?.cache_size),
          threads: Number((await db.one<{ threads: number }>("PRAGMA threads"))?.threads),
        }
      : undefined;
  const journal = pragmas && (await rollbackJournal(db));
  try {
    if (pragmas) await db.exec("PRAGMA synchronous=OFF");
    return await load(db, ctx, opts, phases, done);
  } finally {
    if (pragmas)
      await db.exec(
        Object.entries(pragmas)
          .filter(([, v]) => Number.isInteger(v))
          .map(([k, v]) => `PRAGMA ${k}=${v}`)
          .join("; "),
      );
    // back to WAL; should another connection hold the file now, its own open (or the next) sets WAL again
    if (journal) await db.one("PRAGMA journal_mode=WAL").catch(() => undefined);
  }
}

/**
 * SQLite: the load goes through a rollback journal when this is the file's only connection, so its rows are written
 * into the file once (pages past the file's old end need no journal) rather than into the WAL and again at the
 * checkpoint. A crash still rolls the whole load back (the journal restores the few pages it changed). False where
 * another connection has the file open or it is not in WAL: the load stays as it is. Other processes cannot read the
 * file while the load writes; they cannot write it during a load either way.
 */
async function rollbackJournal(db: SqlDb): Promise<boolean> {
  if ((await db.one<{ journal_mode: string }>("PRAGMA journal_mode"))?.journal_mode !== "wal") return false;
  const timeout = Number((await db.one<{ timeout: number }>("PRAGMA busy_timeout"))?.timeout);
  // another connection's shared lock answers SQLITE_BUSY: no waiting for it
  await db.exec("PRAGMA busy_timeout=0");
  try {
    const mode = await db.one<{ journal_mode: string }>("PRAGMA journal_mode=DELETE");
    return mode?.journal_mode === "delete";
  } catch {
    return false;
  } finally {
    await db.exec(`PRAGMA busy_timeout=${Number.isInteger(timeout) ? timeout : 5000}`);
  }
}

async function load(
  db: SqlDb,
  ctx: ReturnType<typeof makeCtx>,
  opts: GenerateOptions & { onProgress?: (p: LoadProgress) => void },
  phases: LoadResult["phases"],
  done: (m: SandboxDataset & { counts: Record<string, number> }, loaded: boolean) => LoadResult,
): Promise<LoadResult> {
  return db.transaction(
    async (tx) => {
      const again = await readMeta(tx);
      if (again) return done(again, false);
      const counts: Record<string, number> = Object.fromEntries(TABLE_NAMES.map((t) => [t, 0]));
      // building each index once after the rows are in is several times faster than maintaining it per row
      for (const ix of SANDBOX_INDEXES) await tx.exec(`DROP INDEX IF EXISTS ${ix.name}`);
      // SQLite: a page cache that holds the index sorts, and a helper thread to sort on the second core
      if (tx.dialect === "sqlite") await tx.exec(`PRAGMA cache_size=${LOAD_CACHE_KIB}; PRAGMA threads=1`);
      // PostgreSQL: primary keys too are built once after COPY (a per-row index entry and its WAL record was
      // a third of the ingest); the commit need not wait for its WAL flush (a crash loses the load, never the data)
      const keys = tx.dialect === "postgres" ? await dropPrimaryKeys(tx) : [];
      if (tx.dialect === "postgres") await tx.exec("SET LOCAL synchronous_commit = off");
      const progress = (phase: LoadProgress["phase"], table: string, tablesDone: number) =>
        opts.onProgress?.({ phase, table, rows: counts[table] ?? 0, tablesDone, tables: TABLE_NAMES.length });
      const usage = new UsageRecentAccumulator(ctx.today);
      // SQLite builds a table's indexes as soon as its rows are in (its pages still cached) while the worker
      // generates the next tables; PostgreSQL builds them all at the end, after its primary keys
      const built = new Set<string>();
      const buildIndexes = async (table?: string) => {
        const t = performance.now();
        for (const ix of SANDBOX_INDEXES)
          if ((table === undefined || ix.table === table) && !built.has(ix.name)) {
            await tx.exec(ix.create);
            built.add(ix.name);
          }
        phases.index += performance.now() - t;
      };
      let writer: BulkWriter | undefined;
      let current = "";
      let tablesDone = 0;
      const endTable = async () => {
        const t = performance.now();
        await writer?.end();
        writer = undefined;
        phases.insert += performance.now() - t;
        if (tx.dialect === "sqlite") await buildIndexes(current);
      };
      try {
        // generated on the other core (a worker) while this thread inserts and indexes; the loop's end stops it
        let t = performance.now();
        for await (const chunk of generateCompanyInWorker(opts)) {
          phases.generate += performance.now() - t;
          // one streaming writer per table: COPY on PostgreSQL, one reused prepared statement on SQLite
          if (chunk.table !== current) {
            if (writer) {
              await endTable();
              tablesDone++;
            }
            writer = await bulkWriter(tx, chunk.table, chunk.columns);
            current = chunk.table;
          }
          t = performance.now();
          await writer?.write(chunk.rows);
          if (chunk.table === "sb_usage_daily") usage.add(chunk.columns, chunk.rows);
          counts[chunk.table] = (counts[chunk.table] ?? 0) + chunk.rows.length;
          phases.insert += performance.now() - t;
          progress("rows", chunk.table, tablesDone);
          t = performance.now();
        }
        phases.generate += performance.now() - t;
        await endTable();
        t = performance.now();
        await tx.run("DELETE FROM sb_usage_recent");
        await tx.insertMany("sb_usage_recent", USAGE_RECENT_COLUMNS, usage.rows());
        phases.insert += performance.now() - t;
      } catch (err) {
        await writer?.abort(err);
        throw err;
      }
      progress("indexes", current, TABLE_NAMES.length);
      if (tx.dialect === "postgres") {
        await tx.exec(`SET LOCAL maintenance_work_mem = '${PG_INDEX_MEMORY}'`);
        for (const k of keys)
          await tx.exec(`ALTER TABLE ${k.table} ADD CONSTRAINT ${k.name} ${k.definition}`);
      }
      // every index not built yet (all on PostgreSQL; on SQLite those of a table that got no rows)
      await buildIndexes();
      const t = performance.now();
      // after the indexes: it reads recent deals and their accounts' subscriptions
      await seedOnboarding(tx, ctx.seed, ctx.today);
      await seedQuotas(tx, ctx.seed, ctx.today);
      await seedContentCalendar(tx, ctx.seed, ctx.today);
      // fresh statistics: the planner of a just-loaded PostgreSQL database otherwise guesses (seconds per query)
      if (tx.dialect === "postgres")
        await tx.exec(`ANALYZE ${[...TABLE_NAMES, ...DERIVED_TABLES].join(", ")}`);
      phases.index += performance.now() - t;
      const loadedAt = new Date().toISOString();
      await tx.run(
        "INSERT INTO sb_meta (id, seed, scale, today, loaded_at, counts) VALUES (?, ?, ?, ?, ?, ?)",
        [META_ID, ctx.seed, ctx.scale, ctx.today, loadedAt, JSON.stringify(counts)],
      );
      return done({ seed: ctx.seed, scale: ctx.scale, today: ctx.today, loadedAt, counts }, true);
    },
    { lock: "sandbox-load" },
  );
}

/** SQLite page cache while loading (KiB, negative as PRAGMA cache_size takes it): index sorts stay in memory. */
const LOAD_CACHE_KIB = -524_288;
/** PostgreSQL sort memory for the index builds of the load only (SET LOCAL: this transaction). */
const PG_INDEX_MEMORY = "256MB";

/** Drops the primary keys of the generated tables (PostgreSQL), returning what re-creates each exactly. */
async function dropPrimaryKeys(tx: SqlDb): Promise<{ table: string; name: string; definition: string }[]> {
  const keys = await tx.query<{ table: string; name: string; definition: string }>(
    `SELECT c.relname AS "table", k.conname AS name, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE k.contype = 'p' AND c.oid = ANY (?::regclass[])`,
    [`{${TABLE_NAMES.join(",")}}`],
  );
  for (const k of keys) await tx.exec(`ALTER TABLE ${k.table} DROP CONSTRAINT ${k.name}`);
  return keys;
}

/** The store's streaming writer when it has one, else batches through `insertMany`. */
async function bulkWriter(tx: SqlDb, table: string, columns: readonly string[]): Promise<BulkWriter> {
  if (tx.bulkWriter) return tx.bulkWriter(table, columns);
  let n = 0;
  return {
    write: async (rows) => {
      await tx.insertMany(table, columns, rows as unknown[][]);
      n += rows.length;
    },
    end: async () => n,
    abort: async () => undefined,
  };
}

/** Deletes all sandbox rows, every change tools made and the marker, so the next `ensureSandboxLoaded` regenerates. */
export async function resetSandbox(db: SqlDb): Promise<void> {
  await migrate(db, sandboxMigrations);
  await db.transaction(
    async (tx) => {
      for (const t of [...TABLE_NAMES, ...WRITTEN_TABLES, ...DERIVED_TABLES, "sb_meta"])
        await tx.run(`DELETE FROM ${t}`);
    },
    { lock: "sandbox-load" },
  );
}

/** The dataset's `today` (YYYY-MM-DD): analytics over sandbox data are relative to it. */
export async function sandboxToday(db: SqlDb): Promise<string> {
  const notLoaded = "Sandbox data is not loaded: call ensureSandboxLoaded(db) first";
  let row: { today: string } | undefined;
  try {
    row = await db.one<{ today: string }>("SELECT today FROM sb_meta WHERE id = ?", [META_ID]);
  } catch (err) {
    throw new Error(notLoaded, { cause: err }); // sb_meta does not exist yet
  }
  if (!row) throw new Error(notLoaded);
  return row.today;
}
