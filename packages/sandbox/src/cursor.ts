export const INVALID_CURSOR = "Invalid cursor: pass the next_cursor value from the previous page unchanged";

/** A caller's mistake, not a bug: carries the field to fix, which the kit turns into a user error. */
export class InvalidCursorError extends RangeError {
  readonly kind = "user";
  readonly fields = ["cursor"];
  readonly hint = "Omit cursor for the first page, or pass next_cursor from the previous page unchanged.";
  constructor() {
    super(INVALID_CURSOR);
    this.name = "InvalidCursorError";
  }
}
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

export type KeyPart = string | number;

export function encodeCursor(tag: string, key: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify({ t: tag, k: key }), "utf8").toString("base64url");
}

/** Decodes a cursor made by `encodeCursor` for the same list; anything else throws INVALID_CURSOR. */
export function decodeCursor(tag: string, cursor: string, arity = 2): KeyPart[] {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error("not base64url");
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  const c = parsed as { t?: unknown; k?: unknown };
  const ok =
    typeof c === "object" &&
    c !== null &&
    c.t === tag &&
    Array.isArray(c.k) &&
    c.k.length === arity &&
    c.k.every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)));
  if (!ok) throw new InvalidCursorError();
  return c.k as KeyPart[];
}

/** Page size: default 25, clamped to [1, 100]. */
export function pageLimit(limit?: number): number {
  if (limit === undefined || limit === null || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}
