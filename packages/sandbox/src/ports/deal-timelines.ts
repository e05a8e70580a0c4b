import type { DealTimeline, DealTimelines, DealType, Stage } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { dayOf, isoDay } from "../dates.js";

import { chunks, num, Where } from "./sql.js";

const dayAfter = (date: string) => isoDay(dayOf(date) + 1);

/**
 * Deals created, moved between stages, closing, or with a journalled amount or close-date change in [from, to],
 * with their full stage history and journalled field changes (sb_changes: the sandbox keeps no older field history).
 */
export async function sandboxDealTimelines(db: SqlDb, from: string, to: string): Promise<DealTimelines> {
  const end = dayAfter(to);
  const deals = await db.query<Record<string, unknown>>(
    `SELECT d.id, d.name, d.type, d.amount, d.stage, d.close_date, d.created_date FROM sb_deals d
     WHERE (d.created_date >= ? AND d.created_date < ?)
       OR (d.close_date >= ? AND d.close_date < ?)
       OR d.id IN (SELECT deal_id FROM sb_deal_stage_history WHERE changed_at >= ? AND changed_at < ?)
       OR d.id IN (SELECT record_id FROM sb_changes WHERE entity = 'deal' AND at >= ? AND at < ?)
     ORDER BY d.id`,
    [from, end, from, end, from, end, from, end],
  );
  const byId = new Map<string, DealTimeline>();
  for (const d of deals) {
    byId.set(String(d.id), {
      id: String(d.id),
      name: String(d.name),
      type: d.type as DealType,
      amount: num(d.amount),
      stage: d.stage as Stage,
      closeDate: String(d.close_date),
      createdAt: String(d.created_date),
      stages: [],
      amounts: [],
      closeDates: [],
    });
  }
  for (const ids of chunks([...byId.keys()])) {
    const w = new Where().in("deal_id", ids);
    const history = await db.query<{ deal_id: string; to_stage: string; changed_at: string }>(
      `SELECT deal_id, to_stage, changed_at FROM sb_deal_stage_history ${w.sql()} ORDER BY deal_id, changed_at, id`,
      w.params,
    );
    for (const h of history)
      byId.get(h.deal_id)?.stages.push({ at: h.changed_at, stage: h.to_stage as Stage });
    const j = new Where()
      .add("entity = 'deal'")
      .add("field IN ('amount', 'close_date')")
      .in("record_id", ids);
    const journal = await db.query<Record<string, string | null>>(
      `SELECT record_id, field, before_value, after_value, at FROM sb_changes ${j.sql()} ORDER BY at, id`,
      j.params,
    );
    for (const c of journal) {
      const t = byId.get(String(c.record_id));
      const before = c.before_value == null ? null : JSON.parse(c.before_value);
      const after = c.after_value == null ? null : JSON.parse(c.after_value);
      if (!t || before === null || after === null) continue;
      if (c.field === "amount") t.amounts.push({ at: String(c.at), before: num(before), after: num(after) });
      else t.closeDates.push({ at: String(c.at), before: String(before), after: String(after) });
    }
  }
  return {
    deals: [...byId.values()],
    caveats: [
      "Amount and close-date changes are those made through this suite (sb_changes); the sandbox keeps no older field history.",
    ],
  };
}
