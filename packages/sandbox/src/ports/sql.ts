import type { Page } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { decodeCursor, encodeCursor, type KeyPart, pageLimit } from "../cursor.js";
import { upperBound } from "../dates.js";

/** Collects WHERE clauses and their `?` parameters. */
export class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: string, ...params: unknown[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  /** Adds `column <op> ?` when value is set. */
  opt(column: string, op: string, value: unknown): this {
    if (value !== undefined && value !== null && value !== "") this.add(`${column} ${op} ?`, value);
    return this;
  }

  /** `from`/`to` range on a date or timestamp column; a bare `to` date includes that whole day. */
  range(column: string, from?: string, to?: string): this {
    if (from) this.add(`${column} >= ?`, from);
    if (to) {
      const [op, v] = upperBound(to);
      this.add(`${column} ${op} ?`, v);
    }
    return this;
  }

  in(column: string, values: readonly unknown[]): this {
    if (values.length === 0) return this.add("1 = 0");
    return this.add(`${column} IN (${values.map(() => "?").join(", ")})`, ...values);
  }

  sql(extra: string[] = []): string {
    const all = [...this.clauses, ...extra];
    return all.length > 0 ? `WHERE ${all.join(" AND ")}` : "";
  }
}

/** LIKE pattern for a case-insensitive prefix (use with `lower(col) LIKE ? ESCAPE '\'`). */
export function prefixPattern(prefix: string): string {
  return `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

export function str(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}

export interface KeysetQuery<R, T> {
  tag: string;
  /** `SELECT ...` list (without FROM). */
  select: string;
  /** `FROM ... JOIN ...`. */
  from: string;
  /** A cheaper FROM for the total when the filters need no joined table. */
  countFrom?: string;
  where: Where;
  /** Sort column (unique together with idColumn); sorted descending. */
  sortColumn: string;
  idColumn: string;
  /** Result aliases of the sort and id columns. */
  sortKey: keyof R & string;
  idKey: keyof R & string;
  cursor?: string;
  limit?: number;
  map: (row: R) => T;
}

/** Keyset pagination, newest first: `ORDER BY sort DESC, id DESC`, with the total count. */
export async function keysetPage<R extends Record<string, unknown>, T>(
  db: SqlDb,
  q: KeysetQuery<R, T>,
): Promise<Page<T>> {
  const limit = pageLimit(q.limit);
  const key: KeyPart[] | undefined = q.cursor ? decodeCursor(q.tag, q.cursor) : undefined;
  const totalRow = await db.one<{ n: number }>(
    `SELECT COUNT(*) AS n ${q.countFrom ?? q.from} ${q.where.sql()}`,
    q.where.params,
  );
  const params = [...q.where.params];
  const extra: string[] = [];
  if (key) {
    extra.push(`(${q.sortColumn} < ? OR (${q.sortColumn} = ? AND ${q.idColumn} < ?))`);
    params.push(key[0], key[0], key[1]);
  }
  const rows = await db.query<R>(
    `SELECT ${q.select} ${q.from} ${q.where.sql(extra)} ORDER BY ${q.sortColumn} DESC, ${q.idColumn} DESC LIMIT ${limit + 1}`,
    params,
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const nextCursor =
    more && last ? encodeCursor(q.tag, [last[q.sortKey] as KeyPart, last[q.idKey] as KeyPart]) : null;
  return { rows: page.map(q.map), total: num(totalRow?.n), nextCursor };
}

/** Shared autocompletion query: case-insensitive name prefix. */
export async function searchByName(
  db: SqlDb,
  table: string,
  prefix: string,
  limit: number,
  extraWhere = "",
): Promise<{ id: string; name: string }[]> {
  const n = Math.min(100, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 10)));
  return db.query<{ id: string; name: string }>(
    `SELECT id, name FROM ${table} WHERE lower(name) LIKE ? ESCAPE '\\' ${extraWhere} ORDER BY lower(name), id LIMIT ${n}`,
    [prefixPattern(prefix)],
  );
}

/** Splits a list for `IN (...)` queries so parameter counts stay small. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
