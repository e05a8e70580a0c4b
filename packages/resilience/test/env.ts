import { randomBytes } from "node:crypto";

/** Real services for integration tests; override to point elsewhere. */
export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function runId(): string {
  return `${process.pid}_${randomBytes(4).toString("hex")}`;
}

export function pgUrlWithSchema(schema: string): string {
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

/** Test policy timings: short enough to keep the suite fast on two cores. */
export const FAST = {
  maxAttempts: 3,
  attemptTimeoutMs: 300,
  deadlineMs: 1500,
  backoff: { initialDelayMs: 5, maxDelayMs: 20 },
  halfOpenAfterMs: 250,
  breaker: { kind: "consecutive" as const, threshold: 3 },
};
