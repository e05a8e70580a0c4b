import type { SqlDb } from "@revops/store";

/** Tables a write leaves rows in: the sandbox's journal and the guards' caps and approvals. */
const WRITE_TABLES = ["sb_changes", "sb_ticket_comments", "sb_list_members", "guard_caps", "guard_approvals"];

/** Row counts of every write table (a table not created yet counts as empty): equal snapshots, nothing written. */
export async function writeJournal(db: SqlDb): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of WRITE_TABLES) {
    try {
      counts[table] = Number((await db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? 0);
    } catch {
      counts[table] = 0;
    }
  }
  return counts;
}
