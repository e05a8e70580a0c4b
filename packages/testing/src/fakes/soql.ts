/** A currency literal with an ISO code (`USD5000`): compared in each record's own currency [SF7]. */
export interface CurrencyLiteral {
  iso: string;
  amount: number;
}

/**
 * The SOQL subset the Salesforce fake understands: SELECT f, convertCurrency(f) … FROM … [WHERE a op v AND …]
 * [ORDER BY f [ASC|DESC]] [LIMIT n].
 */
export interface SoqlQuery {
  fields: string[];
  /** Fields selected through convertCurrency(): answered in the corporate currency, under their own name. */
  converted: string[];
  object: string;
  where: {
    field: string;
    op: "=" | "!=" | ">=" | "<=" | ">" | "<";
    value: string | number | boolean | null | CurrencyLiteral;
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

function literal(raw: string): SoqlQuery["where"][number]["value"] {
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/\\(.)/g, "$1");
  const money = /^([A-Z]{3})(-?\d+(?:\.\d+)?)$/.exec(raw);
  if (money) return { iso: money[1] as string, amount: Number(money[2]) };
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
  const selected = fieldList.split(",").map((f) => f.trim());
  const convert = /^convertCurrency\((\w+)\)$/i;
  return {
    fields: selected.map((f) => convert.exec(f)?.[1] ?? f),
    converted: selected.flatMap((f) => convert.exec(f)?.[1] ?? []),
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

/** A multi-currency org's rates: units of each ISO code per one unit of the corporate currency. */
export interface OrgRates {
  rates: Record<string, number>;
  corporate: string;
}

const rateOf = (org: OrgRates, iso: unknown) => org.rates[String(iso)] ?? 1;

/** A record's currency field in the corporate currency, as convertCurrency() answers (2 decimals). */
export function inCorporate(row: Row, field: string, org: OrgRates): unknown {
  const v = row[field];
  if (typeof v !== "number") return v ?? null;
  return Math.round((v / rateOf(org, row.CurrencyIsoCode ?? org.corporate)) * 100) / 100;
}

export function runSoql(q: SoqlQuery, rows: Row[], org?: OrgRates): Row[] {
  if (q.converted.length > 0 && !org)
    throw new SoqlError(
      "convertCurrency() is only valid in an organization with multiple currencies enabled",
    );
  const matched = rows.filter((r) =>
    q.where.every(({ field, op, value: raw }) => {
      const v = r[field] ?? null;
      // an ISO-coded literal is converted into the record's currency; a bare number is compared raw [SF7]
      const value = raw !== null && typeof raw === "object" ? currencyValue(raw, r, org) : raw;
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
  const limited = q.limit === undefined ? matched : matched.slice(0, q.limit);
  if (!org || q.converted.length === 0) return limited;
  return limited.map((r) => ({
    ...r,
    ...Object.fromEntries(q.converted.map((f) => [f, inCorporate(r, f, org)])),
  }));
}

function currencyValue(lit: CurrencyLiteral, row: Row, org: OrgRates | undefined): number {
  if (!org)
    throw new SoqlError(`currency ISO code ${lit.iso} is only valid in a multi-currency organization`);
  return (lit.amount / rateOf(org, lit.iso)) * rateOf(org, row.CurrencyIsoCode ?? org.corporate);
}
