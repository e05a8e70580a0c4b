/** pino `redact.paths` covering every secret-bearing field this package (and vendor OAuth) uses. */
export const REDACTION_PATHS: readonly string[] = Object.freeze([
  "*.password",
  "*.token",
  "*.apiKey",
  "*.api_key",
  "*.key",
  "*.secret",
  "*.authorization",
  "*.cookie",
  "*.accessToken",
  "*.refreshToken",
  "*.access_token",
  "*.refresh_token",
  "*.id_token",
  "*.client_secret",
  "*.clientSecret",
  "*.code_verifier",
  "*.masterKey",
  "*.dataKey",
  "*.credential",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
]);

const REDACTED = "[redacted]";
/** Our key format: keep the public prefix (useful for support), hide the secret part. */
const API_KEY = /\brmcp_([a-z0-9]+)_[A-Za-z0-9_-]+/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;

/** Replaces every known secret (and anything shaped like an API key or bearer token) in `text`. */
export function redactSecrets(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  const known = [...secrets].filter((s): s is string => typeof s === "string" && s.length >= 4);
  // longest first, so a secret containing another is not half-replaced
  for (const secret of known.sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  return out.replace(API_KEY, `rmcp_$1_${REDACTED}`).replace(BEARER, `$1 ${REDACTED}`);
}
