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
  where: SoqlCondition[];
  orderBy?: { field: string; desc: boolean };
  limit?: number;
}

/** One WHERE condition; `or` holds a parenthesised `(a OR b …)` group (then `field` is its first field). */
export interface SoqlCondition {
  field: string;
  op: "=" | "!=" | ">=" | "<=" | ">" | "<" | "LIKE";
  value: string | number | boolean | null | CurrencyLiteral;
  or?: SoqlCondition[];
}

export class SoqlError extends Error {
  override name = "SoqlError";
}

const QUERY =
  /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?)?(?:\s+LIMIT\s+(\d+))?\s*$/i;
const CONDITION = /^\s*(\w+)\s*(=|!=|>=|<=|>|<|\bLIKE\b)\s*('(?:[^'\\]|\\.)*'|[\w.:+-]+)\s*$/i;

/** Splits on a keyword (AND / OR) outside quotes and parentheses. */
function splitTop(text: string, keyword: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  const kw = new RegExp(`^\\s+${keyword}\\s+`, "i");
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === "'") quoted = false;
      continue;
    }
    if (ch === "'") quoted = true;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0) {
      const m = kw.exec(text.slice(i));
      if (m) {
        parts.push(text.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function condition(c: string): SoqlCondition {
  const t = c.trim();
  if (t.startsWith("(") && t.endsWith(")")) {
    const or = splitTop(t.slice(1, -1), "OR").map(condition);
    const first = or[0] as SoqlCondition;
    return { field: first.field, op: first.op, value: first.value, or };
  }
  const cm = t.match(CONDITION);
  if (!cm) throw new SoqlError(`unsupported condition: ${c}`);
  const op = (cm[2] as string).toUpperCase() as SoqlCondition["op"];
  const value = literal(cm[3] as string);
  if (op === "LIKE" && typeof value !== "string") throw new SoqlError(`LIKE needs a string: ${c}`);
  return { field: cm[1] as string, op, value };
}

/** A LIKE pattern (% any run, _ one character, \\ escapes) as a case-insensitive regular expression. */
function likePattern(pattern: string): RegExp {
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "\\" && i + 1 < pattern.length)
      src += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (ch === "%") src += ".*";
    else if (ch === "_") src += ".";
    else src += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${src}$`, "is");
}

function literal(raw: string): SoqlQuery["where"][number]["value"] {
  // \\% and \\_ stay escaped: they mean a literal % or _ in a LIKE pattern
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/\\([^%_])/g, "$1");
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
  const conditions = where ? splitTop(where, "AND") : [];
  const selected = fieldList.split(",").map((f) => f.trim());
  const convert = /^convertCurrency\((\w+)\)$/i;
  return {
    fields: selected.map((f) => convert.exec(f)?.[1] ?? f),
    converted: selected.flatMap((f) => convert.exec(f)?.[1] ?? []),
    object,
    where: conditions.map(condition),
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
  const holds = (r: Row, { field, op, value: raw, or }: SoqlCondition): boolean => {
    if (or) return or.some((c) => holds(r, c));
    const v = r[field] ?? null;
    // an ISO-coded literal is converted into the record's currency; a bare number is compared raw [SF7]
    const value = raw !== null && typeof raw === "object" ? currencyValue(raw, r, org) : raw;
    if (op === "LIKE") return v !== null && likePattern(String(value)).test(String(v));
    if (op === "=") return v === value;
    if (op === "!=") return v !== value;
    if (v === null || value === null) return false;
    const c = compare(v, value);
    return op === ">=" ? c >= 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c < 0;
  };
  const matched = rows.filter((r) => q.where.every((c) => holds(r, c)));
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
