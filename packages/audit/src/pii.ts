import { createHmac, randomBytes } from "node:crypto";
import { canonicalJson, sha256Hex } from "./record";
import { wellFormed } from "./redact";

/**
 * Personal data and free text never enter the hash chain: each such value is replaced in the chained body
 * by `{"$pii": <HMAC-SHA256 of the value keyed with a random salt>}` and the value (with its salt) goes to
 * the side table audit_pii, which can be erased for one person without touching the chain.
 */
export const PII_MARKER = "$pii";

/** Keys whose whole value (every string below them) is personal or free text. */
export const PERSONAL_KEY_PATTERN =
  /^(\$pii|e_?mails?|email_?address(es)?|to|cc|bcc|from|reply_?to|recipients?|attendees?|name|full_?name|first_?name|last_?name|display_?name|contact_?name|phone(_?number)?|mobile|address|body|comments?|notes?|subject|message|text|reply|content|description)$/i;

const PHONE_KEY = /phone|mobile/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Strings longer than this are free text wherever they appear. */
export const FREE_TEXT_MIN = 200;

/** Chained args/before/after over this many characters of canonical JSON keep a prefix plus a hash of the whole. */
export const STORED_VALUE_MAX = 4096;

/** Each value kept in the side table is cut to this many characters... */
export const SIDE_VALUE_MAX = 1024;
/** ...and a record keeps at most this many characters there (later values are marked "not kept"). */
export const SIDE_RECORD_MAX = 8192;

const LOCAL = /[a-z0-9._%+-]/i;
const DOMAIN = /[a-z0-9.-]/i;
const DOMAIN_SHAPE = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i;

/** Email addresses in `text`, found around each "@" in linear time (a regex would backtrack on long text). */
export function findEmails(text: string): string[] {
  const found: string[] = [];
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    let start = at;
    while (start > 0 && LOCAL.test(text[start - 1] as string)) start--;
    let end = at + 1;
    while (end < text.length && DOMAIN.test(text[end] as string)) end++;
    const domain = text.slice(at + 1, end).replace(/\.+$/, "");
    if (start < at && DOMAIN_SHAPE.test(domain)) found.push(text.slice(start, at + 1) + domain);
  }
  return found;
}

export const ERASED = "[erased]";
export const NOT_KEPT = "[not kept]";
export const MISMATCH = "[side value does not match the chain]";

export interface PiiRow {
  recordId: string;
  /** JSON array of the path segments, first the field ("args", "before" or "after"). */
  path: string;
  /** null when the record's side budget was spent. */
  value: string | null;
  salt: string;
}

export interface SplitResult {
  /** The value to chain: personal values replaced by markers, capped. */
  value: unknown;
  /** Hash of the whole canonical JSON (before personal values were replaced) when the value was capped. */
  hash?: string;
  rows: Omit<PiiRow, "recordId">[];
  subjects: Set<string>;
}

/** Lower-cased, trimmed email: the key `revops audit erase --subject` matches on. */
export function normaliseSubject(email: string): string {
  return email.trim().toLowerCase();
}

export function piiDigest(value: string, salt: string): string {
  return createHmac("sha256", Buffer.from(salt, "hex")).update(value, "utf8").digest("hex");
}

/**
 * Splits an already redacted, JSON-safe value (`field` = "args", "before" or "after") into what the chain
 * holds and the side rows. `budget.left` is the record's remaining side-table allowance, shared across fields.
 */
export function splitPersonal(field: string, value: unknown, budget: { left: number }): SplitResult {
  const rows: Omit<PiiRow, "recordId">[] = [];
  const subjects = new Set<string>();
  const mark = (text: string, path: readonly (string | number)[]): unknown => {
    for (const email of findEmails(text)) subjects.add(normaliseSubject(email));
    const salt = randomBytes(16).toString("hex");
    const kept = text.length > SIDE_VALUE_MAX ? `${wellFormed(text.slice(0, SIDE_VALUE_MAX - 1))}…` : text;
    const fits = budget.left >= kept.length;
    if (fits) budget.left -= kept.length;
    rows.push({ path: JSON.stringify([field, ...path]), value: fits ? kept : null, salt });
    return { [PII_MARKER]: piiDigest(text, salt) };
  };
  const walk = (v: unknown, path: (string | number)[], personal: boolean): unknown => {
    if (typeof v === "string") {
      // a date under `from`/`to` is a range bound, not a person
      if (personal && v.length <= FREE_TEXT_MIN && ISO_DATE.test(v)) return v;
      return personal || v.length > FREE_TEXT_MIN || findEmails(v).length > 0 ? mark(v, path) : v;
    }
    // a phone number given as a number is still personal (other numbers, e.g. a `to` bound, are not)
    if (personal && typeof v === "number" && PHONE_KEY.test(String(path[path.length - 1])))
      return mark(String(v), path);
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i], personal));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v))
        out[k] = walk(item, [...path, k], personal || PERSONAL_KEY_PATTERN.test(k));
      return out;
    }
    return v;
  };
  const split = walk(value, [], false);
  const text = canonicalJson(split);
  if (text.length <= STORED_VALUE_MAX) return { value: split, rows, subjects };
  // capped: the chain keeps a prefix (markers, never values) and the hash of the whole; the side rows are
  // dropped, since their markers may be cut off (and an oversized call should not grow the side table either)
  for (const row of rows) if (row.value !== null) budget.left += row.value.length;
  return {
    value: { $capped: wellFormed(text.slice(0, STORED_VALUE_MAX)), chars: text.length },
    hash: sha256Hex(canonicalJson(value)),
    rows: [],
    subjects: new Set(),
  };
}

/** Side rows of one record, by path. */
export type SideValues = ReadonlyMap<string, { value: string | null; salt: string }>;

/**
 * Puts side-table values back in place of their markers: the value when its digest matches the chain,
 * "[erased]" when the row was erased, "[not kept]" when the record's side budget was spent.
 */
export function attachPersonal(field: string, value: unknown, side: SideValues): unknown {
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (!v || typeof v !== "object") return v;
    const entries = Object.entries(v);
    if (entries.length === 1 && entries[0]?.[0] === PII_MARKER && typeof entries[0][1] === "string") {
      const row = side.get(JSON.stringify([field, ...path]));
      if (row === undefined) return ERASED;
      if (row.value === null) return NOT_KEPT;
      const clipped = row.value.length === SIDE_VALUE_MAX && row.value.endsWith("…");
      return clipped || piiDigest(row.value, row.salt) === entries[0][1] ? row.value : MISMATCH;
    }
    const out: Record<string, unknown> = {};
    for (const [k, item] of entries) out[k] = walk(item, [...path, k]);
    return out;
  };
  return walk(value, []);
}
