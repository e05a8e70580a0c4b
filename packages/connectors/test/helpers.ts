import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CostLedger, openCostLedger } from "@revops/resilience";
import { type KeyValue, openKv, openSql, type SqlDb } from "@revops/store";
import type { ResilienceSetup } from "../src/index";

/** Short backoff and breaker timings so fault tests stay quick; the attempt timeout leaves room for a loaded machine (timeout tests set their own). */
export const FAST_POLICY = {
  maxAttempts: 3,
  attemptTimeoutMs: 1_500,
  deadlineMs: 1500,
  backoff: { initialDelayMs: 5, maxDelayMs: 20 },
  breaker: { kind: "consecutive" as const, threshold: 3 },
  halfOpenAfterMs: 300,
} satisfies ResilienceSetup["policy"];

export async function sqlite(): Promise<SqlDb> {
  return openSql({ dataDir: mkdtempSync(join(tmpdir(), "revops-connectors-")) });
}

export async function ledgerOn(db: SqlDb): Promise<CostLedger> {
  return openCostLedger({ db, batchSize: 1 });
}

export async function memoryKv(): Promise<KeyValue> {
  return openKv({});
}

export async function ledgerRows(db: SqlDb, operation?: string) {
  return db.query<{ operation: string; attempts: number; outcome: string }>(
    `SELECT operation, attempts, outcome FROM vendor_calls${operation ? " WHERE operation = ?" : ""} ORDER BY at`,
    operation ? [operation] : [],
  );
}

export async function timed<T>(
  fn: () => Promise<T>,
): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([fn()]);
  return { ms: performance.now() - started, result: result as PromiseSettledResult<T> };
}
