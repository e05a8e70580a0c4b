import type { DealPath, TouchPaths } from "@revops/model";
import { sqlNumber as num } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

// One lead per deal in the sandbox; were there several, the earliest lead is the one that converted.
const DEALS_SQL = `
SELECT d.id, d.amount, d.stage, d.created_date, d.close_date, l.created_at, l.campaign_id
FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id
WHERE l.converted_deal_id IS NOT NULL
ORDER BY d.id, l.created_at, l.id`;

// Touches of converted leads up to the end of the day the deal was created (touches after it cannot have caused
// it). CROSS JOIN keeps SQLite on the converted leads (index on converted_deal_id, then touches by lead_id)
// instead of scanning every touch: ~30 k rows read out of ~4 M at scale 100.
const TOUCHES_SQL = `
SELECT l.converted_deal_id AS deal_id, t.campaign_id, t.touch_type, t.occurred_at
FROM sb_leads l
CROSS JOIN sb_campaign_touches t
JOIN sb_deals d ON d.id = l.converted_deal_id
WHERE l.converted_deal_id IS NOT NULL AND t.lead_id = l.id
  AND t.occurred_at <= d.created_date || 'T23:59:59.999Z'
ORDER BY l.converted_deal_id, t.occurred_at, t.id`;

/** Campaigns and deal touch paths from the sandbox tables: three indexed queries, grouped in one pass. */
export async function sandboxTouchPaths(db: SqlDb): Promise<TouchPaths> {
  const [campaignRows, dealRows, touchRows] = await Promise.all([
    db.query<Record<string, unknown>>(
      "SELECT id, name, channel, start_date, spend FROM sb_campaigns ORDER BY id",
    ),
    db.query<Record<string, unknown>>(DEALS_SQL),
    db.query<Record<string, unknown>>(TOUCHES_SQL),
  ]);
  const deals = new Map<string, DealPath>();
  for (const r of dealRows) {
    const id = String(r.id);
    if (deals.has(id)) continue;
    const stage = String(r.stage);
    deals.set(id, {
      dealId: id,
      amount: num(r.amount),
      stage,
      won: stage === "closed_won",
      lost: stage === "closed_lost",
      createdDate: String(r.created_date),
      closeDate: String(r.close_date),
      leadCreatedAt: r.created_at === null || r.created_at === undefined ? null : String(r.created_at),
      sourceCampaignId: r.campaign_id === null || r.campaign_id === undefined ? null : String(r.campaign_id),
      touches: [],
    });
  }
  for (const r of touchRows) {
    deals.get(String(r.deal_id))?.touches.push({
      campaignId: String(r.campaign_id),
      type: String(r.touch_type),
      at: String(r.occurred_at),
    });
  }
  return {
    campaigns: campaignRows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      channel: String(r.channel),
      startDate: String(r.start_date),
      spend: num(r.spend),
    })),
    deals: [...deals.values()],
  };
}
