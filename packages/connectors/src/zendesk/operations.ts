import { type MaybeStale, writeOnce } from "@revops/resilience";
import type { ResilienceSetup, VaultTokenSetup } from "../connection";
import { createZendeskSdk, type ZendeskConnection, type ZendeskSdk } from "./client";
import { throwIfReturnedError } from "./errors";

export type ZendeskTicket = Record<string, unknown> & { id: number; status: string; subject?: string };
export type ZendeskOrganization = Record<string, unknown> & {
  id: number;
  name: string;
  domain_names?: string[];
  external_id?: string | null;
};

export type ZendeskSatisfactionRating = Record<string, unknown> & {
  id: number;
  score: string;
  ticket_id: number;
};
export type ZendeskArticle = Record<string, unknown> & { id: number; title: string };

export interface CursorPage<T> {
  results: T[];
  /** Pass as `after` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface SearchPage<T> {
  results: T[];
  count: number;
  /** True when Zendesk has a next page (`next_page`). */
  hasMore?: boolean;
  /** The people the page's tickets name, when asked for with `withUsers` (side-loaded: no extra request). */
  users?: ZendeskUser[];
}

/** Offset paging and order of a search (Zendesk serves at most 1,000 results: 10 pages of 100). */
export interface SearchOptions {
  page?: number;
  perPage?: number;
  sortBy?: "created_at" | "updated_at";
  sortOrder?: "asc" | "desc";
  /** Side-load the tickets' requesters, submitters and assignees (`include=tickets(users)`). */
  withUsers?: boolean;
}

export type ZendeskComment = Record<string, unknown> & {
  id: number;
  body?: string;
  public?: boolean;
  author_id?: number;
  created_at?: string;
};

/** A ticket's metric set (Ticket Metrics): times in minutes, `calendar` and `business`. */
export type ZendeskMetricSet = Record<string, unknown> & {
  ticket_id: number;
  reply_time_in_minutes?: { calendar?: number | null; business?: number | null } | null;
  full_resolution_time_in_minutes?: { calendar?: number | null; business?: number | null } | null;
  solved_at?: string | null;
};

/** One page of the cursor-based incremental ticket export, with the tickets' metric sets side-loaded. */
export interface TicketExportPage {
  tickets: ZendeskTicket[];
  metricSets: ZendeskMetricSet[];
  /** Pass as `cursor` for the next page. */
  afterCursor?: string;
  endOfStream: boolean;
}

export interface AddCommentResult {
  ticket: ZendeskTicket;
  /** True when an earlier, interrupted attempt had already added the comment. */
  recovered: boolean;
}

export type ZendeskUser = Record<string, unknown> & {
  id: number;
  name?: string;
  email?: string;
  role?: string;
  external_id?: string | null;
  organization_id?: number | null;
};

/** The fields ticket_update sends (Update Ticket); tags are added/removed so concurrent edits both land. */
export interface ZendeskTicketUpdate {
  status?: TicketStatus;
  priority?: "low" | "normal" | "high" | "urgent";
  assignee_id?: number | null;
  additional_tags?: string[];
  remove_tags?: string[];
  comment?: { body: string; public: boolean };
}

export interface UpdateTicketResult {
  ticket: ZendeskTicket;
  /** The id of the comment the update added (from its audit), when it had one. */
  commentId?: number;
  /** True when an interrupted earlier attempt had already applied it: found by its audit, not sent again. */
  recovered: boolean;
}

/** Create Ticket's fields as ticket_create sends them: the first comment is the description (public or not). */
export interface ZendeskNewTicket {
  subject: string;
  comment: { body: string; public: boolean };
  requester_id: number;
  organization_id?: number;
  priority?: "low" | "normal" | "high" | "urgent";
  tags?: string[];
}

export interface CreateTicketResult {
  ticket: ZendeskTicket;
  /** The first comment's id (from the creation audit), when Zendesk returned it. */
  commentId?: number;
  /** True when an interrupted earlier attempt had already created it: found by its external id, not created again. */
  recovered: boolean;
}

/** The external id a created ticket carries: the write's idempotency key, so a retry can find it. */
export const externalIdOf = (idempotencyKey: string) => `revops:${idempotencyKey}`;

export const ZENDESK_IDEMPOTENCY_FIELD = "revops_idempotency_key";
export const TICKET_STATUSES = ["new", "open", "pending", "hold", "solved", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
const MAX_AUDIT_PAGES = 10;

export interface ZendeskConnector {
  readonly sdk: ZendeskSdk;
  listTickets(input: {
    status?: TicketStatus;
    after?: string;
    limit?: number;
    /** Without a status, List Tickets runs oldest → newest unless asked for newest first (`sort=-id`). */
    order?: "oldest" | "newest";
  }): Promise<MaybeStale<CursorPage<ZendeskTicket>>>;
  getTicket(id: number): Promise<MaybeStale<ZendeskTicket>>;
  /** Straight from Zendesk, never the stale cache: what a write's preview must show. */
  getTicketFresh(id: number): Promise<ZendeskTicket>;
  /** A ticket's metric set (Show Ticket Metrics: first reply, resolution times); not_found when it has none. */
  getTicketMetrics(ticketId: number): Promise<MaybeStale<ZendeskMetricSet>>;
  /** A user, fresh (a requester's email for a reply, an assignee's role). */
  getUserFresh(id: number): Promise<ZendeskUser>;
  /**
   * Update Ticket once per key: the key rides in the audit's custom metadata, and after an ambiguous failure
   * (reset, timeout, 5xx) the ticket's audits are searched for it before the one retry.
   */
  updateTicket(
    ticketId: number,
    update: ZendeskTicketUpdate,
    opts: { idempotencyKey: string; resumed?: boolean },
  ): Promise<UpdateTicketResult>;
  /**
   * Create Ticket once per key: the key rides as the ticket's `external_id`, and after an ambiguous failure the
   * tickets with that external id (List Tickets, not search, which lags) are read before the one retry.
   */
  createTicket(
    ticket: ZendeskNewTicket,
    opts: { idempotencyKey: string; resumed?: boolean },
  ): Promise<CreateTicketResult>;
  /** Users by Zendesk search (`email:…`, `organization:…`), fresh: whom a new ticket is for. */
  searchUsersFresh(query: string): Promise<ZendeskUser[]>;
  /** Zendesk search syntax, scoped to tickets: `status:open priority:urgent refund`. */
  searchTickets(query: string, opts?: SearchOptions): Promise<MaybeStale<SearchPage<ZendeskTicket>>>;
  /** A ticket's comments, oldest first (cursor paged). */
  listComments(
    ticketId: number,
    input?: { after?: string; limit?: number },
  ): Promise<MaybeStale<CursorPage<ZendeskComment>>>;
  listSatisfactionRatings(input?: {
    score?: string;
    after?: string;
    limit?: number;
  }): Promise<MaybeStale<CursorPage<ZendeskSatisfactionRating>>>;
  searchArticles(query: string): Promise<MaybeStale<SearchPage<ZendeskArticle>>>;
  /** Organizations (name, domain_names, external_id), cursor paged (`page[size]` ≤ 100): the identity graph's side. */
  listOrganizations(input?: {
    after?: string;
    limit?: number;
  }): Promise<MaybeStale<CursorPage<ZendeskOrganization>>>;
  /** End users (name, email, external_id, organization_id), cursor paged (`page[size]` ≤ 100): the person links' side. */
  listEndUsers(input?: { after?: string; limit?: number }): Promise<MaybeStale<CursorPage<ZendeskUser>>>;
  /** Help Center articles, cursor paged (`page[size]` ≤ 100). */
  listArticles(input?: { after?: string; limit?: number }): Promise<MaybeStale<CursorPage<ZendeskArticle>>>;
  /**
   * Incremental ticket export (cursor based): tickets updated at or after `startTime` (unix seconds, at least a
   * minute ago), oldest update first, up to 1,000 a page, with `include=metric_sets`; then `cursor` pages on.
   */
  exportTickets(
    input: { startTime: number; cursor?: undefined } | { cursor: string; startTime?: undefined },
  ): Promise<MaybeStale<TicketExportPage>>;
  /** Adds a comment at most once per key, even when a reset hides whether the first try landed. */
  addComment(
    ticketId: number,
    body: string,
    opts: { idempotencyKey: string; public?: boolean; resumed?: boolean },
  ): Promise<AddCommentResult>;
}

interface CursorBody {
  meta?: { has_more?: boolean; after_cursor?: string | null };
}

function toCursorPage<T>(body: CursorBody, key: string): CursorPage<T> {
  const next = body.meta?.has_more ? body.meta.after_cursor : undefined;
  return {
    results: ((body as Record<string, unknown>)[key] ?? []) as T[],
    ...(next ? { nextCursor: next } : {}),
  };
}

const pageSize = (limit: number | undefined) => Math.min(Math.max(1, Math.floor(limit ?? 25)), 100);
const positiveId = (id: number) => {
  if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`Not a Zendesk id: ${id}`);
  return id;
};

export async function createZendeskConnector(
  connection: ZendeskConnection,
  setup: ResilienceSetup & VaultTokenSetup = {},
): Promise<ZendeskConnector> {
  const sdk = await createZendeskSdk(connection, setup);
  const { runtime, support, helpCenter, baseUrl } = sdk;
  const api = `${baseUrl.origin}/api/v2`;

  /** `_rawRequest` keeps `meta`/`count`, which the SDK's helpers strip, and one call is one HTTP request. */
  async function getRaw<T>(
    operation: string,
    path: string,
    query: Record<string, string | undefined>,
  ): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, v);
    const { value } = await runtime.attempt(operation, async () =>
      throwIfReturnedError(await support.tickets._rawRequest("GET", `${api}/${path}?${qs}`)),
    );
    return value.result as T;
  }

  type AuditEvent = { id?: number; type?: string };
  type Audit = { metadata?: { custom?: Record<string, unknown> }; events?: AuditEvent[] };
  const commentIdOf = (audit: Audit | undefined) => audit?.events?.find((e) => e.type === "Comment")?.id;

  async function putTicket(ticketId: number, update: ZendeskTicketUpdate, key: string) {
    const { value } = await runtime.attempt(
      "tickets.update",
      async () =>
        throwIfReturnedError(
          await support.tickets._rawRequest("PUT", `${api}/tickets/${ticketId}.json`, {
            ticket: { ...update, metadata: { custom: { [ZENDESK_IDEMPOTENCY_FIELD]: key } } },
          }),
        ),
      { idempotent: false },
    );
    return value.result as { ticket: ZendeskTicket; audit?: Audit };
  }
  async function fetchTicket(id: number): Promise<ZendeskTicket> {
    const { value } = await runtime.attempt("tickets.get", async () =>
      throwIfReturnedError(await support.tickets.show(id)),
    );
    return value.result as unknown as ZendeskTicket;
  }

  /** The audit an update with this key produced (Zendesk keeps custom metadata on the audit). */
  async function auditWith(ticketId: number, key: string): Promise<Audit | undefined> {
    let after: string | undefined;
    for (let page = 0; page < MAX_AUDIT_PAGES; page++) {
      const body = await getRaw<CursorBody & { audits: Audit[] }>(
        "tickets.audits.list",
        `tickets/${ticketId}/audits.json`,
        { "page[size]": "100", "page[after]": after },
      );
      const found = body.audits.find((a) => a.metadata?.custom?.[ZENDESK_IDEMPOTENCY_FIELD] === key);
      if (found) return found;
      after = toCursorPage(body, "audits").nextCursor;
      if (!after) return undefined;
    }
    return undefined;
  }

  async function updateTicket(
    ticketId: number,
    update: ZendeskTicketUpdate,
    { idempotencyKey, resumed }: { idempotencyKey: string; resumed?: boolean },
  ): Promise<UpdateTicketResult> {
    positiveId(ticketId);
    if (!idempotencyKey) throw new RangeError("A Zendesk ticket update needs an idempotency key");
    if (update.comment && !update.comment.body.trim()) throw new RangeError("A Zendesk comment needs a body");
    const { value, recovered } = await writeOnce({
      // resumed after a crash: the audit with this key is the proof an earlier attempt landed
      lookupFirst: resumed === true,
      write: async () => {
        const r = await putTicket(ticketId, update, idempotencyKey);
        return { ticket: r.ticket, commentId: commentIdOf(r.audit) };
      },
      lookup: async () => {
        const audit = await auditWith(ticketId, idempotencyKey);
        return audit ? { ticket: await fetchTicket(ticketId), commentId: commentIdOf(audit) } : undefined;
      },
    });
    return {
      ticket: value.ticket,
      ...(value.commentId === undefined ? {} : { commentId: value.commentId }),
      recovered,
    };
  }

  async function createTicket(
    ticket: ZendeskNewTicket,
    { idempotencyKey, resumed }: { idempotencyKey: string; resumed?: boolean },
  ): Promise<CreateTicketResult> {
    if (!idempotencyKey) throw new RangeError("A Zendesk ticket create needs an idempotency key");
    if (!ticket.comment.body.trim()) throw new RangeError("A Zendesk ticket needs a first comment");
    positiveId(ticket.requester_id);
    const externalId = externalIdOf(idempotencyKey);
    const { value, recovered } = await writeOnce({
      lookupFirst: resumed === true,
      write: async () => {
        const { value: res } = await runtime.attempt(
          "tickets.create",
          async () =>
            throwIfReturnedError(
              await support.tickets._rawRequest("POST", `${api}/tickets.json`, {
                ticket: { ...ticket, external_id: externalId },
              }),
            ),
          { idempotent: false },
        );
        const r = res.result as { ticket: ZendeskTicket; audit?: Audit };
        return { ticket: r.ticket, commentId: commentIdOf(r.audit) };
      },
      lookup: async () => {
        const body = await getRaw<{ tickets: ZendeskTicket[] }>("tickets.list", "tickets.json", {
          external_id: externalId,
        });
        const found = body.tickets[0];
        if (!found) return undefined;
        // the description is the ticket's first comment
        const first = await getRaw<{ comments?: ZendeskComment[] }>(
          "tickets.comments.list",
          `tickets/${found.id}/comments.json`,
          { "page[size]": "1" },
        );
        return { ticket: found, commentId: first.comments?.[0]?.id };
      },
    });
    return {
      ticket: value.ticket,
      ...(value.commentId === undefined ? {} : { commentId: value.commentId }),
      recovered,
    };
  }

  return {
    sdk,
    createTicket,
    async searchUsersFresh(query) {
      const body = await getRaw<{ results: ZendeskUser[] }>("users.search", "search.json", {
        query: `type:user ${query}`,
        per_page: "100",
      });
      return body.results;
    },
    listTickets: ({ status, after, limit, order = "oldest" }) => {
      if (status !== undefined && !TICKET_STATUSES.includes(status))
        throw new RangeError(`Not a Zendesk ticket status: ${status}`);
      const size = String(pageSize(limit));
      return runtime.read(`tickets:${status ?? "*"}:${order}:${after ?? ""}:${size}`, async () => {
        // List Tickets has no status filter: the cursor-paginated search export does
        const body = status
          ? await getRaw<CursorBody>("tickets.list", "search/export.json", {
              query: `type:ticket status:${status}`,
              "filter[type]": "ticket",
              "page[size]": size,
              "page[after]": after,
            })
          : await getRaw<CursorBody>("tickets.list", "tickets.json", {
              "page[size]": size,
              "page[after]": after,
              ...(order === "newest" ? { sort: "-id" } : {}),
            });
        return toCursorPage<ZendeskTicket>(body, status ? "results" : "tickets");
      });
    },
    getTicket: (id) => runtime.read(`ticket:${positiveId(id)}`, () => fetchTicket(id)),
    getTicketFresh: (id) => fetchTicket(positiveId(id)),
    getTicketMetrics: (ticketId) =>
      runtime.read(`ticket.metrics:${positiveId(ticketId)}`, async () => {
        const body = await getRaw<{ ticket_metric: ZendeskMetricSet }>(
          "tickets.metrics.get",
          `tickets/${ticketId}/metrics.json`,
          {},
        );
        return body.ticket_metric;
      }),
    async getUserFresh(id) {
      const { value } = await runtime.attempt("users.get", async () =>
        throwIfReturnedError(await support.users.show(positiveId(id))),
      );
      return value.result as unknown as ZendeskUser;
    },
    updateTicket,
    searchTickets: (query, opts = {}) => {
      const page = opts.page === undefined ? undefined : String(Math.max(1, Math.floor(opts.page)));
      const perPage = opts.perPage === undefined ? undefined : String(pageSize(opts.perPage));
      const include = opts.withUsers ? "tickets(users)" : undefined;
      const key = [query, page, perPage, opts.sortBy, opts.sortOrder, include].map((v) => v ?? "").join(":");
      return runtime.read(`tickets.search:${key}`, async () => {
        const body = await getRaw<{
          results: ZendeskTicket[];
          count: number;
          next_page?: string | null;
          users?: ZendeskUser[];
        }>("tickets.search", "search.json", {
          query: `type:ticket ${query}`,
          page,
          per_page: perPage,
          sort_by: opts.sortBy,
          sort_order: opts.sortOrder,
          include,
        });
        return {
          results: body.results,
          count: body.count,
          hasMore: Boolean(body.next_page),
          ...(include ? { users: body.users ?? [] } : {}),
        };
      });
    },
    listComments: (ticketId, { after, limit } = {}) => {
      const size = String(pageSize(limit ?? 100));
      return runtime.read(`ticket.comments:${positiveId(ticketId)}:${after ?? ""}:${size}`, async () => {
        const body = await getRaw<CursorBody>("tickets.comments.list", `tickets/${ticketId}/comments.json`, {
          "page[size]": size,
          "page[after]": after,
        });
        return toCursorPage<ZendeskComment>(body, "comments");
      });
    },
    listSatisfactionRatings: ({ score, after, limit } = {}) =>
      runtime.read(`csat:${score ?? "*"}:${after ?? ""}:${limit ?? ""}`, async () => {
        const body = await getRaw<CursorBody>("satisfaction_ratings.list", "satisfaction_ratings.json", {
          score,
          "page[size]": String(pageSize(limit)),
          "page[after]": after,
        });
        return toCursorPage<ZendeskSatisfactionRating>(body, "satisfaction_ratings");
      }),
    searchArticles: (query) =>
      runtime.read(`articles.search:${query}`, async () => {
        const { value } = await runtime.attempt("articles.search", async () =>
          throwIfReturnedError(await helpCenter.helpcenter.search.searchArticles(query)),
        );
        const body = (value as unknown as { result: unknown }).result as {
          results: ZendeskArticle[];
          count: number;
        };
        return { results: body.results, count: body.count };
      }),
    listOrganizations: ({ after, limit } = {}) => {
      const size = String(pageSize(limit ?? 100));
      return runtime.read(`organizations:${after ?? ""}:${size}`, async () => {
        const body = await getRaw<CursorBody>("organizations.list", "organizations.json", {
          "page[size]": size,
          "page[after]": after,
        });
        return toCursorPage<ZendeskOrganization>(body, "organizations");
      });
    },
    listEndUsers: ({ after, limit } = {}) => {
      const size = String(pageSize(limit ?? 100));
      return runtime.read(`users.end-user:${after ?? ""}:${size}`, async () => {
        const body = await getRaw<CursorBody>("users.list", "users.json", {
          role: "end-user",
          "page[size]": size,
          "page[after]": after,
        });
        return toCursorPage<ZendeskUser>(body, "users");
      });
    },
    listArticles: ({ after, limit } = {}) => {
      const size = String(pageSize(limit ?? 100));
      return runtime.read(`articles:${after ?? ""}:${size}`, async () => {
        const body = await getRaw<CursorBody>("articles.list", "help_center/articles.json", {
          "page[size]": size,
          "page[after]": after,
        });
        return toCursorPage<ZendeskArticle>(body, "articles");
      });
    },
    exportTickets: (input) =>
      runtime.read(`tickets.export:${input.cursor ?? `t${input.startTime}`}`, async () => {
        const body = await getRaw<{
          tickets?: ZendeskTicket[];
          metric_sets?: ZendeskMetricSet[];
          after_cursor?: string | null;
          end_of_stream?: boolean;
        }>("tickets.export", "incremental/tickets/cursor.json", {
          ...(input.cursor !== undefined
            ? { cursor: input.cursor }
            : { start_time: String(Math.floor(input.startTime)) }),
          include: "metric_sets",
        });
        return {
          tickets: body.tickets ?? [],
          metricSets: body.metric_sets ?? [],
          ...(body.after_cursor ? { afterCursor: body.after_cursor } : {}),
          endOfStream: body.end_of_stream !== false,
        };
      }),
    async addComment(ticketId, body, { idempotencyKey, public: isPublic = true, resumed }) {
      const r = await updateTicket(
        ticketId,
        { comment: { body, public: isPublic } },
        { idempotencyKey, ...(resumed && { resumed }) },
      );
      return { ticket: r.ticket, recovered: r.recovered };
    },
  };
}
