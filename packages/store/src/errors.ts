/** Parsed connection target, safe to show: never carries the password. */
export interface Target {
  host: string;
  port: number;
  password: string;
}

/** Replaces the password of a URL with ***, so the URL can appear in logs and errors. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    // unparseable: hide anything between "://user:" and "@"
    return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, "$1***@");
  }
}

/**
 * Parses a service URL without ever echoing it (new URL's own error would include the password).
 * `envName` names the setting the operator must fix.
 */
export function parseServiceUrl(
  url: string,
  schemes: readonly string[],
  defaultPort: number,
  envName: string,
  example: string,
): Target & { url: URL } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`Invalid ${envName}: not a URL (expected ${example})`);
  }
  if (!schemes.includes(u.protocol)) {
    throw new Error(`Invalid ${envName}: scheme must be ${schemes.join(" or ")} (expected ${example})`);
  }
  const socketHost = u.searchParams.get("host");
  return {
    url: u,
    host: u.hostname || socketHost || "localhost",
    port: u.port ? Number(u.port) : defaultPort,
    password: decodeURIComponent(u.password),
  };
}

/** Removes every occurrence of the secret (raw and URL-encoded) from a message. */
export function scrub(message: string, secret: string): string {
  if (!secret) return message;
  let out = message.split(secret).join("***");
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) out = out.split(encoded).join("***");
  return out;
}

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: "is the server running?",
  ENOTFOUND: "check the host name",
  EAI_AGAIN: "check the host name and DNS",
  ETIMEDOUT: "is the host reachable (firewall, address)?",
  EHOSTUNREACH: "is the host reachable (firewall, address)?",
  ECONNRESET: "the server closed the connection (TLS or protocol mismatch?)",
};

export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code in NETWORK_HINTS;
}

/** Builds "Cannot connect to <what> at host:port (ENV): CODE — hint" and keeps the code on the error. */
export function connectError(
  what: string,
  target: Target,
  envName: string,
  err: unknown,
  hints: Record<string, string> = {},
): Error {
  const e = (err ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  const raw = scrub(typeof e.message === "string" ? e.message : String(err), target.password);
  const timedOut = /timeout|timed out/i.test(raw) ? NETWORK_HINTS.ETIMEDOUT : undefined;
  const hint = (code && (hints[code] ?? NETWORK_HINTS[code])) || timedOut;
  const detail = code && NETWORK_HINTS[code] ? code : code && !raw.includes(code) ? `${code} ${raw}` : raw;
  const out = new Error(
    `Cannot connect to ${what} at ${target.host}:${target.port} (${envName}): ${detail}${hint ? ` — ${hint}` : ""}`,
  );
  (out as Error & { code?: string }).code = code;
  return out;
}
