import { randomUUID } from "node:crypto";
import type {
  AccountSignals,
  FeatureUse,
  KbArticle,
  NewTicket,
  NpsResponseRow,
  Page,
  RenewalDealRow,
  RenewalHistory,
  RenewalTermFeatures,
  SandboxChange,
  SignalsQuery,
  TermHistory,
  TicketChanges,
  TicketCreateResult,
  TicketDetail,
  TicketFacts,
  TicketPriority,
  TicketQuery,
  TicketRequester,
  TicketRow,
  TicketSearch,
  TicketSearchRow,
  TicketStatus,
  TicketThread,
  WriteOrigin,
} from "@revops/model";
import {
  dayOf,
  ensureUsageRecent,
  isoDay,
  journalChanges,
  keysetPage,
  listWhileUnchanged,
  sqlNumber as num,
  sandboxNow,
  sandboxToday,
  searchByName,
  SqlWhere as Where,
  whileUnchanged,
} from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

import { renewalHistory, upcomingRenewals } from "./churn-history";
import { featureUse } from "./cs-adoption";
import { sandboxArticles, sandboxSearchArticles } from "./cs-kb";
import { lastFullMonth, signalsRowsAsOf } from "./cs-signals-asof";
import { subscriptionTerms } from "./cs-terms";
import { sandboxCreateTicket, sandboxTicketRequester } from "./cs-ticket-create";
import { ticketFacts } from "./cs-ticket-facts";
import { searchTickets, ticketThread } from "./cs-tickets";
import { openRenewalDeals } from "./renewals-deals";

/** NPS counts over a range and the newest detractor comments: what `nps_summary` shows, aggregated at the source. */
export interface NpsStats {
  responses: number;
  /** Scores 9–10. */
  promoters: number;
  passives: number;
  /** Scores 0–6. */
  detractors: number;
  /** Detractor responses with a non-empty comment, newest first, at most `comments` of them. */
  detractorComments: NpsResponseRow[];
}

export interface NpsQuery {
  from?: string;
  to?: string;
  accountId?: string;
  /** How many detractor comments to return. */
  comments: number;
}

export interface TicketUpdateResult {
  system: "sandbox";
  ticket: TicketDetail;
  /** The comment's id in the system of record, when one was added. */
  commentId?: string;
  /** True when an earlier interrupted attempt had already applied the update (found, not re-applied). */
  recovered: boolean;
}

/** A refused ticket write: `code` says why, `field` names the argument at fault. */
export class TicketWriteError extends Error {
  constructor(
    readonly code: "closed" | "not_found" | "invalid",
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "TicketWriteError";
  }
}

/**
 * Support load and NPS per account: correlated lookups on the (account, time) covering indexes for SQLite,
 * whose GROUP BY sorts in a temp B-tree; grouped hash aggregates for PostgreSQL. The same figures either way.
 */
const SIGNALS_PARTS = {
  sqlite: {
    select: `(SELECT COUNT(*) FROM sb_tickets t WHERE t.account_id = a.id AND t.created_at >= ? AND t.created_at < ?) AS tickets,
  (SELECT COUNT(*) FROM sb_tickets t WHERE t.account_id = a.id AND t.created_at >= ? AND t.created_at < ?
    AND t.priority = 'urgent') AS urgent,
  (SELECT COUNT(*) FROM sb_tickets t WHERE t.account_id = a.id AND t.created_at >= ? AND t.created_at < ?
    AND t.csat = 'bad') AS bad,
  (SELECT AVG(n.score * 1.0) FROM sb_nps_responses n WHERE n.account_id = a.id AND n.responded_at >= ?
    AND n.responded_at < ?) AS avg_score,
  (SELECT COUNT(*) FROM sb_nps_responses n WHERE n.account_id = a.id AND n.responded_at >= ?
    AND n.responded_at < ?) AS responses`,
    joins: "",
    params: (t: string[], n: string[]) => [...t, ...t, ...t, ...n, ...n],
  },
  postgres: {
    select: `COALESCE(tk.tickets, 0) AS tickets, COALESCE(tk.urgent, 0) AS urgent, COALESCE(tk.bad, 0) AS bad,
  np.avg_score, COALESCE(np.responses, 0) AS responses`,
    joins: `LEFT JOIN (
  SELECT account_id, COUNT(*) AS tickets, SUM(CASE WHEN priority = 'urgent' THEN 1 ELSE 0 END) AS urgent,
    SUM(CASE WHEN csat = 'bad' THEN 1 ELSE 0 END) AS bad
  FROM sb_tickets WHERE created_at >= ? AND created_at < ? GROUP BY account_id
) tk ON tk.account_id = a.id
LEFT JOIN (
  SELECT account_id, AVG(score * 1.0) AS avg_score, COUNT(*) AS responses
  FROM sb_nps_responses WHERE responded_at >= ? AND responded_at < ? GROUP BY account_id
) np ON np.account_id = a.id`,
    params: (t: string[], n: string[]) => [...t, ...n],
  },
};

function signalsSql(dialect: "sqlite" | "postgres"): string {
  const p = SIGNALS_PARTS[dialect];
  return `
SELECT a.id, a.name, a.arr, a.size_band, a.industry, a.created_date, a.owner_id, u.name AS owner_name,
  s.renewal_date, s.plan, COALESCE(s.seats, 0) AS seats,
  COALESCE(us.last30, 0) AS last30, COALESCE(us.prev30, 0) AS prev30, us.active30_sum, us.active30_days,
  um.active_users AS mau, ${p.select}
FROM sb_accounts a
JOIN sb_users u ON u.id = a.owner_id
LEFT JOIN sb_subscriptions s ON s.account_id = a.id AND s.status = 'active'
LEFT JOIN sb_usage_recent us ON us.account_id = a.id
${p.joins}
LEFT JOIN sb_usage_monthly um ON um.account_id = a.id AND um.month = ?`;
}

/** One account's signals from a row of the today query or of `signalsRowsAsOf`. */
function toSignals(r: Record<string, unknown>, usageMonth: string): AccountSignals {
  return {
    accountId: String(r.id),
    accountName: String(r.name),
    arr: num(r.arr),
    renewalDate: (r.renewal_date as string | null) ?? null,
    ownerName: String(r.owner_name),
    usageLast30: num(r.last30),
    usagePrev30: num(r.prev30),
    // AVG over the days with usage, as SUM/COUNT of integers: the same double on both engines
    activeUsersLast30: num(r.active30_days) > 0 ? Math.round(num(r.active30_sum) / num(r.active30_days)) : 0,
    monthlyActiveUsers: r.mau === null || r.mau === undefined ? null : num(r.mau),
    monthlyActivesPerSeat:
      r.mau === null || r.mau === undefined || num(r.seats) === 0
        ? null
        : Math.round((num(r.mau) / num(r.seats)) * 100) / 100,
    usageMonth,
    seats: num(r.seats),
    ticketsLast90: num(r.tickets),
    urgentTicketsLast90: num(r.urgent),
    badCsatLast90: num(r.bad),
    npsAvgLast180:
      r.avg_score === null || r.avg_score === undefined ? null : Math.round(num(r.avg_score) * 10) / 10,
    npsResponsesLast180: num(r.responses),
    sizeBand: String(r.size_band),
    industry: String(r.industry),
    plan: (r.plan as string | null | undefined) ?? null,
    ownerId: String(r.owner_id),
    accountCreated: String(r.created_date),
  };
}

function toNps(r: Record<string, unknown>): NpsResponseRow {
  return {
    id: String(r.id),
    accountId: String(r.account_id),
    accountName: String(r.account_name),
    score: num(r.score),
    comment: (r.comment as string | null) ?? null,
    respondedAt: String(r.responded_at),
  };
}

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

const tagsOf = (v: unknown): string[] =>
  String(v ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

const TICKET_DETAIL_SQL = `SELECT t.id, t.subject, t.status, t.priority, t.assignee_id, t.tags, t.account_id, t.solved_at,
  c.email AS requester_email, c.name AS requester_name, c.timezone AS requester_tz
FROM sb_tickets t LEFT JOIN sb_contacts c ON c.id = t.contact_id WHERE t.id = ?`;

function toDetail(r: Record<string, unknown>): TicketDetail {
  const email = r.requester_email as string | null | undefined;
  return {
    id: String(r.id),
    subject: String(r.subject),
    status: r.status as TicketStatus,
    priority: r.priority as TicketPriority,
    assigneeId: (r.assignee_id as string | null | undefined) ?? null,
    tags: tagsOf(r.tags),
    accountId: String(r.account_id),
    requester: email
      ? {
          email,
          name: String(r.requester_name ?? ""),
          ...(r.requester_tz ? { timeZone: String(r.requester_tz) } : {}),
        }
      : null,
  };
}

/** Customer-success port over the sandbox tables. Time windows are relative to the dataset's today. */
export class SandboxSupport {
  constructor(private readonly db: SqlDb) {}

  /** Health signals for current customer accounts (largest ARR first). */
  async accountSignals(q: SignalsQuery = {}): Promise<AccountSignals[]> {
    const asOf = await sandboxToday(this.db);
    if (q.asOf && q.asOf !== asOf) {
      const day = q.asOf;
      const readPast = async () => {
        const past = await signalsRowsAsOf(this.db, day, q.accountIds);
        return past.rows.map((r) => toSignals(r, past.usageMonth));
      };
      // a past day's whole book (the health trend's month ends) costs seconds of lookups at scale and moves only
      // with a write: read once, like today's
      return q.accountIds ? readPast() : listWhileUnchanged(this.db, `signals-asof|${day}`, readPast);
    }
    await ensureUsageRecent(this.db, asOf);
    const today = dayOf(asOf);
    const d = (n: number) => isoDay(today - n);
    const dialect = this.db.dialect === "postgres" ? "postgres" : "sqlite";
    // the month parameter comes last on both engines: its join follows every other parameter
    const usageMonth = lastFullMonth(today);
    const params = [...SIGNALS_PARTS[dialect].params([d(90), d(-1)], [d(180), d(-1)]), usageMonth];
    const w = new Where().add("a.lifecycle = 'customer'");
    if (q.accountIds) w.in("a.id", q.accountIds);
    const read = async () =>
      (
        await this.db.query<Record<string, unknown>>(
          `${signalsSql(dialect)} ${w.sql()} ORDER BY a.arr DESC, a.id`,
          [...params, ...w.params],
        )
      ).map((r) => toSignals(r, usageMonth));
    // every customer's signals feed health, risk and the renewal book alike: read once while nothing changes
    return q.accountIds ? read() : listWhileUnchanged(this.db, `signals|${asOf}`, read);
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
    return rows.map(toNps);
  }

  /** Counts by bucket and the newest detractor comments in SQL (the same figures as over `npsResponses`). */
  async npsStats(q: NpsQuery): Promise<NpsStats> {
    const w = new Where().range("n.responded_at", q.from, q.to).opt("n.account_id", "=", q.accountId);
    const limit = Math.max(0, Math.floor(q.comments));
    const [counts, comments] = await Promise.all([
      this.db.one<Record<string, unknown>>(
        `SELECT COUNT(*) AS n, SUM(CASE WHEN n.score >= 9 THEN 1 ELSE 0 END) AS promoters,
           SUM(CASE WHEN n.score <= 6 THEN 1 ELSE 0 END) AS detractors
         FROM sb_nps_responses n ${w.sql()}`,
        w.params,
      ),
      limit === 0
        ? Promise.resolve([])
        : this.db.query<Record<string, unknown>>(
            `SELECT n.id, n.account_id, a.name AS account_name, n.score, n.comment, n.responded_at
             FROM sb_nps_responses n JOIN sb_accounts a ON a.id = n.account_id
             ${w.sql(["n.score <= 6", "n.comment IS NOT NULL", "n.comment <> ''"])}
             ORDER BY n.responded_at DESC, n.id DESC LIMIT ${limit}`,
            w.params,
          ),
    ]);
    const responses = num(counts?.n);
    const promoters = num(counts?.promoters);
    const detractors = num(counts?.detractors);
    return {
      responses,
      promoters,
      passives: responses - promoters - detractors,
      detractors,
      detractorComments: comments.map(toNps),
    };
  }

  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    return searchByName(this.db, "sb_accounts", prefix, limit);
  }

  /** Every term that came up for renewal, labelled, with features as of 60 days before its renewal date. */
  async renewalHistory(): Promise<RenewalHistory> {
    const h = await whileUnchanged(this.db, "renewal-history", () => renewalHistory(this.db));
    return { ...h, terms: [...h.terms] };
  }

  /** Current customers' terms with a renewal ahead (on or before `until`), with the same features as of today. */
  async upcomingRenewals(q: { until?: string } = {}): Promise<RenewalTermFeatures[]> {
    // the whole book is read once per data version and every window filters it: warmed at start, shared by tools
    const all = await whileUnchanged(this.db, "upcoming-renewals", () => upcomingRenewals(this.db));
    const until = q.until;
    return until ? all.filter((t) => t.renewalDate <= until) : [...all];
  }

  /** Open renewal deals (optionally of some accounts), by close date. */
  renewalDeals(accountIds?: string[]): Promise<RenewalDealRow[]> {
    return openRenewalDeals(this.db, accountIds);
  }

  /** Tickets by text, status, priority, tag, account and requester, newest first. */
  searchTickets(q: TicketSearch): Promise<Page<TicketSearchRow>> {
    return searchTickets(this.db, q);
  }

  /** A ticket with its comments, oldest first. */
  ticketThread(id: string): Promise<TicketThread | undefined> {
    return ticketThread(this.db, id);
  }

  /** Subscription terms in force at some point of [from, to], with each account's oldest term start. */
  subscriptionTerms(q: { from: string; to: string }): Promise<TermHistory> {
    return whileUnchanged(this.db, `terms|${q.from}|${q.to}`, () => subscriptionTerms(this.db, q.from, q.to));
  }

  /** Current customers' events and key-feature uses over the last 30 days. */
  featureUse(): Promise<FeatureUse[]> {
    return listWhileUnchanged(this.db, "feature-use", () => featureUse(this.db));
  }

  /** Tickets created in [from, to] with reply and resolution times, and today's unsolved backlog. */
  ticketFacts(q: { from: string; to: string }): Promise<TicketFacts> {
    return whileUnchanged(this.db, `ticket-facts|${q.from}|${q.to}`, () =>
      ticketFacts(this.db, q.from, q.to),
    );
  }

  /** Fresh: the account's contact by email, or its most senior one. */
  ticketRequester(accountId: string, email?: string): Promise<TicketRequester | undefined> {
    return sandboxTicketRequester(this.db, accountId, email);
  }

  createTicket(t: NewTicket, origin: WriteOrigin): Promise<TicketCreateResult> {
    return sandboxCreateTicket(this.db, t, origin);
  }

  searchArticles(q: { query: string; limit: number }): Promise<{ rows: KbArticle[]; total: number }> {
    return sandboxSearchArticles(this.db, q);
  }

  articles(): Promise<KbArticle[]> {
    return sandboxArticles(this.db);
  }

  async getTicket(id: string): Promise<TicketDetail | undefined> {
    const row = await this.db.one<Record<string, unknown>>(TICKET_DETAIL_SQL, [id]);
    return row ? toDetail(row) : undefined;
  }

  /**
   * One transaction: the row is re-read (locked on PostgreSQL) inside it, so a concurrent writer's fields and
   * tags are never overwritten with stale values; every changed field is journaled with the plan hash.
   */
  updateTicket(id: string, changes: TicketChanges, origin: WriteOrigin): Promise<TicketUpdateResult> {
    return this.db.transaction(async (tx) => {
      const lock = tx.dialect === "postgres" ? " FOR UPDATE OF t" : "";
      const row = await tx.one<Record<string, unknown>>(`${TICKET_DETAIL_SQL}${lock}`, [id]);
      if (!row) throw new TicketWriteError("not_found", `No ticket ${id}.`, "ticket_id");
      const before = toDetail(row);
      if (before.status === "closed")
        throw new TicketWriteError(
          "closed",
          `Ticket ${id} is closed and can no longer be updated.`,
          "ticket_id",
        );
      if (changes.assigneeId) {
        const user = await tx.one("SELECT id FROM sb_users WHERE id = ?", [changes.assigneeId]);
        if (!user) throw new TicketWriteError("invalid", `No agent ${changes.assigneeId}.`, "assignee_id");
      }
      const after: TicketDetail = { ...before };
      if (changes.status !== undefined) after.status = changes.status;
      if (changes.priority !== undefined) after.priority = changes.priority;
      if (changes.assigneeId !== undefined) after.assigneeId = changes.assigneeId;
      const removed = new Set(changes.removeTags ?? []);
      after.tags = [...new Set([...before.tags, ...(changes.addTags ?? [])])].filter((t) => !removed.has(t));
      const now = await sandboxNow(tx);
      const done = (s: TicketStatus) => s === "solved" || s === "closed";
      // solved when it becomes solved; a solved ticket that is closed keeps its time
      const solvedAt = done(after.status)
        ? done(before.status)
          ? ((row.solved_at as string | null) ?? now)
          : now
        : null;
      const journal: SandboxChange[] = [];
      const note = (field: string, b: unknown, a: unknown) => {
        if (JSON.stringify(b) !== JSON.stringify(a))
          journal.push({ entity: "ticket", recordId: id, field, before: b, after: a });
      };
      note("status", before.status, after.status);
      note("priority", before.priority, after.priority);
      note("assignee_id", before.assigneeId, after.assigneeId);
      note("tags", before.tags, after.tags);
      note("solved_at", row.solved_at ?? null, solvedAt);
      if (journal.length > 0) {
        await tx.run(
          "UPDATE sb_tickets SET status = ?, priority = ?, assignee_id = ?, tags = ?, solved_at = ? WHERE id = ?",
          [after.status, after.priority, after.assigneeId, after.tags.join(","), solvedAt, id],
        );
      }
      let commentId: string | undefined;
      if (changes.comment) {
        commentId = `cmt_${randomUUID()}`;
        const isPublic = changes.comment.visibility === "public";
        await tx.run(
          "INSERT INTO sb_ticket_comments (id, ticket_id, author_id, public, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          [commentId, id, origin.principal, isPublic ? 1 : 0, changes.comment.body, now],
        );
        journal.push({
          entity: "ticket",
          recordId: id,
          field: "comment",
          before: null,
          after: { id: commentId, visibility: changes.comment.visibility },
        });
      }
      await journalChanges(tx, journal, origin);
      return { system: "sandbox", ticket: after, ...(commentId ? { commentId } : {}), recovered: false };
    });
  }
}
