import type { RenewalDealRow } from "@revops/model";
import { sqlNumber as num, SqlWhere as Where } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

/** Open (not closed won/lost) renewal deals, optionally of some accounts, by close date. */
export async function openRenewalDeals(db: SqlDb, accountIds?: readonly string[]): Promise<RenewalDealRow[]> {
  const w = new Where().add("d.type = 'renewal'").add("d.stage NOT IN ('closed_won', 'closed_lost')");
  if (accountIds) w.in("d.account_id", accountIds);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT d.id, d.name, d.account_id, d.stage, d.forecast_category, d.close_date, d.amount, u.name AS owner_name
     FROM sb_deals d JOIN sb_users u ON u.id = d.owner_id ${w.sql()} ORDER BY d.close_date, d.id`,
    w.params,
  );
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    accountId: String(r.account_id),
    stage: String(r.stage),
    forecastCategory: String(r.forecast_category),
    closeDate: String(r.close_date),
    amount: num(r.amount),
    ownerName: String(r.owner_name),
  }));
}
