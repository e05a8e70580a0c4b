import type { LeadFacts } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { num } from "./sql.js";
import { listWhileUnchanged } from "./version-memo.js";

/** Every lead with its touch counts, oldest first; kept per process while the dataset is unchanged. */
export function sandboxLeadFacts(db: SqlDb): Promise<LeadFacts[]> {
  return listWhileUnchanged(db, "lead-facts", async () => {
    const rows = await db.query<Record<string, unknown>>(
      `SELECT l.id, l.name, l.company, l.email, l.title, l.source, l.campaign_id, l.status, l.score, l.created_at,
         l.converted_deal_id, COALESCE(t.n, 0) AS touches, COALESCE(t.clicks, 0) AS clicks,
         COALESCE(t.regs, 0) AS regs, u.id AS owner_id, u.name AS owner_name
       FROM sb_leads l
       LEFT JOIN sb_deals d ON d.id = l.converted_deal_id
       LEFT JOIN sb_users u ON u.id = COALESCE(l.owner_id, d.owner_id)
       LEFT JOIN (SELECT lead_id, COUNT(*) AS n,
           SUM(CASE WHEN touch_type = 'click' THEN 1 ELSE 0 END) AS clicks,
           SUM(CASE WHEN touch_type IN ('register', 'attend') THEN 1 ELSE 0 END) AS regs
         FROM sb_campaign_touches WHERE lead_id IS NOT NULL GROUP BY lead_id) t ON t.lead_id = l.id
       ORDER BY l.created_at, l.id`,
    );
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      company: String(r.company),
      email: String(r.email),
      title: String(r.title),
      source: String(r.source),
      campaignId: r.campaign_id == null ? null : String(r.campaign_id),
      status: String(r.status),
      ownerId: r.owner_id == null ? null : String(r.owner_id),
      ownerName: r.owner_name == null ? null : String(r.owner_name),
      crmScore: r.score == null ? null : num(r.score),
      createdAt: String(r.created_at),
      converted: r.converted_deal_id != null || r.status === "converted",
      touches: num(r.touches),
      clicks: num(r.clicks),
      registrations: num(r.regs),
    }));
  });
}
