import pino from "pino";

export type Logger = pino.Logger;

/** Secrets never reach the log, whatever object they hide in. */
const REDACT = [
  "*.password",
  "*.token",
  "*.apiKey",
  "*.api_key",
  "*.secret",
  "*.authorization",
  "*.access_token",
  "*.refresh_token",
  "*.client_secret",
  "req.headers.authorization",
  "req.headers.cookie",
];

/** Structured JSON logs to stderr: in stdio mode stdout carries only the protocol. */
export function createLogger(level: string, name: string): Logger {
  return pino(
    { name, level, redact: { paths: REDACT, censor: "[redacted]" } },
    pino.destination({ fd: 2, sync: true }),
  );
}
