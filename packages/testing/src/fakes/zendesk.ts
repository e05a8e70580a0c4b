/**
 * Zendesk Support + Help Center API fake (/api/v2). Zendesk publishes no OpenAPI document we may copy
 * (see ../shared/vendor-specs/README.md), so shapes follow developer.zendesk.com: cursor pagination
 * (`page[size]`, `page[after]`, `meta.has_more`/`after_cursor`, `links.next`), offset pagination on
 * search (`page`, `per_page`, `next_page`), `{error, description}` errors, audits with `metadata.custom`,
 * users side-loaded only when asked (`include=users` on tickets, `include=tickets(users)` on search).
 * Writes behave like Zendesk's: List Tickets runs oldest → newest unless `sort=-id`; Update Ticket refuses
 * closed tickets, unknown fields, bad status/priority and non-agent assignees with 422, has its own
 * per-minute limit (429 + Retry-After), and search sees a write only after `searchLagMs`. The incremental
 * ticket export (cursor based) serves tickets updated since `start_time` (refused unless a minute in the past),
 * oldest update first, with `include=metric_sets`, at most 10 requests a minute (429 + Retry-After).
 */
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import { accessExpired, type OAuthApp, type OAuthFakeState, oauthFakeState, oauthRoutes } from "./oauth";
import { parseZendeskSearch, runZendeskSearch, SEARCH_ALIASES } from "./zendesk-search";

type Row = Record<string, unknown> & { id: number };

export interface ZendeskAudit {
  id: number;
  ticket_id: number;
  created_at: string;
  metadata: { system: Record<string, unknown>; custom: Record<string, unknown> };
  events: { id: number; type: "Comment"; body: string; public: boolean }[];
}

export interface ZendeskState {
  tickets: Map<number, Row>;
  /** How long a written ticket takes to reach search (Zendesk: seconds to minutes); 0 = at once. */
  searchLagMs: number;
  /** What search sees of each written ticket: the indexed copy, and the newer one once its time comes. */
  searchIndex: Map<number, { row: Row | null; next?: { row: Row; at: number } }>;
  /** Update Ticket's own limit per account (Zendesk: 100 per minute), counted per window. */
  updateLimit: { perWindow: number; windowMs: number };
  updateHits: number[];
  /** The next `times` ticket writes are applied, then answered with `status` (the 5xx that hides a landed write). */
  failAfterApply: { status: number; times: number };
  users: Map<number, Row>;
  organizations: Map<number, Row>;
  satisfactionRatings: Row[];
  /** Ticket Metrics, one per ticket (`ticket_id`): side-loaded by the incremental export, shown by GET /tickets/{id}/metrics. */
  ticketMetrics: Row[];
  /** Incremental exports' own limit (Zendesk: 10 per minute), counted per window. */
  exportLimit: { perWindow: number; windowMs: number };
  exportHits: number[];
  /** Tickets per export page (Zendesk: up to 1,000). */
  exportPageSize: number;
  articles: Row[];
  audits: ZendeskAudit[];
  nextId: number;
  /** The OAuth side: /oauth/authorizations/new and POST /oauth/tokens (PKCE checked), on the fake's origin. */
  oauth: OAuthFakeState;
}

export interface ZendeskSeed {
  tickets?: Omit<Row, "id">[];
  users?: Omit<Row, "id">[];
  organizations?: Omit<Row, "id">[];
  satisfactionRatings?: Omit<Row, "id">[];
  ticketMetrics?: Omit<Row, "id">[];
  articles?: Omit<Row, "id">[];
  oauth?: { apps?: OAuthApp[]; accessTtlSec?: number };
}

const API = "/api/v2";
const OAUTH_PATHS = { authorize: "/oauth/authorizations/new", token: "/oauth/tokens" };
const FIXED_TIME = "2025-01-15T10:00:00Z";
const MAX_PAGE = 100;

const zdError = (status: number, error: string, description: string): Reply =>
  json(status, { error, description });
const invalid = (description: string) => zdError(422, "RecordInvalid", description);

const STATUSES = ["new", "open", "pending", "hold", "solved", "closed"];
const PRIORITIES = ["low", "normal", "high", "urgent"];
/** Writable ticket properties of Update Ticket (developer.zendesk.com, Tickets → Update Ticket). */
const WRITABLE = new Set([
  "subject",
  "raw_subject",
  "comment",
  "status",
  "priority",
  "type",
  "assignee_id",
  "assignee_email",
  "group_id",
  "organization_id",
  "requester_id",
  "submitter_id",
  "collaborator_ids",
  "email_ccs",
  "followers",
  "tags",
  "additional_tags",
  "remove_tags",
  "custom_fields",
  "fields",
  "due_at",
  "external_id",
  "problem_id",
  "brand_id",
  "ticket_form_id",
  "metadata",
  "safe_update",
  "updated_stamp",
  "via",
  "via_followup_source_id",
  "created_at",
  "updated_at",
  "satisfaction_rating",
  // Create Ticket only
  "requester",
  "description",
  "recipient",
  "is_public",
]);
const notFound = () => zdError(404, "RecordNotFound", "Not found");

const cursorOf = (index: number) => Buffer.from(`i${index}`).toString("base64url");
const indexOf = (cursor: string | null) =>
  cursor ? Number(Buffer.from(cursor, "base64url").toString().slice(1)) || 0 : 0;

const SORTABLE = ["id", "updated_at", "created_at", "status"];

/** Cursor `sort` (`id`, `-id`, `updated_at`, …); `sort_by`/`sort_order` are offset-only and ignored here. */
function sorted(req: FakeRequest, rows: Row[]): Row[] | Reply {
  const sort = req.query.get("sort");
  if (!sort) return rows;
  const field = sort.replace(/^-/, "");
  if (!SORTABLE.includes(field))
    return zdError(400, "InvalidPaginationParameter", `sort must be one of ${SORTABLE.join(", ")}`);
  const dir = sort.startsWith("-") ? -1 : 1;
  const key = (r: Row) => (field === "id" ? r.id : String(r[field] ?? ""));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : (a.id - b.id) * dir));
}

/** Zendesk cursor pagination: `page[size]` (max 100) and the opaque `page[after]`. */
function cursorPage<T>(
  req: FakeRequest,
  key: string,
  rows: T[],
  base: string,
  sideLoad: (page: T[]) => Record<string, unknown> = () => ({}),
): Reply {
  const size = Number(req.query.get("page[size]") ?? MAX_PAGE);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
    return zdError(400, "InvalidPaginationParameter", "page[size] must be between 1 and 100");
  }
  const start = indexOf(req.query.get("page[after]"));
  const slice = rows.slice(start, start + size);
  const hasMore = start + size < rows.length;
  const after = hasMore ? cursorOf(start + size) : null;
  return json(200, {
    [key]: slice,
    ...sideLoad(slice),
    meta: { has_more: hasMore, after_cursor: after, before_cursor: start > 0 ? cursorOf(start) : null },
    links: { next: after ? `${base}?page[after]=${after}&page[size]=${size}` : null, prev: null },
  });
}

/** Zendesk search serves at most this many results of a query; a page beyond them is refused with 422. */
const MAX_SEARCH_RESULTS = 1000;
const SEARCH_SORTS = ["created_at", "updated_at", "priority", "status", "ticket_type"];

/**
 * Search uses offset pagination (`page`, `per_page`, `next_page`), capped at 1000 results by Zendesk;
 * `sort_by` / `sort_order` order the results (relevance, here seed order, without them).
 */
function offsetSearch(
  req: FakeRequest,
  rows: Row[],
  resultType: string,
  sideLoad: (page: Row[]) => Record<string, unknown> = () => ({}),
): Reply {
  const query = req.query.get("query");
  if (!query) return zdError(400, "InvalidSearch", "query parameter is required");
  let matched = runZendeskSearch(parseZendeskSearch(query), rows);
  const sortBy = req.query.get("sort_by");
  if (sortBy && SEARCH_SORTS.includes(sortBy)) {
    const dir = req.query.get("sort_order") === "asc" ? 1 : -1;
    const key = (r: Row) => String(r[sortBy] ?? "");
    matched = [...matched].sort((a, b) =>
      key(a) < key(b) ? -dir : key(a) > key(b) ? dir : (a.id - b.id) * dir,
    );
  }
  const perPage = Math.min(Number(req.query.get("per_page") ?? MAX_PAGE), MAX_PAGE);
  const page = Number(req.query.get("page") ?? 1);
  if ((page - 1) * perPage >= MAX_SEARCH_RESULTS)
    return zdError(422, "InvalidPaginationParameter", "Search results are limited to 1000; narrow the query");
  const shown = matched.slice((page - 1) * perPage, page * perPage);
  const results = shown.map(({ [SEARCH_ALIASES]: _aliases, ...r }) => ({ ...r, result_type: resultType }));
  const more = page * perPage < Math.min(matched.length, MAX_SEARCH_RESULTS);
  return json(200, {
    results,
    ...sideLoad(shown),
    count: matched.length,
    next_page: more ? `${req.path}?page=${page + 1}&query=${encodeURIComponent(query)}` : null,
    previous_page: null,
  });
}

/** The people a ticket names (Zendesk side-loads exactly these as `users`). */
const PEOPLE = ["requester_id", "submitter_id", "assignee_id"];

/** `include=users` (lists) or `include=tickets(users)` (search): the page's tickets' people, else nothing. */
function usersOf(state: ZendeskState, req: FakeRequest, wanted: string) {
  return (tickets: Row[]): Record<string, unknown> => {
    const include = (req.query.get("include") ?? "").split(",").map((s) => s.trim());
    if (!include.includes(wanted)) return {};
    const ids = new Set(tickets.flatMap((t) => PEOPLE.map((k) => Number(t[k]))));
    return { users: [...state.users.values()].filter((u) => ids.has(u.id)) };
  };
}

/** Zendesk's checks on a ticket write, in its order: closed first, then each property's value. */
function refuseWrite(state: ZendeskState, ticket: Row, body: Record<string, unknown>): Reply | undefined {
  if (ticket.status === "closed") return invalid("Status: closed prevents ticket update");
  const unknown = Object.keys(body).filter((k) => !WRITABLE.has(k));
  if (unknown.length > 0) return invalid(`Unknown ticket properties: ${unknown.join(", ")}`);
  if (body.status !== undefined && !STATUSES.includes(String(body.status)))
    return invalid(`Status: ${String(body.status)} is not a valid status`);
  if (body.priority !== undefined && body.priority !== null && !PRIORITIES.includes(String(body.priority)))
    return invalid(`Priority: ${String(body.priority)} is not a valid priority`);
  if (body.assignee_id !== undefined && body.assignee_id !== null) {
    const user = state.users.get(Number(body.assignee_id));
    if (!user) return invalid(`Assignee: user ${String(body.assignee_id)} does not exist`);
    if (user.role !== "agent" && user.role !== "admin")
      return invalid(`Assignee: ${String(user.name ?? user.id)} is not an agent and cannot be assigned`);
  }
  for (const k of ["tags", "additional_tags", "remove_tags"]) {
    const v = body[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((t) => typeof t !== "string")))
      return invalid(`${k} must be an array of strings`);
  }
  const c = body.comment as { body?: unknown } | undefined;
  if (c !== undefined && (typeof c.body !== "string" || c.body.trim() === ""))
    return invalid("Comment: body can't be blank");
  return undefined;
}

function writeTicket(state: ZendeskState, ticket: Row, body: Record<string, unknown>): Reply {
  const refusal = refuseWrite(state, ticket, body);
  if (refusal) return refusal;
  const {
    comment,
    metadata,
    safe_update: _s,
    updated_stamp: _u,
    additional_tags,
    remove_tags,
    ...fields
  } = body;
  const now = new Date().toISOString();
  Object.assign(ticket, fields, { id: ticket.id, updated_at: now });
  const removed = new Set((remove_tags as string[] | undefined) ?? []);
  const tags = [...new Set([...((ticket.tags as string[]) ?? []), ...((additional_tags as string[]) ?? [])])];
  ticket.tags = tags.filter((t) => !removed.has(t));
  const c = comment as { body: string; public?: boolean } | undefined;
  const audit: ZendeskAudit = {
    id: state.nextId++,
    ticket_id: ticket.id,
    created_at: now,
    metadata: {
      system: { client: "fake" },
      custom: ((metadata as { custom?: object })?.custom ?? {}) as Record<string, unknown>,
    },
    events: c ? [{ id: state.nextId++, type: "Comment", body: c.body, public: c.public ?? true }] : [],
  };
  state.audits.push(audit);
  reindex(state, ticket);
  if (state.failAfterApply.times > 0) {
    state.failAfterApply.times--;
    return zdError(
      state.failAfterApply.status,
      "ServerError",
      "fault: the update was applied, the answer lost",
    );
  }
  return json(200, { ticket, audit });
}

/** A write reaches search only after the lag: until then search keeps the indexed copy. */
function reindex(state: ZendeskState, ticket: Row): void {
  const copy = structuredClone(ticket);
  if (state.searchLagMs <= 0) {
    state.searchIndex.set(ticket.id, { row: copy });
    return;
  }
  const entry = state.searchIndex.get(ticket.id);
  const settled = entry?.next && entry.next.at <= Date.now() ? entry.next.row : (entry?.row ?? null);
  state.searchIndex.set(ticket.id, { row: settled, next: { row: copy, at: Date.now() + state.searchLagMs } });
}

/** The tickets as search sees them now. */
function searchable(state: ZendeskState): Row[] {
  const now = Date.now();
  return [...state.tickets.values()].flatMap((t) => {
    const e = state.searchIndex.get(t.id);
    const row = e ? (e.next && e.next.at <= now ? e.next.row : e.row) : t;
    return row ? [row] : [];
  });
}

/** A ticket as search matches it: `organization:` also by name, `requester:` by name or email. */
function withAliases(state: ZendeskState, t: Row): Row {
  const org = state.organizations.get(Number(t.organization_id));
  const user = state.users.get(Number(t.requester_id));
  const names = (r: Row | undefined, keys: string[]) =>
    r ? keys.flatMap((k) => (typeof r[k] === "string" ? [r[k] as string] : [])) : [];
  return {
    ...t,
    [SEARCH_ALIASES]: { organization: names(org, ["name"]), requester: names(user, ["name", "email"]) },
  };
}

/** An endpoint's own per-account window: 429 with Retry-After once it is spent. */
function throttled(
  limit: { perWindow: number; windowMs: number },
  hits: number[],
  what: string,
): Reply | undefined {
  const now = Date.now();
  const live = hits.filter((t) => t > now - limit.windowMs);
  hits.splice(0, hits.length, ...live);
  if (hits.length >= limit.perWindow) {
    const wait = Math.max(1, Math.ceil(((hits[0] ?? now) + limit.windowMs - now) / 1000));
    return json(
      429,
      { error: "TooManyRequests", description: `${what} rate limit exceeded` },
      { "retry-after": String(wait) },
    );
  }
  hits.push(now);
  return undefined;
}

const updateThrottled = (state: ZendeskState) =>
  throttled(state.updateLimit, state.updateHits, "Update Ticket");

/**
 * Cursor-based incremental ticket export: `start_time` (unix seconds, at least a minute ago) on the first
 * request, then `cursor`; tickets by update time, oldest first; `include=metric_sets` side-loads their metrics.
 */
function exportTickets(state: ZendeskState, req: FakeRequest): Reply {
  const limited = throttled(state.exportLimit, state.exportHits, "Incremental Exports");
  if (limited) return limited;
  const byUpdate = [...state.tickets.values()]
    .map((t) => ({ t, at: Date.parse(String(t.updated_at ?? t.created_at ?? FIXED_TIME)) / 1000 }))
    .sort((a, b) => a.at - b.at || a.t.id - b.t.id);
  const cursor = req.query.get("cursor");
  let at: number;
  if (cursor) at = indexOf(cursor);
  else {
    const start = req.query.get("start_time");
    const t = Number(start);
    if (!start || !Number.isInteger(t) || t < 0)
      return zdError(400, "InvalidValue", "start_time or cursor is required");
    if (t > Date.now() / 1000 - 60)
      return zdError(400, "InvalidValue", "start_time must be more than one minute in the past");
    const first = byUpdate.findIndex((x) => x.at >= t);
    at = first === -1 ? byUpdate.length : first;
  }
  const page = byUpdate.slice(at, at + state.exportPageSize).map((x) => x.t);
  const next = at + page.length;
  const ids = new Set(page.map((t) => t.id));
  const include = (req.query.get("include") ?? "").split(",");
  return json(200, {
    tickets: page,
    ...(include.includes("metric_sets")
      ? { metric_sets: state.ticketMetrics.filter((m) => ids.has(Number(m.ticket_id))) }
      : {}),
    after_cursor: cursorOf(next),
    after_url: `${req.path}?cursor=${cursorOf(next)}`,
    before_cursor: null,
    before_url: null,
    end_of_stream: next >= byUpdate.length,
  });
}

function tickets(state: ZendeskState, req: FakeRequest, rest: string): Reply {
  const body = ((req.json ?? {}) as { ticket?: Record<string, unknown> }).ticket;
  if (rest === "" && req.method === "GET") {
    // List Tickets' `external_id` filter: external ids need not be unique, so it may list several
    const external = req.query.get("external_id");
    const all = [...state.tickets.values()].filter((t) => external === null || t.external_id === external);
    const rows = sorted(req, all);
    return Array.isArray(rows)
      ? cursorPage(req, "tickets", rows, req.path, usersOf(state, req, "users"))
      : rows;
  }
  if (rest === "" && req.method === "POST") {
    if (!body?.comment) return zdError(422, "RecordInvalid", "Description: cannot be blank");
    if (body.requester_id !== undefined && !state.users.has(Number(body.requester_id)))
      return invalid("Requester: is invalid");
    const ticket: Row = {
      id: state.nextId++,
      status: "new",
      created_at: new Date().toISOString(),
      tags: [],
      via: { channel: "api" },
    };
    // a refused create leaves nothing behind
    const refusal = refuseWrite(state, ticket, body);
    if (refusal) return refusal;
    state.tickets.set(ticket.id, ticket);
    const reply = writeTicket(state, ticket, body);
    // created: 201; a refusal or an injected fault keeps its own status
    return reply.status === 200 ? { ...reply, status: 201 } : reply;
  }
  const m = rest.match(/^\/(\d+)(\/audits|\/comments|\/metrics)?$/);
  const ticket = m ? state.tickets.get(Number(m[1])) : undefined;
  if (!m || !ticket) return notFound();
  const audits = state.audits.filter((a) => a.ticket_id === ticket.id);
  if (m[2] === "/audits" && req.method === "GET") return cursorPage(req, "audits", audits, req.path);
  if (m[2] === "/metrics" && req.method === "GET") {
    const metric = state.ticketMetrics.find((x) => Number(x.ticket_id) === ticket.id);
    return metric ? json(200, { ticket_metric: metric }) : notFound();
  }
  if (m[2] === "/comments" && req.method === "GET") {
    const comments = audits.flatMap((a) => a.events.map((e) => ({ ...e, created_at: a.created_at })));
    return cursorPage(req, "comments", comments, req.path);
  }
  if (req.method === "GET" && !m[2]) return json(200, { ticket, ...usersOf(state, req, "users")([ticket]) });
  if (req.method === "PUT" && !m[2]) {
    const throttled = updateThrottled(state);
    if (throttled) return throttled;
    if (!body) return zdError(400, "InvalidEndpoint", "ticket object is required");
    return writeTicket(state, ticket, body);
  }
  return zdError(405, "MethodNotAllowed", `${req.method} not allowed`);
}

function listOrShow(
  req: FakeRequest,
  rows: Map<number, Row>,
  plural: string,
  singular: string,
  rest: string,
) {
  if (rest === "" && req.method === "GET") return cursorPage(req, plural, [...rows.values()], req.path);
  const row = rows.get(Number(rest.slice(1)));
  return row && req.method === "GET" ? json(200, { [singular]: row }) : notFound();
}

function route(state: ZendeskState, req: FakeRequest): Reply {
  if (!req.headers.authorization) return zdError(401, "Couldn't authenticate you", "Authentication required");
  const m = req.path.match(
    /^\/api\/v2\/(incremental\/tickets\/cursor|search\/export|help_center\/articles\/search|help_center\/articles|tickets|users|organizations|search|satisfaction_ratings)((?:\/\d+)?(?:\/[a-z_]+)?)\.json$/,
  );
  if (!m) return zdError(404, "InvalidEndpoint", "Not found");
  const [, resource, rest = ""] = m;
  if (resource === "tickets") return tickets(state, req, rest);
  if (resource === "users") return listOrShow(req, state.users, "users", "user", rest);
  if (resource === "organizations")
    return listOrShow(req, state.organizations, "organizations", "organization", rest);
  if (req.method !== "GET") return zdError(405, "MethodNotAllowed", `${req.method} not allowed`);
  if (resource === "incremental/tickets/cursor" && rest === "") return exportTickets(state, req);
  if (resource === "search" && rest === "") {
    const type = parseZendeskSearch(req.query.get("query") ?? "").type;
    const rows =
      type === "user" ? [...state.users.values()] : searchable(state).map((t) => withAliases(state, t));
    return type === "user"
      ? offsetSearch(req, rows, "user")
      : offsetSearch(req, rows, type ?? "ticket", usersOf(state, req, "tickets(users)"));
  }
  if (resource === "search/export" && rest === "") {
    const query = req.query.get("query") ?? "";
    if (!req.query.get("filter[type]")) return zdError(400, "InvalidSearch", "filter[type] is required");
    return cursorPage(
      req,
      "results",
      runZendeskSearch(parseZendeskSearch(query), searchable(state)),
      req.path,
    );
  }
  if (resource === "satisfaction_ratings" && rest === "") {
    const score = req.query.get("score");
    const rows = state.satisfactionRatings.filter((r) => !score || r.score === score);
    return cursorPage(req, "satisfaction_ratings", rows, req.path);
  }
  if (resource === "help_center/articles" && rest === "")
    return cursorPage(req, "articles", state.articles, req.path);
  if (resource === "help_center/articles/search" && rest === "")
    return offsetSearch(req, state.articles, "article");
  return zdError(404, "InvalidEndpoint", "Not found");
}

export function zendeskState(seed: ZendeskSeed = {}): ZendeskState {
  const state: ZendeskState = {
    tickets: new Map(),
    users: new Map(),
    organizations: new Map(),
    satisfactionRatings: [],
    ticketMetrics: [],
    exportLimit: { perWindow: 10, windowMs: 60_000 },
    exportHits: [],
    exportPageSize: 1000,
    articles: [],
    audits: [],
    nextId: 1,
    searchLagMs: 2000,
    searchIndex: new Map(),
    updateLimit: { perWindow: 100, windowMs: 60_000 },
    updateHits: [],
    failAfterApply: { status: 503, times: 0 },
    oauth: oauthFakeState("zendesk", seed.oauth),
  };
  const add = (row: Omit<Row, "id">): Row => ({
    created_at: FIXED_TIME,
    updated_at: FIXED_TIME,
    ...row,
    id: state.nextId++,
  });
  for (const u of seed.users ?? []) {
    const r = add(u);
    state.users.set(r.id, r);
  }
  for (const o of seed.organizations ?? []) {
    const r = add(o);
    state.organizations.set(r.id, r);
  }
  for (const t of seed.tickets ?? []) {
    const r = add({ status: "open", tags: [], ...t });
    state.tickets.set(r.id, r);
    state.searchIndex.set(r.id, { row: structuredClone(r) });
  }
  state.satisfactionRatings = (seed.satisfactionRatings ?? []).map(add);
  state.ticketMetrics = (seed.ticketMetrics ?? []).map(add);
  state.articles = (seed.articles ?? []).map((a) => add({ locale: "en-us", draft: false, ...a }));
  return state;
}

/** Starts the Zendesk fake; a request without credentials gets Zendesk's 401. */
export function startZendeskFake(seed: ZendeskSeed = {}): Promise<RunningFake<ZendeskState>> {
  const state = zendeskState(seed);
  return startFake(
    {
      name: "zendesk",
      route: (req) => {
        const oauth = oauthRoutes(state.oauth, req, OAUTH_PATHS);
        if (oauth) return oauth;
        // an OAuth token issued here and expired (node-zendesk's `oauth: true` sends it as Bearer)
        if (accessExpired(state.oauth, req.bearer))
          return zdError(401, "Couldn't authenticate you", "Invalid or expired token");
        return route(state, req);
      },
      unauthorized: () => zdError(401, "Couldn't authenticate you", "Invalid or expired token"),
      isPublic: (req) => Object.values(OAUTH_PATHS).includes(req.path),
    },
    state,
  );
}

export const ZENDESK_API_PREFIX = API;
