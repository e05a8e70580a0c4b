import { performance } from "node:perf_hooks";
import { migrate, type SqlDb } from "@revops/store";
import { generateCompany } from "./generate/index.js";
import { type GenerateOptions, makeCtx } from "./generate/types.js";
import { USAGE_RECENT_COLUMNS, UsageRecentAccumulator } from "./ports/usage-recent.js";
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

/**
 * Creates the sandbox tables and loads the demo company on first start only (marker row in sb_meta).
 * Safe when several processes start at once: loading runs in one transaction under the
 * "sandbox-load" lock and re-checks the marker inside it. An existing dataset is never replaced,
 * even if it was generated with other options (see `resetSandbox`).
 */
export interface LoadProgress {
  table: string;
  /** Rows of this table inserted so far. */
  rows: number;
  /** Tables finished, of `tables`. */
  tablesDone: number;
  tables: number;
}

export async function ensureSandboxLoaded(
  db: SqlDb,
  opts: GenerateOptions & { onProgress?: (p: LoadProgress) => void } = {},
): Promise<LoadResult> {
  const t0 = performance.now();
  const ctx = makeCtx(opts); // validates options before touching the database
  const ms = () => Math.round(performance.now() - t0);
  await migrate(db, sandboxMigrations);
  const done = (m: SandboxDataset & { counts: Record<string, number> }, loaded: boolean): LoadResult => {
    const { counts, ...dataset } = m;
    return { loaded, counts, ms: ms(), dataset };
  };
  const existing = await readMeta(db);
  if (existing) return done(existing, false);
  return db.transaction(
    async (tx) => {
      const again = await readMeta(tx);
      if (again) return done(again, false);
      const counts: Record<string, number> = Object.fromEntries(TABLE_NAMES.map((t) => [t, 0]));
      // building each index once after the rows are in is several times faster than maintaining it per row
      for (const ix of SANDBOX_INDEXES) await tx.exec(`DROP INDEX IF EXISTS ${ix.name}`);
      let current = "";
      let tablesDone = 0;
      const usage = new UsageRecentAccumulator(ctx.today);
      for (const chunk of generateCompany(opts)) {
        if (current && chunk.table !== current) tablesDone++;
        current = chunk.table;
        await tx.insertMany(chunk.table, chunk.columns, chunk.rows);
        if (chunk.table === "sb_usage_daily") usage.add(chunk.columns, chunk.rows);
        counts[chunk.table] = (counts[chunk.table] ?? 0) + chunk.rows.length;
        opts.onProgress?.({
          table: chunk.table,
          rows: counts[chunk.table] ?? 0,
          tablesDone,
          tables: TABLE_NAMES.length,
        });
      }
      await tx.run("DELETE FROM sb_usage_recent");
      await tx.insertMany("sb_usage_recent", USAGE_RECENT_COLUMNS, usage.rows());
      for (const ix of SANDBOX_INDEXES) await tx.exec(ix.create);
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
