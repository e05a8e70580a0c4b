/** Value sent to a driver: what both node:sqlite and pg accept and agree on. */
export type DbValue = string | number | bigint | null | Uint8Array;

/** Booleans become 0/1, Dates ISO-8601 text, objects/arrays JSON, undefined NULL — identical on both engines. */
export function toDbValue(value: unknown): DbValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "bigint":
      return value;
    case "boolean":
      return value ? 1 : 0;
    case "object":
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) return value;
      return JSON.stringify(value);
    default:
      throw new TypeError(`Cannot bind a ${typeof value} as an SQL parameter`);
  }
}

export function toDbValues(params: readonly unknown[] | undefined): DbValue[] {
  return params ? params.map(toDbValue) : [];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Names are spliced into SQL unquoted (so case-folding matches CREATE TABLE), hence the strict check. */
export function assertIdentifier(name: string, what: string): void {
  if (!IDENT.test(name)) throw new Error(`insertMany: invalid ${what} name ${JSON.stringify(name)}`);
}

export function checkInsertArgs(table: string, columns: readonly string[], rows: readonly unknown[][]): void {
  assertIdentifier(table, "table");
  if (columns.length === 0) throw new Error("insertMany: at least one column is required");
  for (const c of columns) assertIdentifier(c, "column");
  rows.forEach((row, i) => {
    if (row.length !== columns.length) {
      throw new Error(`insertMany: row ${i} has ${row.length} values, expected ${columns.length}`);
    }
  });
}
