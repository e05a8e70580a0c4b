import type { SqlDb } from "@revops/store";
import { LEDGER_TABLE } from "./ledger-schema";
import { MICROS_PER_USD } from "./prices";

export type UsageDimension = "vendor" | "connection" | "operation" | "tool" | "principal" | "day" | "outcome";
const DIMENSIONS: ReadonlySet<string> = new Set<UsageDimension>([
  "vendor",
  "connection",
  "operation",
  "tool",
  "principal",
  "day",
  "outcome",
]);

export interface LedgerFilter {
  vendor?: string;
  tool?: string;
  principal?: string;
  /** First day included, YYYY-MM-DD (UTC). */
  from?: string;
  /** Last day included, YYYY-MM-DD (UTC). */
  to?: string;
}

export interface UsageQuery extends LedgerFilter {
  groupBy: readonly UsageDimension[];
}

export type UsageRow = Partial<Record<UsageDimension, string>> & {
  calls: number;
  attempts: number;
  units: number;
  costUsd: number;
};

export interface CostPerLeadQuery extends LedgerFilter {
  leads: number;
}

export interface CostPerLead {
  costUsd: number;
  leads: number;
  costPerLeadUsd: number;
}

/** WHERE clause and parameters for the common filters. */
export function whereOf(filter: LedgerFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const column of ["vendor", "tool", "principal"] as const) {
    const value = filter[column];
    if (value === undefined) continue;
    parts.push(`${column} = ?`);
    params.push(value);
  }
  if (filter.from !== undefined) {
    parts.push("day >= ?");
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    parts.push("day <= ?");
    params.push(filter.to);
  }
  return { sql: parts.length ? ` WHERE ${parts.join(" AND ")}` : "", params };
}

interface Totals {
  calls: number;
  attempts: number | null;
  units: number | null;
  cost_micros: number | null;
}

/** Calls, attempts, units and cost grouped by the chosen dimensions. */
export async function usage(db: SqlDb, query: UsageQuery): Promise<UsageRow[]> {
  for (const d of query.groupBy) if (!DIMENSIONS.has(d)) throw new RangeError(`cannot group by ${d}`);
  const dims = query.groupBy.join(", ");
  const where = whereOf(query);
  const select = `${dims ? `${dims}, ` : ""}COUNT(*) AS calls, SUM(attempts) AS attempts, SUM(units) AS units, SUM(cost_micros) AS cost_micros`;
  const tail = dims ? ` GROUP BY ${dims} ORDER BY ${dims}` : "";
  const rows = await db.query<Totals & Record<string, string>>(
    `SELECT ${select} FROM ${LEDGER_TABLE}${where.sql}${tail}`,
    where.params,
  );
  return rows.map((row) => {
    const out: UsageRow = {
      calls: Number(row.calls),
      attempts: Number(row.attempts ?? 0),
      units: Number(row.units ?? 0),
      costUsd: Number(row.cost_micros ?? 0) / MICROS_PER_USD,
    };
    for (const d of query.groupBy) out[d] = String(row[d]);
    return out;
  });
}

/** Total spend under the filter divided by the number of leads it produced. */
export async function costPerLead(db: SqlDb, query: CostPerLeadQuery): Promise<CostPerLead> {
  if (!(query.leads > 0)) throw new RangeError("leads must be > 0");
  const [total] = await usage(db, { ...query, groupBy: [] });
  const costUsd = total?.costUsd ?? 0;
  return { costUsd, leads: query.leads, costPerLeadUsd: costUsd / query.leads };
}
