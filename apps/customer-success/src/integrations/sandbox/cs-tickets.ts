import type { Page, TicketSearch, TicketSearchRow, TicketThread } from "@revops/model";
import { keysetPage, sqlNumber as num, SqlWhere as Where } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

/** LIKE pattern matching `s` anywhere, case-insensitively (use with `ESCAPE '\'`). */
export const containsPattern = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const tagsOf = (v: unknown): string[] =>
  String(v ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

type Db = Record<string, unknown> & { id: string; created_at: string };

function toRow(r: Db): TicketSearchRow {
  return {
    id: r.id,
    subject: String(r.subject),
    accountId: String(r.account_id),
    accountName: String(r.account_name),
    priority: r.priority as TicketSearchRow["priority"],
    status: r.status as TicketSearchRow["status"],
    tags: tagsOf(r.tags),
    requesterName: (r.requester_name as string | null) ?? null,
    createdAt: r.created_at,
    solvedAt: (r.solved_at as string | null) ?? null,
    csat: (r.csat as "good" | "bad" | null) ?? null,
  };
}

const SELECT = `t.id, t.subject, t.account_id, a.name AS account_name, t.priority, t.status, t.tags,
  c.name AS requester_name, t.created_at, t.solved_at, t.csat`;
const FROM = `FROM sb_tickets t JOIN sb_accounts a ON a.id = t.account_id
  LEFT JOIN sb_contacts c ON c.id = t.contact_id`;

/** Tickets matching every given filter, newest first, with keyset cursors. */
export function searchTickets(db: SqlDb, q: TicketSearch): Promise<Page<TicketSearchRow>> {
  const w = new Where()
    .opt("t.status", "=", q.status)
    .opt("t.priority", "=", q.priority)
    .opt("t.account_id", "=", q.accountId);
  const text = q.text?.trim();
  if (text) {
    const p = containsPattern(text);
    w.add(
      `(lower(t.subject) LIKE ? ESCAPE '\\' OR lower(COALESCE(t.csat_comment, '')) LIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM sb_ticket_comments k WHERE k.ticket_id = t.id AND lower(k.body) LIKE ? ESCAPE '\\'))`,
      p,
      p,
      p,
    );
  }
  const tag = q.tag?.trim().toLowerCase();
  if (tag)
    w.add(`(',' || lower(t.tags) || ',') LIKE ? ESCAPE '\\'`, `%,${containsPattern(tag).slice(1, -1)},%`);
  const who = q.requester?.trim();
  if (who)
    w.add(
      `(lower(c.email) = ? OR lower(c.name) LIKE ? ESCAPE '\\')`,
      who.toLowerCase(),
      containsPattern(who),
    );
  return keysetPage<Db, TicketSearchRow>(db, {
    tag: "ticket-search",
    select: SELECT,
    from: FROM,
    countFrom: who ? "FROM sb_tickets t LEFT JOIN sb_contacts c ON c.id = t.contact_id" : "FROM sb_tickets t",
    where: w,
    sortColumn: "t.created_at",
    idColumn: "t.id",
    sortKey: "created_at",
    idKey: "id",
    cursor: q.cursor,
    limit: q.limit,
    map: toRow,
  });
}

/** The ticket and its comments (oldest first); undefined when there is no such ticket. */
export async function ticketThread(db: SqlDb, id: string): Promise<TicketThread | undefined> {
  const r = await db.one<Db>(
    `SELECT ${SELECT}, t.channel, t.assignee_id, t.csat_comment, t.first_response_minutes ${FROM} WHERE t.id = ?`,
    [id],
  );
  if (!r) return undefined;
  const comments = await db.query<Record<string, unknown>>(
    "SELECT id, author_id, public, body, created_at FROM sb_ticket_comments WHERE ticket_id = ? ORDER BY created_at, id",
    [id],
  );
  return {
    ...toRow(r),
    channel: String(r.channel),
    assigneeId: (r.assignee_id as string | null) ?? null,
    csatComment: (r.csat_comment as string | null) ?? null,
    firstResponseMinutes:
      r.first_response_minutes === null || r.first_response_minutes === undefined
        ? null
        : num(r.first_response_minutes),
    comments: comments.map((c) => ({
      id: String(c.id),
      authorId: String(c.author_id),
      public: num(c.public) === 1,
      body: String(c.body),
      createdAt: String(c.created_at),
    })),
  };
}
