/** The Zendesk search syntax subset the fake understands: `key:value` / `key<value` terms plus free words. */
export interface SearchTerm {
  key: string;
  op: ":" | "<" | ">";
  value: string;
}

export interface ParsedSearch {
  type: string | undefined;
  terms: SearchTerm[];
  words: string[];
}

const TERM = /^(\w+)(:|<|>)(.+)$/;
const STATUS_ORDER = ["new", "open", "pending", "hold", "solved", "closed"];

export function parseZendeskSearch(query: string): ParsedSearch {
  const parsed: ParsedSearch = { type: undefined, terms: [], words: [] };
  // a quoted value keeps its spaces: `requester:"Carl Customer"`, `"exact phrase"`
  for (const token of query.match(/\w+[:<>]"[^"]*"|"[^"]*"|\S+/g) ?? []) {
    const m = token.match(TERM);
    if (!m) parsed.words.push(token.replace(/^"|"$/g, "").toLowerCase());
    else if (m[1] === "type" && m[2] === ":") parsed.type = m[3];
    else parsed.terms.push({ key: m[1] as string, op: m[2] as SearchTerm["op"], value: m[3] as string });
  }
  return parsed;
}

/**
 * What a ticket's `organization:` and `requester:` terms match besides the ids on the row (Zendesk: the
 * organization's name, the requester's name or email). Kept off the row's string fields so free words ignore it.
 */
export const SEARCH_ALIASES = "_search_aliases";

function termMatches(row: Record<string, unknown>, t: SearchTerm): boolean {
  if ((t.key === "organization" || t.key === "requester") && t.op === ":") {
    const aliases = (row[SEARCH_ALIASES] as Record<string, string[]> | undefined)?.[t.key] ?? [];
    const id = row[t.key === "organization" ? "organization_id" : "requester_id"];
    const want = t.value.replace(/^"|"$/g, "").toLowerCase();
    return String(id ?? "") === want || aliases.some((a) => a.toLowerCase() === want);
  }
  const actual = row[t.key];
  if (t.key === "status" && t.op !== ":") {
    const diff = STATUS_ORDER.indexOf(String(actual)) - STATUS_ORDER.indexOf(t.value);
    return t.op === "<" ? diff < 0 : diff > 0;
  }
  if (t.key === "tags") return Array.isArray(actual) && actual.includes(t.value);
  if (t.op === ":") return String(actual ?? "").toLowerCase() === t.value.toLowerCase();
  return t.op === "<" ? String(actual) < t.value : String(actual) > t.value;
}

/** Rows matching every term and every free word (in any string field). */
export function runZendeskSearch<T extends Record<string, unknown>>(q: ParsedSearch, rows: T[]): T[] {
  return rows.filter(
    (row) =>
      q.terms.every((t) => termMatches(row, t)) &&
      q.words.every((w) =>
        Object.values(row).some((v) => typeof v === "string" && v.toLowerCase().includes(w)),
      ),
  );
}
