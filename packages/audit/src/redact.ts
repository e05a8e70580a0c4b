/** Keys stripped from every stored value by default, at any depth. */
export const SECRET_KEY_PATTERN = /password|secret|token|api_?key|authorization/i;

const MAX_DEPTH = 32;

export interface RedactRules {
  /** Dot paths relative to the value, `*` matching any key or index: "auth.token", "items.*.card". */
  paths?: readonly string[];
  /** Key names to strip wherever they appear; defaults to SECRET_KEY_PATTERN. */
  keyPattern?: RegExp;
}

type Pattern = readonly string[];

/**
 * Returns a JSON-safe copy of `value` without secret fields: what canonicalize can always
 * serialise (no NaN, bigint, lone surrogates, cycles).
 */
export function redactValue(value: unknown, rules: RedactRules = {}): unknown {
  const patterns = (rules.paths ?? []).filter((p) => p.length > 0).map((p) => p.split("."));
  const keyPattern = rules.keyPattern ?? SECRET_KEY_PATTERN;
  return copy(value, [], patterns, keyPattern, new Set());
}

function copy(
  value: unknown,
  path: string[],
  patterns: readonly Pattern[],
  keyPattern: RegExp,
  seen: Set<object>,
): unknown {
  switch (typeof value) {
    case "string":
      return wellFormed(value);
    case "number":
      return Number.isFinite(value) ? value : null;
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[binary ${value.byteLength} bytes]`;
  if (seen.has(value)) return "[circular]";
  if (path.length >= MAX_DEPTH) return "[too deep]";
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === "function") return copy(toJSON.call(value), path, patterns, keyPattern, seen);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((item, i) => {
        const childPath = [...path, String(i)];
        if (matchesAny(childPath, patterns)) return;
        const v = copy(item, childPath, patterns, keyPattern, seen);
        out.push(v === undefined ? null : v);
      });
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (keyPattern.test(key)) continue;
      const childPath = [...path, key];
      if (matchesAny(childPath, patterns)) continue;
      const v = copy(item, childPath, patterns, keyPattern, seen);
      if (v !== undefined) out[key] = v;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Lone surrogates become U+FFFD: RFC 8785 cannot encode them (String#toWellFormed, ES2024). */
export function wellFormed(text: string): string {
  const s = text as string & { isWellFormed(): boolean; toWellFormed(): string };
  return s.isWellFormed() ? text : s.toWellFormed();
}

function matchesAny(path: readonly string[], patterns: readonly Pattern[]): boolean {
  return patterns.some(
    (p) => p.length === path.length && p.every((seg, i) => seg === "*" || seg === path[i]),
  );
}
