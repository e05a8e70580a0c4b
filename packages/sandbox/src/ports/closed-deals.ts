import type { ClosedDeal, DealType, Stage } from "@revops/model";
import type { SqlDb } from "@revops/store";

import { num } from "./sql.js";

/** Deals won or lost with a close date in [from, to] (see `ClosedDeal`), read with SQL. */
export async function sandboxClosedDeals(db: SqlDb, from: string, to: string): Promise<ClosedDeal[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT d.id, d.type, d.amount, d.stage, d.created_date, d.close_date, u.name AS owner_name, a.size_band,
       COALESCE((SELECT MIN(l.source) FROM sb_leads l WHERE l.converted_deal_id = d.id), 'none') AS source,
       (SELECT MAX(h.from_stage) FROM sb_deal_stage_history h WHERE h.deal_id = d.id AND h.to_stage = 'closed_lost')
         AS lost_from
     FROM sb_deals d JOIN sb_accounts a ON a.id = d.account_id JOIN sb_users u ON u.id = d.owner_id
     WHERE d.stage IN ('closed_won', 'closed_lost') AND d.close_date >= ? AND d.close_date <= ?
     ORDER BY d.close_date, d.id`,
    [from, to],
  );
  return rows.map((r) => ({
    id: String(r.id),
    type: r.type as DealType,
    amount: num(r.amount),
    won: r.stage === "closed_won",
    ownerName: String(r.owner_name),
    segment: String(r.size_band ?? ""),
    source: String(r.source),
    createdAt: String(r.created_date),
    closeDate: String(r.close_date),
    lossReason: null,
    lostFrom: r.lost_from == null ? null : (r.lost_from as Stage),
  }));
}
