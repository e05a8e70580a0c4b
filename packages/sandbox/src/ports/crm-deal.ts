import type { DealRecordExtras, Stage } from "@revops/model";
import type { SqlDb } from "@revops/store";

import { num } from "./sql.js";

/** The stage history, activities and contacts of one deal, read with SQL (the deal itself is read by getDeal). */
export async function sandboxDealExtras(db: SqlDb, dealId: string, limit: number): Promise<DealRecordExtras> {
  const [created, history, count, recent, people] = await Promise.all([
    db.one<{ created_date: string }>("SELECT created_date FROM sb_deals WHERE id = ?", [dealId]),
    db.query<{ from_stage: string | null; to_stage: string; changed_at: string }>(
      `SELECT from_stage, to_stage, changed_at FROM sb_deal_stage_history WHERE deal_id = ?
       ORDER BY changed_at, id`,
      [dealId],
    ),
    db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_activities WHERE deal_id = ?", [dealId]),
    db.query<Record<string, string | null>>(
      `SELECT act.id, act.type, act.subject, act.occurred_at, act.contact_id, c.name AS contact_name
       FROM sb_activities act LEFT JOIN sb_contacts c ON c.id = act.contact_id
       WHERE act.deal_id = ? ORDER BY act.occurred_at DESC, act.id DESC LIMIT ?`,
      [dealId, limit],
    ),
    db.query<Record<string, unknown>>(
      `SELECT c.id, c.name, c.title, c.email, x.n, x.last_at FROM sb_contacts c JOIN (
         SELECT contact_id, COUNT(*) AS n, MAX(occurred_at) AS last_at FROM sb_activities
         WHERE deal_id = ? AND contact_id IS NOT NULL GROUP BY contact_id) x ON x.contact_id = c.id
       ORDER BY x.n DESC, c.seniority, c.id`,
      [dealId],
    ),
  ]);
  return {
    createdAt: created?.created_date ?? null,
    stageHistory: history.map((h) => ({
      fromStage: (h.from_stage ?? null) as Stage | null,
      toStage: h.to_stage as Stage,
      changedAt: String(h.changed_at),
    })),
    activities: {
      total: num(count?.n),
      recent: recent.map((r) => ({
        id: String(r.id),
        type: String(r.type),
        subject: String(r.subject ?? ""),
        occurredAt: String(r.occurred_at),
        contactId: r.contact_id ?? null,
        contactName: r.contact_name ?? null,
      })),
    },
    contacts: people.map((c) => ({
      id: String(c.id),
      name: String(c.name),
      title: String(c.title ?? ""),
      email: String(c.email ?? ""),
      role: null,
      primary: false,
      activities: num(c.n),
      lastActivityAt: c.last_at == null ? null : String(c.last_at),
    })),
    caveats: ["The sandbox keeps no contact roles: the people are those on the deal's activities."],
  };
}
