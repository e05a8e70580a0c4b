import type { SqlDb } from "@revops/store";
import { VendorError } from "./errors";
import { LEDGER_TABLE } from "./ledger-schema";
import { formatUsd, MICROS_PER_USD } from "./prices";
import { whereOf } from "./usage";
import { displayName } from "./vendor-names";

/** A spending limit; unset vendor/tool/principal means "any". */
export interface Budget {
  name?: string;
  vendor?: string;
  tool?: string;
  principal?: string;
  period: "day" | "month";
  /** Above this, calls go through with a warning for the tool's result. */
  softUsd?: number;
  /** A call that would take spend above this is refused before it goes out. */
  hardUsd?: number;
}

export interface BudgetScope {
  vendor: string;
  tool?: string;
  principal?: string;
}

export interface BudgetCheck {
  refusal?: VendorError;
  warnings: string[];
}

function applies(budget: Budget, scope: BudgetScope): boolean {
  return (
    (budget.vendor === undefined || budget.vendor === scope.vendor) &&
    (budget.tool === undefined || budget.tool === scope.tool) &&
    (budget.principal === undefined || budget.principal === scope.principal)
  );
}

function periodStart(period: Budget["period"], now: Date): string {
  const day = now.toISOString().slice(0, 10);
  return period === "day" ? day : `${day.slice(0, 7)}-01`;
}

function label(budget: Budget): string {
  if (budget.name) return budget.name;
  const who = [
    budget.tool ? ` by ${budget.tool}` : "",
    budget.principal ? ` for ${budget.principal}` : "",
  ].join("");
  const when = budget.period === "day" ? "today" : "this month";
  return `${budget.vendor ? displayName(budget.vendor) : "Vendor"} spend${who} ${when}`;
}

/** Spend so far in each applicable budget's period, against its soft and hard limits. */
export async function checkBudgets(
  db: SqlDb,
  budgets: readonly Budget[],
  scope: BudgetScope,
  estimatedUsd: number,
  now = new Date(),
): Promise<BudgetCheck> {
  const warnings: string[] = [];
  const estimate = Math.round(estimatedUsd * MICROS_PER_USD);
  for (const budget of budgets) {
    if (!applies(budget, scope)) continue;
    const where = whereOf({
      vendor: budget.vendor,
      tool: budget.tool,
      principal: budget.principal,
      from: periodStart(budget.period, now),
    });
    const row = await db.one<{ spent: number | null }>(
      `SELECT SUM(cost_micros) AS spent FROM ${LEDGER_TABLE}${where.sql}`,
      where.params,
    );
    const spent = Number(row?.spent ?? 0);
    const hard = budget.hardUsd === undefined ? undefined : Math.round(budget.hardUsd * MICROS_PER_USD);
    const soft = budget.softUsd === undefined ? undefined : Math.round(budget.softUsd * MICROS_PER_USD);
    if (hard !== undefined && spent + estimate > hard) {
      return {
        warnings,
        refusal: new VendorError({
          vendor: scope.vendor,
          kind: "budget_exceeded",
          retryable: false,
          message: `${label(budget)} is ${formatUsd(spent)} of the ${formatUsd(hard)} hard budget; this call (${formatUsd(estimate)}) would exceed it. Ask an admin to raise the budget or wait for the next ${budget.period}.`,
        }),
      };
    }
    if (soft !== undefined && spent + estimate > soft) {
      warnings.push(
        `${label(budget)} is ${formatUsd(spent + estimate)}, above the ${formatUsd(soft)} soft budget.`,
      );
    }
  }
  return { warnings };
}
