/**
 * Zendesk Support + Help Center API fake (/api/v2). Zendesk publishes no OpenAPI document we may copy
 * (see ../shared/vendor-specs/README.md), so shapes follow developer.zendesk.com: cursor pagination
 * (`page[size]`, `page[after]`, `meta.has_more`/`after_cursor`, `links.next`), offset pagination on
 * search (`page`, `per_page`, `next_page`), `{error, description}` errors, audits with `metadata.custom`.
 */
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import { parseZendeskSearch, runZendeskSearch } from "./zendesk-search";

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
  users: Map<number, Row>;
  organizations: Map<number, Row>;
  satisfactionRatings: Row[];
  articles: Row[];
  audits: ZendeskAudit[];
  nextId: number;
}

export interface ZendeskSeed {
  tickets?: Omit<Row, "id">[];
  users?: Omit<Row, "id">[];
  organizations?: Omit<Row, "id">[];
  satisfactionRatings?: Omit<Row, "id">[];
  articles?: Omit<Row, "id">[];
}

const API = "/api/v2";
const FIXED_TIME = "2025-01-15T10:00:00Z";
const MAX_PAGE = 100;

const zdError = (status: number, error: string, description: string): Reply =>
  json(status, { error, description });
const notFound = () => zdError(404, "RecordNotFound", "Not found");

const cursorOf = (index: number) => Buffer.from(`i${index}`).toString("base64url");
const indexOf = (cursor: string | null) =>
  cursor ? Number(Buffer.from(cursor, "base64url").toString().slice(1)) || 0 : 0;

/** Zendesk cursor pagination: `page[size]` (max 100) and the opaque `page[after]`. */
function cursorPage(req: FakeRequest, key: string, rows: unknown[], base: string): Reply {
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
    meta: { has_more: hasMore, after_cursor: after, before_cursor: start > 0 ? cursorOf(start) : null },
    links: { next: after ? `${base}?page[after]=${after}&page[size]=${size}` : null, prev: null },
  });
}

/** Search uses offset pagination (`page`, `per_page`, `next_page`), capped at 1000 results by Zendesk. */
function offsetSearch(req: FakeRequest, rows: Row[], resultType: string): Reply {
  const query = req.query.get("query");
  if (!query) return zdError(400, "InvalidSearch", "query parameter is required");
  const matched = runZendeskSearch(parseZendeskSearch(query), rows);
  const perPage = Math.min(Number(req.query.get("per_page") ?? MAX_PAGE), MAX_PAGE);
  const page = Number(req.query.get("page") ?? 1);
  const results = matched
    .slice((page - 1) * perPage, page * perPage)
    .map((r) => ({ ...r, result_type: resultType }));
  const more = page * perPage < matched.length;
  return json(200, {
    results,
    count: matched.length,
    next_page: more ? `${req.path}?page=${page + 1}&query=${encodeURIComponent(query)}` : null,
    previous_page: null,
  });
}

function writeTicket(state: ZendeskState, ticket: Row, body: Record<string, unknown>): Reply {
  const { comment, metadata, safe_update: _s, updated_stamp: _u, ...fields } = body;
  Object.assign(ticket, fields, { id: ticket.id, updated_at: new Date().toISOString() });
  const c = comment as { body?: unknown; public?: boolean } | undefined;
  if (c !== undefined && (typeof c.body !== "string" || c.body.trim() === "")) {
    return zdError(422, "RecordInvalid", "Comment: body can't be blank");
  }
  const audit: ZendeskAudit = {
    id: state.nextId++,
    ticket_id: ticket.id,
    created_at: new Date().toISOString(),
    metadata: {
      system: { client: "fake" },
      custom: ((metadata as { custom?: object })?.custom ?? {}) as Record<string, unknown>,
    },
    events: c
      ? [{ id: state.nextId++, type: "Comment", body: c.body as string, public: c.public ?? true }]
      : [],
  };
  state.audits.push(audit);
  return json(200, { ticket, audit });
}

function tickets(state: ZendeskState, req: FakeRequest, rest: string): Reply {
  const body = ((req.json ?? {}) as { ticket?: Record<string, unknown> }).ticket;
  if (rest === "" && req.method === "GET")
    return cursorPage(req, "tickets", [...state.tickets.values()], req.path);
  if (rest === "" && req.method === "POST") {
    if (!body?.comment) return zdError(422, "RecordInvalid", "Description: cannot be blank");
    const ticket: Row = { id: state.nextId++, status: "new", created_at: new Date().toISOString(), tags: [] };
    state.tickets.set(ticket.id, ticket);
    const reply = writeTicket(state, ticket, body);
    return { ...reply, status: 201 };
  }
  const m = rest.match(/^\/(\d+)(\/audits|\/comments)?$/);
  const ticket = m ? state.tickets.get(Number(m[1])) : undefined;
  if (!m || !ticket) return notFound();
  const audits = state.audits.filter((a) => a.ticket_id === ticket.id);
  if (m[2] === "/audits" && req.method === "GET") return cursorPage(req, "audits", audits, req.path);
  if (m[2] === "/comments" && req.method === "GET") {
    const comments = audits.flatMap((a) => a.events.map((e) => ({ ...e, created_at: a.created_at })));
    return cursorPage(req, "comments", comments, req.path);
  }
  if (req.method === "GET" && !m[2]) return json(200, { ticket });
  if (req.method === "PUT" && !m[2]) {
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
    /^\/api\/v2\/(search\/export|help_center\/articles\/search|help_center\/articles|tickets|users|organizations|search|satisfaction_ratings)((?:\/\d+)?(?:\/[a-z_]+)?)\.json$/,
  );
  if (!m) return zdError(404, "InvalidEndpoint", "Not found");
  const [, resource, rest = ""] = m;
  if (resource === "tickets") return tickets(state, req, rest);
  if (resource === "users") return listOrShow(req, state.users, "users", "user", rest);
  if (resource === "organizations")
    return listOrShow(req, state.organizations, "organizations", "organization", rest);
  if (req.method !== "GET") return zdError(405, "MethodNotAllowed", `${req.method} not allowed`);
  if (resource === "search" && rest === "") {
    const type = parseZendeskSearch(req.query.get("query") ?? "").type;
    const rows = type === "user" ? [...state.users.values()] : [...state.tickets.values()];
    return offsetSearch(req, rows, type ?? "ticket");
  }
  if (resource === "search/export" && rest === "") {
    const query = req.query.get("query") ?? "";
    if (!req.query.get("filter[type]")) return zdError(400, "InvalidSearch", "filter[type] is required");
    return cursorPage(
      req,
      "results",
      runZendeskSearch(parseZendeskSearch(query), [...state.tickets.values()]),
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
    articles: [],
    audits: [],
    nextId: 1,
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
  }
  state.satisfactionRatings = (seed.satisfactionRatings ?? []).map(add);
  state.articles = (seed.articles ?? []).map((a) => add({ locale: "en-us", draft: false, ...a }));
  return state;
}

/** Starts the Zendesk fake; a request without credentials gets Zendesk's 401. */
export function startZendeskFake(seed: ZendeskSeed = {}): Promise<RunningFake<ZendeskState>> {
  const state = zendeskState(seed);
  return startFake(
    {
      name: "zendesk",
      route: (req) => route(state, req),
      unauthorized: () => zdError(401, "Couldn't authenticate you", "Invalid or expired token"),
    },
    state,
  );
}

export const ZENDESK_API_PREFIX = API;
