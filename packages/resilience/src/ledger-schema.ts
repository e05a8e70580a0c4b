import type { Migration } from "@revops/store";

export const LEDGER_TABLE = "vendor_calls";

const columns = (id: string, big: string) => `
  id ${id},
  at TEXT NOT NULL,
  day TEXT NOT NULL,
  vendor TEXT NOT NULL,
  connection TEXT NOT NULL,
  operation TEXT NOT NULL,
  units INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  cost_micros ${big} NOT NULL,
  principal TEXT NOT NULL,
  tool TEXT NOT NULL,
  outcome TEXT NOT NULL,
  duration_ms INTEGER NOT NULL`;

const indexes = `
CREATE INDEX vendor_calls_day_vendor ON ${LEDGER_TABLE} (day, vendor);
CREATE INDEX vendor_calls_principal_day ON ${LEDGER_TABLE} (principal, day)`;

/** One row per logical vendor call; cost in integer micro-dollars so sums are exact. */
export const LEDGER_MIGRATIONS: readonly Migration[] = [
  {
    id: "resilience_0001_vendor_calls",
    sql: {
      sqlite: `CREATE TABLE ${LEDGER_TABLE} (${columns("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER")});${indexes}`,
      postgres: `CREATE TABLE ${LEDGER_TABLE} (${columns("BIGSERIAL PRIMARY KEY", "BIGINT")});${indexes}`,
    },
  },
];

export const LEDGER_COLUMNS = [
  "at",
  "day",
  "vendor",
  "connection",
  "operation",
  "units",
  "attempts",
  "cost_micros",
  "principal",
  "tool",
  "outcome",
  "duration_ms",
] as const;
