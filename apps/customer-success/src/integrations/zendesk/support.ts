import { randomUUID } from "node:crypto";
import {
  throwIfReturnedError,
  type ZendeskArticle,
  type ZendeskConnector,
  type ZendeskMetricSet,
  type ZendeskTicket,
} from "@revops/connectors";
import { FreshnessTracker, type WithFreshness } from "@revops/connectors/freshness";
import { DIRECTORY_TTL_MS, TtlMemo } from "@revops/connectors/memo";
import type {
  AccountSignals,
  KbArticle,
  NpsResponseRow,
  Page,
  SystemCompany,
  SystemPerson,
  TicketPriority,
  TicketQuery,
  TicketRow,
  TicketStatus,
} from "@revops/model";
import { isVendorError } from "@revops/resilience";
import { decodeCursor, encodeCursor, pageLimit } from "@revops/sandbox";
import {
  type ChurnHistory,
  type FeatureUse,
  type NewTicket,
  type NpsQuery,
  type NpsStats,
  type RenewalDealRow,
  type RenewalTermFeatures,
  type SignalsQuery,
  type SupportPort,
  type TermHistory,
  type TicketChanges,
  type TicketCreateResult,
  type TicketDetail,
  type TicketFact,
  type TicketFacts,
  type TicketRequester,
  type TicketSearch,
  type TicketSearchRow,
  type TicketThread,
  type TicketUpdateResult,
  TicketWriteError,
  type TicketWriteOrigin,
} from "../../ports";
import { snippetOf } from "../sandbox/cs-kb";

const VENDOR = "Zendesk";
/** Zendesk cursor pages are at most 100 rows; the cap keeps one tickets_list call bounded. */
const PAGE = 100;
export const MAX_TICKETS = 2000;
const MAX_RATING_PAGES = 5;
const TAG = "tickets";
const SEARCH_TAG = "ticket-search";
/** Zendesk search serves at most 1,000 results (10 pages of 100). */
const MAX_SEARCH_PAGES = 10;
const MAX_COMMENT_PAGES = 5;
/** Incremental export pages read per call (up to 1,000 tickets each; Zendesk allows 10 exports a minute). */
const MAX_EXPORT_PAGES = 8;
const UNSOLVED = ["new", "open", "pending", "hold"] as const;

const PRIORITIES: readonly TicketPriority[] = ["low", "normal", "high", "urgent"];
const CHANNELS: Record<string, string> = {
  email: "email",
  web: "web",
  web_form: "web",
  web_widget: "web",
  chat: "chat",
  native_messaging: "chat",
  messaging: "chat",
  voice: "phone",
  phone: "phone",
};

/** Zendesk status → the sandbox's statuses ("hold" is waiting on someone else, like "pending"). */
export function suiteStatus(status: unknown): TicketStatus {
  const s = String(status ?? "").toLowerCase();
  if (s === "hold") return "pending";
  if (s === "new" || s === "open" || s === "pending" || s === "solved" || s === "closed") return s;
  return "open";
}

/** Zendesk priority (null when unset) → the sandbox's priorities; unset counts as "normal". */
export function suitePriority(priority: unknown): TicketPriority {
  const p = String(priority ?? "").toLowerCase() as TicketPriority;
  return PRIORITIES.includes(p) ? p : "normal";
}

/** `via.channel` → email | chat | phone | web | (Zendesk's own name for anything else). */
export function suiteChannel(via: unknown): string {
  const c = String((via as { channel?: unknown } | undefined)?.channel ?? "").toLowerCase();
  return CHANNELS[c] ?? (c || "other");
}

function csatOf(score: unknown): "good" | "bad" | null {
  const s = String(score ?? "").toLowerCase();
  if (s.startsWith("good")) return "good";
  if (s.startsWith("bad")) return "bad";
  return null;
}

/** Newest first, then the larger id: the sandbox's order for tickets_list. */
function newestFirst(a: TicketRow, b: TicketRow): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return Number(b.id) - Number(a.id);
}

/** A Ticket Metrics duration in calendar minutes (business hours depend on the account's schedule). */
function calendarMinutes(v: { calendar?: number | null } | null | undefined): number | null {
  return typeof v?.calendar === "number" ? v.calendar : null;
}

function inRange(createdAt: string, from?: string, to?: string): boolean {
  if (from && createdAt < from) return false;
  if (to && (to.length === 10 ? createdAt.slice(0, 10) > to : createdAt > to)) return false;
  return true;
}

const MAX_ARTICLE_PAGES = 20;

/** A Help Center article as the port's row: labels are its `label_names`, the snippet plain text. */
function toArticle(a: ZendeskArticle): KbArticle {
  return {
    id: String(a.id),
    title: String(a.title ?? ""),
    section: a.section_id === undefined || a.section_id === null ? "" : String(a.section_id),
    labels: Array.isArray(a.label_names) ? a.label_names.map(String) : [],
    snippet: snippetOf(String(a.snippet ?? a.body ?? "")),
    url: String(a.html_url ?? ""),
    updatedAt: String(a.updated_at ?? ""),
  };
}

/** Zendesk ids are positive integers; anything else is the caller's mistake, named by field. */
function zendeskId(id: string, field: string): number {
  const n = /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new TicketWriteError("invalid", `${field} must be a Zendesk id (digits), not "${id}".`, field);
  return n;
}

/** Zendesk's 422s as the port's refusals: a closed ticket, or a value Zendesk does not accept. */
function ticketWriteError(err: unknown, id: string): TicketWriteError | undefined {
  if (!isVendorError(err)) return undefined;
  if (err.kind === "not_found")
    return new TicketWriteError("not_found", `No Zendesk ticket ${id}.`, "ticket_id");
  if (err.kind !== "invalid") return undefined;
  if (/closed prevents ticket update/i.test(err.message))
    return new TicketWriteError(
      "closed",
      `Ticket ${id} is closed and can no longer be updated.`,
      "ticket_id",
    );
  const field = /Assignee/i.test(err.message)
    ? "assignee_id"
    : /Priority/i.test(err.message)
      ? "priority"
      : /Status/i.test(err.message)
        ? "status"
        : /Comment/i.test(err.message)
          ? "comment"
          : undefined;
  return new TicketWriteError("invalid", err.message, field);
}

/**
 * SupportPort with support tickets from Zendesk and everything Zendesk cannot answer alone (account
 * signals, NPS, account search) from `rest`, the sandbox port, until the Mixpanel/Intercom adapters exist.
 */
/** One page of rows sorted newest first, keyed by (created, id): the cursor names the last row shown. */
function pageNewestFirst<R extends { createdAt: string; id: string }>(
  rows: R[],
  tag: string,
  q: { cursor?: string; limit?: number },
): { page: R[]; nextCursor: string | null } {
  const n = pageLimit(q.limit);
  let start = 0;
  if (q.cursor) {
    const [at, id] = decodeCursor(tag, q.cursor);
    const after = rows.findIndex(
      (r) => r.createdAt < String(at) || (r.createdAt === at && Number(r.id) < Number(id)),
    );
    start = after === -1 ? rows.length : after;
  }
  const page = rows.slice(start, start + n);
  const last = page[page.length - 1];
  const more = start + n < rows.length && last;
  return { page, nextCursor: more ? encodeCursor(tag, [last.createdAt, Number(last.id)]) : null };
}

export class ZendeskSupport implements SupportPort {
  private readonly orgNames = new TtlMemo<string>(DIRECTORY_TTL_MS);
  private readonly ratings = new TtlMemo<Map<number, "good" | "bad">>(DIRECTORY_TTL_MS);

  constructor(
    private readonly zd: ZendeskConnector,
    private readonly rest: SupportPort,
  ) {}

  /** Tickets newest first with the sandbox's filters and cursors; at most MAX_TICKETS are scanned per call. */
  async listTickets(q: TicketQuery = {}): Promise<WithFreshness<Page<TicketRow>>> {
    const t = new FreshnessTracker(VENDOR);
    // the status filter goes to Zendesk; "pending" also covers Zendesk's "hold"
    const statuses = q.status === "pending" ? (["pending", "hold"] as const) : [q.status];
    const raw: ZendeskTicket[] = [];
    for (const status of statuses) raw.push(...(await this.fetchTickets(status, t)));
    const rows = raw
      .map((z) => this.toRow(z))
      .filter(
        (r) =>
          (!q.status || r.status === q.status) &&
          (!q.priority || r.priority === q.priority) &&
          (!q.accountId || r.accountId === q.accountId) &&
          inRange(r.createdAt, q.createdFrom, q.createdTo),
      )
      .sort(newestFirst);
    const { page, nextCursor } = pageNewestFirst(rows, TAG, q);
    await this.nameOrganizations(page, t);
    await this.rateTickets(page, t);
    return t.mark({
      rows: page,
      total: rows.length,
      nextCursor,
    });
  }

  /** Every organization, 100 a page: its first domain and `external_id` (where teams keep the CRM account id). */
  async identityCompanies(): Promise<SystemCompany[]> {
    const out: SystemCompany[] = [];
    let after: string | undefined;
    do {
      const { value: page } = await this.zd.listOrganizations({ after, limit: 100 });
      for (const o of page.results)
        out.push({
          system: "zendesk",
          externalId: String(o.id),
          name: o.name,
          domain: o.domain_names?.[0] ?? null,
          crmRef: o.external_id || null,
        });
      after = page.nextCursor;
    } while (after);
    return out;
  }

  /** Every end user, 100 a page: `external_id` (where teams keep the CRM contact id), email and organization. */
  async identityPeople(): Promise<SystemPerson[]> {
    const out: SystemPerson[] = [];
    let after: string | undefined;
    do {
      const { value: page } = await this.zd.listEndUsers({ after, limit: 100 });
      for (const u of page.results)
        out.push({
          system: "zendesk",
          externalId: String(u.id),
          name: u.name ?? "",
          email: u.email ?? null,
          crmRef: u.external_id || null,
          companyExternalId: u.organization_id ? String(u.organization_id) : null,
        });
      after = page.nextCursor;
    } while (after);
    return out;
  }

  /** Not in Zendesk: product usage and renewals come from the sandbox until the Mixpanel adapter exists. */
  accountSignals(q?: SignalsQuery): Promise<AccountSignals[]> {
    return this.rest.accountSignals(q);
  }

  /** Not in Zendesk: NPS surveys come from the sandbox until the Intercom/Mixpanel adapters exist. */
  npsResponses(q: { from?: string; to?: string; accountId?: string }): Promise<NpsResponseRow[]> {
    return this.rest.npsResponses(q);
  }

  /** Not in Zendesk: from the sandbox, like `npsResponses`. */
  npsStats(q: NpsQuery): Promise<NpsStats> {
    return this.rest.npsStats(q);
  }

  /**
   * From the sandbox: the connector has no organization search, and the only caller completes ids for
   * the account_health resource, which reads the sandbox's account signals.
   */
  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    return this.rest.searchAccounts(prefix, limit);
  }

  /** Not in Zendesk: renewal outcomes and their features come from the sandbox's account book. */
  renewalHistory(): Promise<ChurnHistory> {
    return this.rest.renewalHistory();
  }

  /** Not in Zendesk: from the sandbox, like `renewalHistory`. */
  upcomingRenewals(q?: { until?: string }): Promise<RenewalTermFeatures[]> {
    return this.rest.upcomingRenewals(q);
  }

  /** Not in Zendesk: renewal deals are the CRM's (the sandbox's account book). */
  renewalDeals(accountIds?: string[]): Promise<RenewalDealRow[]> {
    return this.rest.renewalDeals(accountIds);
  }

  /** Not in Zendesk: subscriptions are the account book's. */
  subscriptionTerms(q: { from: string; to: string }): Promise<TermHistory> {
    return this.rest.subscriptionTerms(q);
  }

  /** Not in Zendesk: product usage is the sandbox's or Mixpanel's. */
  featureUse(): Promise<FeatureUse[]> {
    return this.rest.featureUse();
  }

  /**
   * Tickets created in [from, to] from the incremental export (everything updated since `from`, with its metric
   * set: first reply and full resolution in calendar minutes), and the unsolved backlog from the search export.
   */
  async ticketFacts(q: { from: string; to: string }): Promise<WithFreshness<TicketFacts>> {
    const t = new FreshnessTracker(VENDOR);
    const tickets: ZendeskTicket[] = [];
    const metrics = new Map<number, ZendeskMetricSet>();
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = t.take(
        await this.zd.exportTickets(
          cursor
            ? { cursor }
            : { startTime: Math.floor(Date.parse(`${q.from.slice(0, 10)}T00:00:00Z`) / 1000) },
        ),
      );
      tickets.push(...page.tickets);
      for (const m of page.metricSets) metrics.set(Number(m.ticket_id), m);
      cursor = page.afterCursor;
      if (page.endOfStream || !cursor) break;
      if (++pages >= MAX_EXPORT_PAGES) {
        t.partial(
          `Zendesk's export holds more than the ${tickets.length.toLocaleString("en-US")} tickets read (updated since ${q.from}); shorten the period.`,
        );
        break;
      }
    }
    const created = tickets
      .filter((z) => z.status !== "deleted" && inRange(String(z.created_at ?? ""), q.from, q.to))
      .map((z) => this.toFact(z, metrics.get(z.id)))
      .sort((a, b) =>
        a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : Number(a.id) - Number(b.id),
      );
    const backlog: TicketFacts["backlog"] = [];
    for (const status of UNSOLVED)
      for (const z of await this.fetchTickets(status, t)) {
        const r = this.toRow(z);
        backlog.push({ id: r.id, createdAt: r.createdAt, status: r.status, priority: r.priority });
      }
    return t.mark({ created, backlog });
  }

  private toFact(z: ZendeskTicket, m: ZendeskMetricSet | undefined): TicketFact {
    const status = suiteStatus(z.status);
    const solved = status === "solved" || status === "closed";
    const org = z.organization_id;
    return {
      id: String(z.id),
      createdAt: String(z.created_at ?? ""),
      accountId: org === null || org === undefined ? "" : String(org),
      subject: String(z.subject ?? z.raw_subject ?? ""),
      status,
      priority: suitePriority(z.priority),
      tags: Array.isArray(z.tags) ? z.tags.map(String) : [],
      csat: csatOf((z.satisfaction_rating as { score?: unknown } | null | undefined)?.score),
      firstReplyMinutes: calendarMinutes(m?.reply_time_in_minutes),
      resolutionMinutes: solved ? calendarMinutes(m?.full_resolution_time_in_minutes) : null,
    };
  }

  /**
   * Zendesk search (`type:ticket` with status, priority, tags, organization, requester and the text), newest
   * 1,000 at most, then the sandbox's filters and keyset cursors over them; "pending" also covers "hold".
   * Requesters' names come side-loaded with each page (`include=tickets(users)`).
   */
  async searchTickets(q: TicketSearch): Promise<WithFreshness<Page<TicketSearchRow>>> {
    const t = new FreshnessTracker(VENDOR);
    const terms: string[] = [];
    if (q.status && q.status !== "pending") terms.push(`status:${q.status}`);
    if (q.priority && q.priority !== "normal") terms.push(`priority:${q.priority}`);
    if (q.tag?.trim()) terms.push(`tags:${q.tag.trim().toLowerCase().replace(/\s+/g, "_")}`);
    if (q.accountId) terms.push(`organization:${zendeskId(q.accountId, "account_id")}`);
    const who = q.requester?.trim().replace(/"/g, "");
    if (who) terms.push(/\s/.test(who) ? `requester:"${who}"` : `requester:${who}`);
    const text = q.text?.trim().replace(/"/g, "");
    if (text) terms.push(/\s/.test(text) ? `"${text}"` : text);
    const raw: ZendeskTicket[] = [];
    // requesters come side-loaded with each page: no per-user lookups
    const names = new Map<number, string>();
    let count = 0;
    for (let page = 1; page <= MAX_SEARCH_PAGES; page++) {
      const r = t.take(
        await this.zd.searchTickets(terms.join(" "), {
          page,
          perPage: PAGE,
          sortBy: "created_at",
          sortOrder: "desc",
          withUsers: true,
        }),
      );
      raw.push(...r.results);
      for (const u of r.users ?? []) if (u.name) names.set(Number(u.id), String(u.name));
      count = r.count;
      if (!r.hasMore) break;
    }
    if (count > raw.length)
      t.partial(
        `Zendesk search serves the newest ${raw.length.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} matches; narrow the search.`,
      );
    const rows = raw
      .map((z) => ({
        ...this.toRow(z),
        tags: Array.isArray(z.tags) ? z.tags.map(String) : [],
        requesterName: names.get(Number(z.requester_id)) ?? null,
      }))
      .filter(
        (r) =>
          (!q.status || r.status === q.status) &&
          (!q.priority || r.priority === q.priority) &&
          (!q.accountId || r.accountId === q.accountId),
      )
      .sort(newestFirst);
    const { page, nextCursor } = pageNewestFirst(rows, SEARCH_TAG, q);
    await this.nameOrganizations(page, t);
    await this.rateTickets(page, t);
    return t.mark({
      rows: page.map(({ channel: _c, ...r }) => r),
      total: rows.length,
      nextCursor,
    });
  }

  /** The ticket (fresh) with its requester, its first reply time (Ticket Metrics) and its comments, oldest first (at most 500). */
  async ticketThread(id: string): Promise<TicketThread | undefined> {
    const n = zendeskId(id, "ticket_id");
    let z: ZendeskTicket;
    try {
      z = await this.zd.getTicketFresh(n);
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return undefined;
      throw err;
    }
    const t = new FreshnessTracker(VENDOR);
    const comments: TicketThread["comments"] = [];
    let after: string | undefined;
    for (let i = 0; i < MAX_COMMENT_PAGES; i++) {
      const page = t.take(await this.zd.listComments(n, { ...(after ? { after } : {}), limit: PAGE }));
      for (const c of page.results)
        comments.push({
          id: String(c.id),
          authorId: String(c.author_id ?? ""),
          public: c.public !== false,
          body: String(c.body ?? ""),
          createdAt: String(c.created_at ?? ""),
        });
      after = page.nextCursor;
      if (!after) break;
    }
    const row = this.toRow(z);
    await this.nameOrganizations([row], t);
    // the list's CSAT: a solved ticket without a rating on it takes it from the satisfaction ratings
    await this.rateTickets([row], t);
    const requester = await this.requesterOf(z);
    const metrics = await this.metricsOf(n, t);
    const rating = z.satisfaction_rating as { comment?: unknown } | null | undefined;
    // comments, names, ratings or metrics served from the cache say so in the answer
    return t.mark({
      ...row,
      tags: Array.isArray(z.tags) ? z.tags.map(String) : [],
      requesterName: requester?.name || null,
      assigneeId: z.assignee_id === null || z.assignee_id === undefined ? null : String(z.assignee_id),
      csatComment: typeof rating?.comment === "string" && rating.comment ? rating.comment : null,
      firstResponseMinutes: calendarMinutes(metrics?.reply_time_in_minutes),
      comments,
    });
  }

  private async fetchTickets(
    status: "new" | "open" | "pending" | "hold" | "solved" | "closed" | undefined,
    t: FreshnessTracker,
  ): Promise<ZendeskTicket[]> {
    const out: ZendeskTicket[] = [];
    let after: string | undefined;
    do {
      const page = t.take(
        await this.zd.listTickets({
          ...(status ? { status } : {}),
          ...(after ? { after } : {}),
          limit: PAGE,
          // List Tickets runs oldest → newest: ask for the newest first, so the scan keeps the newest
          ...(status ? {} : { order: "newest" as const }),
        }),
      );
      out.push(...page.results);
      after = page.nextCursor;
    } while (after && out.length < MAX_TICKETS);
    if (after || out.length > MAX_TICKETS) {
      t.partial(
        `Zendesk has more tickets than the newest ${MAX_TICKETS.toLocaleString("en-US")} scanned; older ones are not listed — filter by status or account.`,
      );
    }
    return out.slice(0, MAX_TICKETS);
  }

  /** Straight from Zendesk (never the stale cache): a preview during an outage fails rather than show old data. */
  async getTicket(id: string): Promise<TicketDetail | undefined> {
    const n = zendeskId(id, "ticket_id");
    let z: ZendeskTicket;
    try {
      z = await this.zd.getTicketFresh(n);
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return undefined;
      throw err;
    }
    return this.toDetail(z, await this.requesterOf(z));
  }

  /** One Update Ticket carrying the fields and the comment, sent once per confirmed plan (looked up after a 5xx). */
  async updateTicket(
    id: string,
    changes: TicketChanges,
    origin: TicketWriteOrigin,
  ): Promise<TicketUpdateResult> {
    const n = zendeskId(id, "ticket_id");
    const assignee =
      changes.assigneeId === undefined || changes.assigneeId === null
        ? changes.assigneeId
        : zendeskId(changes.assigneeId, "assignee_id");
    try {
      const r = await this.zd.updateTicket(
        n,
        {
          ...(changes.status ? { status: changes.status } : {}),
          ...(changes.priority ? { priority: changes.priority } : {}),
          ...(assignee !== undefined ? { assignee_id: assignee } : {}),
          ...(changes.addTags?.length ? { additional_tags: changes.addTags } : {}),
          ...(changes.removeTags?.length ? { remove_tags: changes.removeTags } : {}),
          ...(changes.comment
            ? { comment: { body: changes.comment.body, public: changes.comment.visibility === "public" } }
            : {}),
        },
        { idempotencyKey: origin.idempotencyKey ?? randomUUID(), ...(origin.resumed && { resumed: true }) },
      );
      return {
        system: "zendesk",
        ticket: this.toDetail(r.ticket, null),
        ...(r.commentId === undefined ? {} : { commentId: String(r.commentId) }),
        recovered: r.recovered,
      };
    } catch (err) {
      throw ticketWriteError(err, id) ?? err;
    }
  }

  /**
   * The organization's user with this email, or without one its oldest end-user (Zendesk keeps no seniority);
   * undefined when the organization has no such user.
   */
  async ticketRequester(accountId: string, email?: string): Promise<TicketRequester | undefined> {
    const org = zendeskId(accountId, "account_id");
    const who = email?.trim().replace(/["\s]/g, "");
    const users = await this.zd.searchUsersFresh(who ? `email:${who}` : `organization:${org}`);
    const user = users
      .filter((u) => Number(u.organization_id) === org && u.email && (who || u.role === "end-user"))
      .sort((a, b) => a.id - b.id)[0];
    if (!user) return undefined;
    const tz = user.iana_time_zone;
    return {
      id: String(user.id),
      name: String(user.name ?? ""),
      email: String(user.email),
      ...(typeof tz === "string" && tz ? { timeZone: tz } : {}),
      accountId: String(org),
      accountName: await this.organizationName(String(org), new FreshnessTracker(VENDOR)),
    };
  }

  /** Help Center search (first page, Zendesk's relevance order), with how many articles matched. */
  async searchArticles(q: {
    query: string;
    limit: number;
  }): Promise<WithFreshness<{ rows: KbArticle[]; total: number }>> {
    const t = new FreshnessTracker(VENDOR);
    const r = t.take(await this.zd.searchArticles(q.query));
    const rows = r.results.filter((a) => a.draft !== true).map(toArticle);
    // an agent's search counts drafts too: the ones read are not matches a customer can open
    const drafts = r.results.length - rows.length;
    return t.mark({ rows: rows.slice(0, q.limit), total: Math.max(r.count - drafts, rows.length) });
  }

  /** Every published article (at most MAX_ARTICLE_PAGES pages of 100). */
  async articles(): Promise<WithFreshness<KbArticle[]>> {
    const t = new FreshnessTracker(VENDOR);
    const out: KbArticle[] = [];
    let after: string | undefined;
    for (let i = 0; i < MAX_ARTICLE_PAGES; i++) {
      const page = t.take(await this.zd.listArticles({ ...(after ? { after } : {}), limit: PAGE }));
      out.push(...page.results.filter((a) => a.draft !== true).map(toArticle));
      after = page.nextCursor;
      if (!after) break;
    }
    if (after) t.partial(`The Help Center has more than the ${out.length} articles read.`);
    return t.mark(out);
  }

  /** One Create Ticket per confirmed plan, its key as the external id (looked up after a 5xx, never sent twice). */
  async createTicket(t: NewTicket, origin: TicketWriteOrigin): Promise<TicketCreateResult> {
    try {
      const r = await this.zd.createTicket(
        {
          subject: t.subject,
          comment: { body: t.comment.body, public: t.comment.visibility === "public" },
          requester_id: zendeskId(t.requesterId, "requester_email"),
          organization_id: zendeskId(t.accountId, "account_id"),
          priority: t.priority,
          ...(t.tags.length ? { tags: t.tags } : {}),
        },
        { idempotencyKey: origin.idempotencyKey ?? randomUUID(), ...(origin.resumed && { resumed: true }) },
      );
      return {
        system: "zendesk",
        id: String(r.ticket.id),
        status: suiteStatus(r.ticket.status),
        ...(r.commentId === undefined ? {} : { commentId: String(r.commentId) }),
        recovered: r.recovered,
      };
    } catch (err) {
      if (isVendorError(err) && err.kind === "invalid")
        throw new TicketWriteError(
          "invalid",
          err.message,
          /Requester/i.test(err.message) ? "requester_email" : undefined,
        );
      throw err;
    }
  }

  private async requesterOf(z: ZendeskTicket): Promise<TicketDetail["requester"]> {
    const rid = Number(z.requester_id);
    if (!Number.isSafeInteger(rid) || rid <= 0) return null;
    try {
      const u = await this.zd.getUserFresh(rid);
      if (!u.email) return null;
      const tz = u.iana_time_zone;
      return {
        email: String(u.email),
        name: String(u.name ?? ""),
        ...(typeof tz === "string" && tz ? { timeZone: tz } : {}),
      };
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return null;
      throw err;
    }
  }

  /** The ticket's metric set; undefined when Zendesk keeps none for it. */
  private async metricsOf(id: number, t: FreshnessTracker): Promise<ZendeskMetricSet | undefined> {
    try {
      return t.take(await this.zd.getTicketMetrics(id));
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return undefined;
      throw err;
    }
  }

  private toDetail(z: ZendeskTicket, requester: TicketDetail["requester"]): TicketDetail {
    const org = z.organization_id;
    const assignee = z.assignee_id;
    return {
      id: String(z.id),
      subject: String(z.subject ?? z.raw_subject ?? ""),
      status: suiteStatus(z.status),
      priority: suitePriority(z.priority),
      assigneeId: assignee === null || assignee === undefined ? null : String(assignee),
      tags: Array.isArray(z.tags) ? z.tags.map(String) : [],
      accountId: org === null || org === undefined ? "" : String(org),
      requester,
    };
  }

  private toRow(z: ZendeskTicket): TicketRow {
    const status = suiteStatus(z.status);
    const org = z.organization_id;
    const accountId = org === null || org === undefined ? "" : String(org);
    const updated = String(z.updated_at ?? "");
    return {
      id: String(z.id),
      subject: String(z.subject ?? z.raw_subject ?? ""),
      accountId,
      accountName: "",
      priority: suitePriority(z.priority),
      status,
      channel: suiteChannel(z.via),
      createdAt: String(z.created_at ?? ""),
      // the ticket has no solved time (ticket metrics are not read): a solved ticket's last update
      solvedAt: (status === "solved" || status === "closed") && updated ? updated : null,
      csat: csatOf((z.satisfaction_rating as { score?: unknown } | null | undefined)?.score),
    };
  }

  /** Organization names for the rows of one page (cached 5 min; one call per unknown organization). */
  private async nameOrganizations(
    rows: { accountId: string; accountName: string }[],
    t: FreshnessTracker,
  ): Promise<void> {
    const ids = [...new Set(rows.map((r) => r.accountId).filter(Boolean))];
    await Promise.all(
      ids.map(async (id) => {
        if (this.orgNames.get(id) !== undefined) return;
        this.orgNames.set(id, await this.organizationName(id, t));
      }),
    );
    for (const r of rows) r.accountName = this.orgNames.get(r.accountId) ?? "";
  }

  private async organizationName(id: string, t: FreshnessTracker): Promise<string> {
    const { runtime, support, baseUrl } = this.zd.sdk;
    try {
      const org = t.take(
        await runtime.read(`cs:organization:${id}`, async () => {
          const { value } = await runtime.attempt("organizations.get", async () =>
            throwIfReturnedError(
              await support.tickets._rawRequest(
                "GET",
                `${baseUrl.origin}/api/v2/organizations/${encodeURIComponent(id)}.json`,
              ),
            ),
          );
          const body = (value as { result?: { organization?: { name?: unknown } } }).result;
          return { name: String(body?.organization?.name ?? "") };
        }),
      );
      return org.name;
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return "";
      throw err;
    }
  }

  /** CSAT of solved rows whose ticket carries no rating: from the most recent satisfaction ratings (≤ 500). */
  private async rateTickets(rows: TicketRow[], t: FreshnessTracker): Promise<void> {
    const unrated = rows.filter((r) => r.csat === null && (r.status === "solved" || r.status === "closed"));
    if (unrated.length === 0) return;
    let scores = this.ratings.get("all");
    if (!scores) {
      scores = new Map();
      let after: string | undefined;
      for (let i = 0; i < MAX_RATING_PAGES; i++) {
        const page = t.take(
          await this.zd.listSatisfactionRatings({ ...(after ? { after } : {}), limit: PAGE }),
        );
        for (const r of page.results) {
          const csat = csatOf(r.score);
          if (csat && !scores.has(r.ticket_id)) scores.set(r.ticket_id, csat);
        }
        after = page.nextCursor;
        if (!after) break;
      }
      this.ratings.set("all", scores);
    }
    for (const r of unrated) r.csat = scores.get(Number(r.id)) ?? null;
  }
}
