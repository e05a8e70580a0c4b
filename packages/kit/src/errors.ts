/** What went wrong, in a class the assistant can act on (DESIGN.md: errors carry a class and context). */
export type ErrorKind =
  | "user"
  | "not_found"
  | "denied"
  | "rate_limited"
  | "retryable"
  | "upstream"
  | "internal";

export interface ToolErrorOptions {
  /** What to do next: the call that would work, the allowed values. */
  hint?: string;
  /** Field paths that were wrong, e.g. ["limit", "filters.stage"]. */
  fields?: string[];
  /** Seconds after which a retry may succeed. */
  retryAfterSeconds?: number;
  cause?: unknown;
  /** The result's `_meta`: for the client and its views (MCP Apps), never shown to the model. */
  meta?: Record<string, unknown>;
}

export class ToolError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly fields: string[];
  readonly retryAfterSeconds: number | undefined;
  readonly meta: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, opts: ToolErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ToolError";
    this.kind = kind;
    this.hint = opts.hint;
    this.fields = opts.fields ?? [];
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.meta = opts.meta;
  }
}

/**
 * MCP 2026-07-28 (multi-round-trip): nothing ran yet; the client must answer `inputRequests` and retry the same
 * request with its answers and the sealed `requestState`. Toward a request that cannot answer (2025 revisions)
 * it is the tool error it also is: `message` and `hint` say what is pending.
 */
export class InputRequired extends ToolError {
  readonly inputRequests: Record<string, import("@modelcontextprotocol/server").InputRequest> | undefined;
  readonly requestState: string | undefined;

  constructor(
    request: {
      inputRequests?: Record<string, import("@modelcontextprotocol/server").InputRequest>;
      requestState?: string;
    },
    message: string,
    opts: ToolErrorOptions = {},
  ) {
    super("denied", message, opts);
    this.name = "InputRequired";
    this.inputRequests = request.inputRequests;
    this.requestState = request.requestState;
  }
}

export const userError = (message: string, opts?: ToolErrorOptions) => new ToolError("user", message, opts);
export const notFound = (message: string, opts?: ToolErrorOptions) =>
  new ToolError("not_found", message, opts);
export const denied = (message: string, opts?: ToolErrorOptions) => new ToolError("denied", message, opts);

const RETRY_HINT: Record<ErrorKind, string> = {
  user: "Fix the input and call again.",
  not_found: "Check the id: list or search first to get a valid one.",
  denied: "Ask an administrator for the missing permission; do not retry.",
  rate_limited: "Wait and retry later.",
  retryable: "Retry the same call in a few seconds.",
  upstream: "The connected system refused the request; check the message, then retry or change the input.",
  internal: "This is a bug in the server; it has been logged. Try a different call or report it.",
};

/** Any thrown value → a ToolError whose message is safe to show (no stack traces, no internals). */
/** An error from a package below the kit that knows it is the caller's mistake (e.g. a bad cursor). */
interface UserMistake extends Error {
  kind: "user";
  fields: string[];
  hint?: string;
}
const isUserMistake = (err: unknown): err is UserMistake =>
  err instanceof Error &&
  (err as Partial<UserMistake>).kind === "user" &&
  Array.isArray((err as UserMistake).fields);

export function toToolError(err: unknown): ToolError {
  if (err instanceof ToolError) return err;
  if (isUserMistake(err)) {
    return new ToolError("user", err.message, { fields: err.fields, ...(err.hint && { hint: err.hint }) });
  }
  if (err instanceof Error && err.name === "AbortError") {
    return new ToolError("retryable", "The call was cancelled before it finished.", { cause: err });
  }
  return new ToolError("internal", "The server failed while running this tool.", { cause: err });
}

/** Inputs longer than this are quoted as a prefix and their length wherever an answer repeats them. */
export const MAX_QUOTED_INPUT = 80;

/**
 * An input as an answer may quote it: whole when short, else a short prefix and its length, e.g.
 * `"abc…" (900,000 chars)`. A caller's 1 MB argument must not come back as 1 MB of context.
 */
export function quoteInput(value: unknown, max = MAX_QUOTED_INPUT): string {
  const s = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  if (s.length <= max) return JSON.stringify(s);
  // never cut a surrogate pair in half
  let prefix = s.slice(0, max);
  if (/[\uD800-\uDBFF]$/.test(prefix)) prefix = prefix.slice(0, -1);
  return `${JSON.stringify(`${prefix}…`)} (${s.length.toLocaleString("en-US")} chars)`;
}

/** Every string of an argument value (keys too) longer than `min`, longest first. */
function longStrings(value: unknown, min: number, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 64) return out;
  if (typeof value === "string") {
    if (value.length > min) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) longStrings(v, min, out, depth + 1);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.length > min) out.add(k);
      longStrings(v, min, out, depth + 1);
    }
  }
  return out;
}

/**
 * Inputs an error may repeat whole. Above it, a repeat becomes a prefix and the length: high enough that a plan
 * shown for confirmation keeps an ordinary comment or reply whole.
 */
export const MAX_ECHOED_INPUT = 1_000;

/**
 * `text` with every repeat of a long input replaced by its short quote (see quoteInput). A repeat is any stretch
 * that starts like the input and is at least `min` chars long, so a rendering truncated mid-value is caught too.
 */
export function capEchoes(text: string, args: unknown, min = MAX_ECHOED_INPUT): string {
  if (text.length <= min) return text;
  let out = text;
  for (const s of [...longStrings(args, min)].sort((a, b) => b.length - a.length)) {
    const head = s.slice(0, min);
    let at = out.indexOf(head);
    if (at < 0) continue;
    const quoted = quoteInput(s, 200);
    while (at >= 0) {
      let end = at + head.length;
      if (out.startsWith(s, at)) end = at + s.length;
      else while (end < out.length && end - at < s.length && out[end] === s[end - at]) end++;
      // the message may have quoted the value itself: ours replaces those quotes
      const quotedByText = out[at - 1] === '"' && out[end] === '"';
      const from = quotedByText ? at - 1 : at;
      const to = quotedByText ? end + 1 : end;
      out = out.slice(0, from) + quoted + out.slice(to);
      at = out.indexOf(head, from + quoted.length);
    }
  }
  return out;
}

/** The error with no long input repeated in its message or hint; the same object when nothing was repeated. */
export function withoutEchoes(err: ToolError, args: unknown): ToolError {
  const message = capEchoes(err.message, args);
  const hint = err.hint === undefined ? undefined : capEchoes(err.hint, args);
  if (message === err.message && hint === err.hint) return err;
  return new ToolError(err.kind, message, {
    fields: err.fields,
    ...(hint !== undefined && { hint }),
    ...(err.retryAfterSeconds !== undefined && { retryAfterSeconds: err.retryAfterSeconds }),
    ...(err.cause !== undefined && { cause: err.cause }),
    ...(err.meta && { meta: err.meta }),
  });
}

/** The text an assistant reads when a tool fails. */
export function describeError(err: ToolError): string {
  const lines = [`Error (${err.kind}): ${err.message}`];
  if (err.fields.length > 0)
    lines.push(`Fields: ${err.fields.map((f) => (f.length > 200 ? quoteInput(f) : f)).join(", ")}`);
  if (err.retryAfterSeconds !== undefined) lines.push(`Retry after: ${err.retryAfterSeconds}s`);
  lines.push(`Next: ${err.hint ?? RETRY_HINT[err.kind]}`);
  return lines.join("\n");
}
