/**
 * Rewrites `?` placeholders to `$1..$n` for PostgreSQL. Skips '…' literals, "…" identifiers,
 * $tag$…$tag$ bodies and comments, so a `?` inside them stays literal.
 */
export function toPgPlaceholders(sql: string): string {
  if (!sql.includes("?")) return sql;
  let out = "";
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const end = skipQuoted(sql, i);
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "?") {
      n += 1;
      out += `$${n}`;
      i += 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

const DOLLAR_TAG = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;

/** Index just past a literal/identifier/comment starting at i, or i when none starts there. */
function skipQuoted(sql: string, i: number): number {
  const ch = sql[i];
  const next = sql[i + 1];
  if (ch === "'" || ch === '"') return closeQuote(sql, i, ch);
  if (ch === "-" && next === "-") return indexOrEnd(sql, "\n", i + 2);
  if (ch === "/" && next === "*") {
    const close = sql.indexOf("*/", i + 2);
    return close < 0 ? sql.length : close + 2;
  }
  // "a$b$" is an identifier, not a dollar quote
  if (ch === "$" && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? "")) {
    DOLLAR_TAG.lastIndex = i;
    const tag = DOLLAR_TAG.exec(sql)?.[0];
    // $1-style parameters are not dollar quotes: a tag never starts with a digit
    if (tag) {
      const close = sql.indexOf(tag, i + tag.length);
      return close < 0 ? sql.length : close + tag.length;
    }
  }
  return i;
}

/** A doubled quote ('' or "") is an escaped quote inside the literal. */
function closeQuote(sql: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else {
      j += 1;
    }
  }
  return sql.length;
}

function indexOrEnd(sql: string, needle: string, from: number): number {
  const at = sql.indexOf(needle, from);
  return at < 0 ? sql.length : at;
}
