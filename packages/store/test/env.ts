import { randomBytes } from "node:crypto";

/** Real services for integration tests; override to point elsewhere. */
export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Unique per test file run, so parallel runs never share tables, schemas or keys. */
export function runId(): string {
  return `${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** The PG URL with search_path set to a private schema. */
export function pgUrlWithSchema(schema: string): string {
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
