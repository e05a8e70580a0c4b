import type { TicketFacts, TicketPriority, TicketStatus } from "@revops/model";
import { sqlNumber as num, upperBound } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

const minutesBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 60_000);

export async function ticketFacts(db: SqlDb, from: string, to: string): Promise<TicketFacts> {
  const [op, end] = upperBound(to);
  const [created, backlog] = await Promise.all([
    db.query<Record<string, unknown>>(
      `SELECT id, created_at, account_id, subject, status, priority, tags, csat, first_response_minutes, solved_at FROM sb_tickets
       WHERE created_at >= ? AND created_at ${op} ? ORDER BY created_at, id`,
      [from, end],
    ),
    db.query<Record<string, unknown>>(
      `SELECT id, created_at, status, priority FROM sb_tickets WHERE status IN ('new', 'open', 'pending')
       ORDER BY created_at, id`,
    ),
  ]);
  return {
    created: created.map((r) => ({
      id: String(r.id),
      createdAt: String(r.created_at),
      accountId: String(r.account_id),
      subject: String(r.subject),
      status: r.status as TicketStatus,
      priority: r.priority as TicketPriority,
      tags: String(r.tags ?? "")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
      csat: (r.csat as "good" | "bad" | null) ?? null,
      firstReplyMinutes: r.first_response_minutes === null ? null : num(r.first_response_minutes),
      resolutionMinutes: r.solved_at ? minutesBetween(String(r.created_at), String(r.solved_at)) : null,
    })),
    backlog: backlog.map((r) => ({
      id: String(r.id),
      createdAt: String(r.created_at),
      status: r.status as TicketStatus,
      priority: r.priority as TicketPriority,
    })),
  };
}
