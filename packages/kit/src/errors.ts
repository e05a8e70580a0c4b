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
}

export class ToolError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly fields: string[];
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: ErrorKind, message: string, opts: ToolErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ToolError";
    this.kind = kind;
    this.hint = opts.hint;
    this.fields = opts.fields ?? [];
    this.retryAfterSeconds = opts.retryAfterSeconds;
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

/** The text an assistant reads when a tool fails. */
export function describeError(err: ToolError): string {
  const lines = [`Error (${err.kind}): ${err.message}`];
  if (err.fields.length > 0) lines.push(`Fields: ${err.fields.join(", ")}`);
  if (err.retryAfterSeconds !== undefined) lines.push(`Retry after: ${err.retryAfterSeconds}s`);
  lines.push(`Next: ${err.hint ?? RETRY_HINT[err.kind]}`);
  return lines.join("\n");
}
