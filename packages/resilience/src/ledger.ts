import { migrate, type SqlDb } from "@revops/store";
import { type Budget, type BudgetCheck, type BudgetScope, checkBudgets } from "./budgets";
import { LEDGER_COLUMNS, LEDGER_MIGRATIONS, LEDGER_TABLE } from "./ledger-schema";
import { MICROS_PER_USD, type PriceTable, priceMicros } from "./prices";
import {
  type CostPerLead,
  type CostPerLeadQuery,
  costPerLead,
  type UsageQuery,
  type UsageRow,
  usage,
} from "./usage";

/** "ok" or the VendorError kind the call ended with. */
export type Outcome = "ok" | string;

export interface LedgerEntry {
  vendor: string;
  connection: string;
  operation: string;
  units: number;
  attempts: number;
  outcome: Outcome;
  durationMs: number;
  principal?: string;
  tool?: string;
  at?: Date;
}

export interface CostLedgerOptions {
  db: SqlDb;
  prices?: PriceTable;
  budgets?: readonly Budget[];
  /** Rows buffered before a write; reads always flush first, so answers stay exact. Default 50. */
  batchSize?: number;
  /** Longest time a row waits in the buffer. Default 200 ms. */
  flushMs?: number;
  /** Background flush failures (rows stay buffered and are retried). */
  onError?: (err: unknown) => void;
}

export interface CostLedger {
  readonly db: SqlDb;
  /** Cost in USD of a call, from the price table (charged only when the call succeeds). */
  priceUsd(vendor: string, operation: string, units: number): number;
  /** Buffers one row (never throws); returns its cost in USD. */
  record(entry: LedgerEntry): Promise<number>;
  flush(): Promise<void>;
  checkBudget(scope: BudgetScope, estimatedUsd: number): Promise<BudgetCheck>;
  usage(query: UsageQuery): Promise<UsageRow[]>;
  costPerLead(query: CostPerLeadQuery): Promise<CostPerLead>;
  /** Flushes and stops the timer; the database stays open (the app owns it). */
  close(): Promise<void>;
}

/** Creates the table if needed and returns the ledger. */
export async function openCostLedger(opts: CostLedgerOptions): Promise<CostLedger> {
  await migrate(opts.db, LEDGER_MIGRATIONS);
  const { db } = opts;
  const prices = opts.prices ?? {};
  const budgets = opts.budgets ?? [];
  const batchSize = Math.max(1, opts.batchSize ?? 50);
  const flushMs = opts.flushMs ?? 200;
  let buffer: unknown[][] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    // serialised: a flush waits for the previous one, so rows land in order and none are lost
    writing = writing.then(async () => {
      if (buffer.length === 0) return;
      const rows = buffer;
      buffer = [];
      try {
        await db.insertMany(LEDGER_TABLE, LEDGER_COLUMNS, rows);
      } catch (err) {
        buffer = [...rows, ...buffer];
        throw err;
      }
    });
    const done = writing;
    writing = writing.catch(() => undefined);
    return done;
  }

  function scheduleFlush(): void {
    if (timer) return;
    timer = setTimeout(() => flush().catch((err: unknown) => opts.onError?.(err)), flushMs);
    timer.unref();
  }

  async function record(entry: LedgerEntry): Promise<number> {
    const at = entry.at ?? new Date();
    const iso = at.toISOString();
    const micros =
      entry.outcome === "ok" ? priceMicros(prices, entry.vendor, entry.operation, entry.units) : 0;
    buffer.push([
      iso,
      iso.slice(0, 10),
      entry.vendor,
      entry.connection,
      entry.operation,
      entry.units,
      entry.attempts,
      micros,
      entry.principal ?? "",
      entry.tool ?? "",
      entry.outcome,
      Math.round(entry.durationMs),
    ]);
    // a failed write keeps the rows buffered for the next flush; the call itself still succeeds
    if (buffer.length >= batchSize) await flush().catch((err: unknown) => opts.onError?.(err));
    else scheduleFlush();
    return micros / MICROS_PER_USD;
  }

  return {
    db,
    priceUsd: (vendor, operation, units) => priceMicros(prices, vendor, operation, units) / MICROS_PER_USD,
    record,
    flush,
    async checkBudget(scope, estimatedUsd) {
      if (budgets.length === 0) return { warnings: [] };
      await flush();
      return checkBudgets(db, budgets, scope, estimatedUsd);
    },
    async usage(query) {
      await flush();
      return usage(db, query);
    },
    async costPerLead(query) {
      await flush();
      return costPerLead(db, query);
    },
    async close() {
      await flush();
    },
  };
}
