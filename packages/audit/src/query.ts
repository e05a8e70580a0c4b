import { rowToRecord, toIso } from "./record";
import { AUDIT_TABLE } from "./schema";
import type { AuditPage, AuditQuery, ChainRow } from "./types";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

interface Sql {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** Newest first; the cursor is the seq the next page starts below. */
export async function queryRecords(db: Sql, q: AuditQuery): Promise<AuditPage> {
  const limit = clampLimit(q.limit);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (q.principal !== undefined) add("principal = ?", q.principal);
  if (q.tool !== undefined) add("tool = ?", q.tool);
  if (q.outcome !== undefined) {
    const outcomes = typeof q.outcome === "string" ? [q.outcome] : [...q.outcome];
    if (outcomes.length > 0) add(`outcome IN (${outcomes.map(() => "?").join(", ")})`, ...outcomes);
  }
  if (q.since !== undefined) add("at >= ?", toIso(q.since));
  if (q.until !== undefined) add("at < ?", toIso(q.until));
  if (q.id !== undefined) add("id = ?", q.id);
  if (q.cursor !== undefined) add("seq < ?", parseCursor(q.cursor));
  const sql = `SELECT seq, hash, body FROM ${AUDIT_TABLE}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`;
  const rows = await db.query<Pick<ChainRow, "seq" | "hash" | "body">>(sql, [...params, limit + 1]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    records: page.map(rowToRecord),
    ...(rows.length > limit && last ? { nextCursor: String(last.seq) } : {}),
  };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer; got ${limit}`);
  return Math.min(limit, MAX_LIMIT);
}

function parseCursor(cursor: string): number {
  const seq = Number(cursor);
  if (!/^\d+$/.test(cursor) || !Number.isSafeInteger(seq))
    throw new RangeError(`invalid cursor ${JSON.stringify(cursor)}`);
  return seq;
}
