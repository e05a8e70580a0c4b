/** The SOQL subset the Salesforce fake understands: SELECT … FROM … [WHERE a op v AND …] [ORDER BY f [ASC|DESC]] [LIMIT n]. */
export interface SoqlQuery {
  fields: string[];
  object: string;
  where: {
    field: string;
    op: "=" | "!=" | ">=" | "<=" | ">" | "<";
    value: string | number | boolean | null;
  }[];
  orderBy?: { field: string; desc: boolean };
  limit?: number;
}

export class SoqlError extends Error {
  override name = "SoqlError";
}

const QUERY =
  /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?)?(?:\s+LIMIT\s+(\d+))?\s*$/i;
const CONDITION = /^\s*(\w+)\s*(=|!=|>=|<=|>|<)\s*('(?:[^'\\]|\\.)*'|[\w.:+-]+)\s*$/;

function literal(raw: string): string | number | boolean | null {
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/\\(.)/g, "$1");
  if (/^null$/i.test(raw)) return null;
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === "true";
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw; // date and datetime literals compare as ISO strings
}

export function parseSoql(soql: string): SoqlQuery {
  const m = soql.match(QUERY);
  if (!m) throw new SoqlError(`unexpected token in query: ${soql.slice(0, 80)}`);
  const [, fieldList = "", object = "", where, orderField, orderDir, limit] = m;
  const conditions = where ? where.split(/\s+AND\s+/i) : [];
  return {
    fields: fieldList.split(",").map((f) => f.trim()),
    object,
    where: conditions.map((c) => {
      const cm = c.match(CONDITION);
      if (!cm) throw new SoqlError(`unsupported condition: ${c}`);
      return {
        field: cm[1] as string,
        op: cm[2] as SoqlQuery["where"][number]["op"],
        value: literal(cm[3] as string),
      };
    }),
    ...(orderField ? { orderBy: { field: orderField, desc: orderDir?.toUpperCase() === "DESC" } } : {}),
    ...(limit ? { limit: Number(limit) } : {}),
  };
}

type Row = Record<string, unknown>;

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a ?? "").localeCompare(String(b ?? ""));
}

export function runSoql(q: SoqlQuery, rows: Row[]): Row[] {
  const matched = rows.filter((r) =>
    q.where.every(({ field, op, value }) => {
      const v = r[field] ?? null;
      if (op === "=") return v === value;
      if (op === "!=") return v !== value;
      if (v === null || value === null) return false;
      const c = compare(v, value);
      return op === ">=" ? c >= 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c < 0;
    }),
  );
  if (q.orderBy) {
    const { field, desc } = q.orderBy;
    matched.sort((x, y) => (desc ? -1 : 1) * compare(x[field], y[field]));
  }
  return q.limit === undefined ? matched : matched.slice(0, q.limit);
}
