import type { Migration, SqlDb } from "./types";

const TABLE = "schema_migrations";
/** Advisory lock name (PostgreSQL); SQLite serialises through BEGIN IMMEDIATE. */
const LOCK = "revops:schema_migrations";

/**
 * Applies pending migrations in id order, each in its own transaction, recording them in
 * schema_migrations. Every step re-checks under the lock, so concurrent starters apply each once.
 */
export async function migrate(db: SqlDb, migrations: readonly Migration[]): Promise<string[]> {
  const sorted = sortById(migrations);
  // under the lock too: concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL
  await db.transaction(
    (tx) => tx.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`),
    { lock: LOCK },
  );
  const done = new Set((await db.query<{ id: string }>(`SELECT id FROM ${TABLE}`)).map((r) => r.id));
  const applied: string[] = [];
  for (const m of sorted) {
    if (done.has(m.id)) continue;
    const ran = await db
      .transaction(
        async (tx) => {
          if (await tx.one(`SELECT id FROM ${TABLE} WHERE id = ?`, [m.id])) return false;
          await tx.exec(typeof m.sql === "string" ? m.sql : m.sql[db.dialect]);
          await tx.run(`INSERT INTO ${TABLE} (id, applied_at) VALUES (?, ?)`, [
            m.id,
            new Date().toISOString(),
          ]);
          return true;
        },
        { lock: LOCK },
      )
      .catch((err: unknown) => {
        throw new Error(`Migration ${m.id} failed: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      });
    if (ran) applied.push(m.id);
  }
  return applied;
}

function sortById(migrations: readonly Migration[]): Migration[] {
  const seen = new Set<string>();
  for (const m of migrations) {
    if (!m.id) throw new Error("Migration id must be a non-empty string");
    if (seen.has(m.id)) throw new Error(`Duplicate migration id ${JSON.stringify(m.id)}`);
    seen.add(m.id);
  }
  // plain code-unit order, independent of locale: use zero-padded ids ("001_init")
  return [...migrations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
