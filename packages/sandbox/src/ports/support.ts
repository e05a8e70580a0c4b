import type { SqlDb } from "@revops/store";
import type { Page } from "../cursor.js";
import { dayOf, isoDay } from "../dates.js";
import { sandboxToday } from "../load.js";
import { keysetPage, num, searchByName, Where } from "./sql.js";

export type TicketStatus = "new" | "open" | "pending" | "solved" | "closed";
export type TicketPriority = "low" | "normal" | "high" | "urgent";

export interface AccountSignals {
  accountId: string;
  accountName: string;
  arr: number;
  renewalDate: string | null;
  ownerName: string;
  /** Product events in the last 30 days (days [today-30, today)). */
  usageLast30: number;
  /** Product events in the 30 days before that. */
  usagePrev30: number;
  /** Average daily active users over the last 30 days (rounded). */
  activeUsersLast30: number;
  seats: number;
  ticketsLast90: number;
  urgentTicketsLast90: number;
  /** Tickets created in the last 90 days rated `bad`. */
  badCsatLast90: number;
  npsAvgLast180: number | null;
  npsResponsesLast180: number;
}

export interface TicketRow {
  id: string;
  subject: string;
  accountId: string;
  accountName: string;
  priority: TicketPriority;
  status: TicketStatus;
  channel: string;
  createdAt: string;
  solvedAt: string | null;
  csat: "good" | "bad" | null;
}

export interface TicketQuery {
  status?: TicketStatus;
  priority?: TicketPriority;
  accountId?: string;
  createdFrom?: string;
  createdTo?: string;
  cursor?: string;
  limit?: number;
}

export interface NpsResponseRow {
  id: string;
  accountId: string;
  accountName: string;
  score: number;
  comment: string | null;
  respondedAt: string;
}

export interface SupportPort {
  accountSignals(q?: { accountIds?: string[] }): Promise<AccountSignals[]>;
  listTickets(q: TicketQuery): Promise<Page<TicketRow>>;
  npsResponses(q: { from?: string; to?: string; accountId?: string }): Promise<NpsResponseRow[]>;
  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]>;
}

const SIGNALS_SQL = `
SELECT a.id, a.name, a.arr, u.name AS owner_name, s.renewal_date, COALESCE(s.seats, 0) AS seats,
  COALESCE(us.last30, 0) AS last30, COALESCE(us.prev30, 0) AS prev30, us.active30,
  COALESCE(tk.tickets, 0) AS tickets, COALESCE(tk.urgent, 0) AS urgent, COALESCE(tk.bad, 0) AS bad,
  np.avg_score, COALESCE(np.responses, 0) AS responses
FROM sb_accounts a
JOIN sb_users u ON u.id = a.owner_id
LEFT JOIN sb_subscriptions s ON s.account_id = a.id AND s.status = 'active'
LEFT JOIN (
  SELECT account_id, SUM(CASE WHEN day >= ? THEN events ELSE 0 END) AS last30,
    SUM(CASE WHEN day < ? THEN events ELSE 0 END) AS prev30,
    AVG(CASE WHEN day >= ? THEN active_users END) AS active30
  FROM sb_usage_daily WHERE day >= ? AND day < ? GROUP BY account_id
) us ON us.account_id = a.id
LEFT JOIN (
  SELECT account_id, COUNT(*) AS tickets, SUM(CASE WHEN priority = 'urgent' THEN 1 ELSE 0 END) AS urgent,
    SUM(CASE WHEN csat = 'bad' THEN 1 ELSE 0 END) AS bad
  FROM sb_tickets WHERE created_at >= ? AND created_at < ? GROUP BY account_id
) tk ON tk.account_id = a.id
LEFT JOIN (
  SELECT account_id, AVG(score * 1.0) AS avg_score, COUNT(*) AS responses
  FROM sb_nps_responses WHERE responded_at >= ? AND responded_at < ? GROUP BY account_id
) np ON np.account_id = a.id`;

type TicketDbRow = Record<string, unknown> & { id: string; created_at: string };

function toTicket(r: TicketDbRow): TicketRow {
  return {
    id: r.id,
    subject: String(r.subject),
    accountId: String(r.account_id),
    accountName: String(r.account_name),
    priority: r.priority as TicketPriority,
    status: r.status as TicketStatus,
    channel: String(r.channel),
    createdAt: r.created_at,
    solvedAt: (r.solved_at as string | null) ?? null,
    csat: (r.csat as "good" | "bad" | null) ?? null,
  };
}

/** Customer-success port over the sandbox tables. Time windows are relative to the dataset's today. */
export class SandboxSupport implements SupportPort {
  constructor(private readonly db: SqlDb) {}

  /** Health signals for current customer accounts (largest ARR first). */
  async accountSignals(q: { accountIds?: string[] } = {}): Promise<AccountSignals[]> {
    const today = dayOf(await sandboxToday(this.db));
    const d = (n: number) => isoDay(today - n);
    const params: unknown[] = [d(30), d(30), d(30), d(60), d(0), d(90), d(-1), d(180), d(-1)];
    const w = new Where().add("a.lifecycle = 'customer'");
    if (q.accountIds) w.in("a.id", q.accountIds);
    const rows = await this.db.query<Record<string, unknown>>(
      `${SIGNALS_SQL} ${w.sql()} ORDER BY a.arr DESC, a.id`,
      [...params, ...w.params],
    );
    return rows.map((r) => ({
      accountId: String(r.id),
      accountName: String(r.name),
      arr: num(r.arr),
      renewalDate: (r.renewal_date as string | null) ?? null,
      ownerName: String(r.owner_name),
      usageLast30: num(r.last30),
      usagePrev30: num(r.prev30),
      activeUsersLast30: Math.round(num(r.active30)),
      seats: num(r.seats),
      ticketsLast90: num(r.tickets),
      urgentTicketsLast90: num(r.urgent),
      badCsatLast90: num(r.bad),
      npsAvgLast180:
        r.avg_score === null || r.avg_score === undefined ? null : Math.round(num(r.avg_score) * 10) / 10,
      npsResponsesLast180: num(r.responses),
    }));
  }

  /** Tickets, newest first. */
  listTickets(q: TicketQuery = {}): Promise<Page<TicketRow>> {
    const w = new Where()
      .opt("t.status", "=", q.status)
      .opt("t.priority", "=", q.priority)
      .opt("t.account_id", "=", q.accountId)
      .range("t.created_at", q.createdFrom, q.createdTo);
    return keysetPage<TicketDbRow, TicketRow>(this.db, {
      tag: "tickets",
      select: `t.id, t.subject, t.account_id, a.name AS account_name, t.priority, t.status, t.channel, t.created_at,
        t.solved_at, t.csat`,
      from: "FROM sb_tickets t JOIN sb_accounts a ON a.id = t.account_id",
      countFrom: "FROM sb_tickets t",
      where: w,
      sortColumn: "t.created_at",
      idColumn: "t.id",
      sortKey: "created_at",
      idKey: "id",
      cursor: q.cursor,
      limit: q.limit,
      map: toTicket,
    });
  }

  /** NPS responses in [from, to] (optionally for one account), newest first. */
  async npsResponses(q: { from?: string; to?: string; accountId?: string } = {}): Promise<NpsResponseRow[]> {
    const w = new Where().range("n.responded_at", q.from, q.to).opt("n.account_id", "=", q.accountId);
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT n.id, n.account_id, a.name AS account_name, n.score, n.comment, n.responded_at
       FROM sb_nps_responses n JOIN sb_accounts a ON a.id = n.account_id
       ${w.sql()} ORDER BY n.responded_at DESC, n.id DESC`,
      w.params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      accountId: String(r.account_id),
      accountName: String(r.account_name),
      score: num(r.score),
      comment: (r.comment as string | null) ?? null,
      respondedAt: String(r.responded_at),
    }));
  }

  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    return searchByName(this.db, "sb_accounts", prefix, limit);
  }
}
