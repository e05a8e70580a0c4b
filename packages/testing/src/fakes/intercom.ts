/**
 * Intercom REST API 2.14 fake: contacts (list, search, show, their companies), companies (list), conversations
 * (list, search, show, reply) and admin-initiated messages, with companies and conversation ratings.
 * Every request and answer is checked against ../shared/vendor-specs/intercom/api.intercom.io.2.14.yaml.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { type ContractChecker, contractChecker } from "./contract";
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import { intercomStoredBody } from "./intercom-html";
import { type OAuthApp, type OAuthFakeState, oauthFakeState, oauthRoutes } from "./oauth";
import { VENDOR_SPECS_DIR } from "./sendgrid";

type Row = Record<string, unknown> & { id: string };

export interface IntercomState {
  /** The one bearer token accepted when set (others get 401); any token when unset. */
  accessToken: string | undefined;
  companies: Row[];
  /** Contact id → ids of the companies it belongs to. */
  contactCompanies: Map<string, string[]>;
  contacts: Row[];
  conversations: Map<string, Row>;
  /** Replies as received, in order (duplicates show up here). */
  replies: { conversationId: string; body: Record<string, unknown> }[];
  /** Admin-initiated messages as received, in order (duplicates show up here). */
  messages: Record<string, unknown>[];
  nextId: number;
  /** The OAuth side: /oauth (consent) and POST /auth/eagle/token; its tokens are accepted beside `accessToken`. */
  oauth: OAuthFakeState;
}

export interface IntercomConversationSeed {
  title: string;
  contactIndex?: number;
  /** Unix seconds; T0 (2025-01-15) when absent. */
  createdAt?: number;
  /** Unix seconds; the rating's time or createdAt when absent. */
  updatedAt?: number;
  state?: "open" | "closed" | "snoozed";
  /** Marked as priority in the inbox. */
  priority?: boolean;
  /** The customer's rating (1–5) with an optional remark, given at `at` (unix seconds). */
  rating?: { rating: number; remark?: string; at: number };
}

export interface IntercomSeed {
  accessToken?: string;
  /** `companyId` is the workspace's own id for the company (Intercom's `company_id`). */
  companies?: { companyId: string; name: string; website?: string }[];
  /** `externalId` is the workspace's own id for the person (Intercom's `external_id`, e.g. the CRM contact's). */
  contacts?: {
    name: string;
    email: string;
    companyIndex?: number;
    externalId?: string;
    /** "lead": a messenger visitor who gave an email (default "user"). */
    role?: "user" | "lead";
  }[];
  conversations?: IntercomConversationSeed[];
  oauth?: { apps?: OAuthApp[] };
}

export const INTERCOM_SPEC_FILE = join(VENDOR_SPECS_DIR, "intercom", "api.intercom.io.2.14.yaml");
const T0 = 1_736_935_200;

/** `nullable` beside `$ref`/`allOf` without `type` is legal OpenAPI 3.0 but Ajv refuses it: same meaning, spelled out. */
function spellOutNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(spellOutNullable);
  if (node === null || typeof node !== "object") return node;
  const entries = Object.entries(node).map(([k, v]) => [k, spellOutNullable(v)] as const);
  const obj = Object.fromEntries(entries) as Record<string, unknown>;
  if (obj.nullable !== undefined && obj.type === undefined) {
    const { nullable, ...rest } = obj;
    return nullable === true ? { anyOf: [rest, { type: "null" }] } : rest;
  }
  return obj;
}

let checker: ContractChecker | undefined;
/** Compiled once per process: the 2.14 document is large (the spec file itself is never modified). */
export function intercomContract(): ContractChecker {
  if (checker) return checker;
  const doc = spellOutNullable(parseYaml(readFileSync(INTERCOM_SPEC_FILE, "utf8")));
  const copy = join(mkdtempSync(join(tmpdir(), "intercom-spec-")), "api.intercom.io.2.14.json");
  writeFileSync(copy, JSON.stringify(doc));
  checker = contractChecker([copy]);
  return checker;
}

const icError = (status: number, code: string, message: string): Reply =>
  json(status, { type: "error.list", request_id: "fake-request", errors: [{ code, message }] });

/** Intercom cursor pages: `per_page` and the opaque `starting_after`. */
function cursorPage<T>(rows: T[], perPage: number, after: string | undefined | null) {
  const start = after ? Number(Buffer.from(after, "base64url").toString()) || 0 : 0;
  const data = rows.slice(start, start + perPage);
  const nextAt =
    start + perPage < rows.length ? Buffer.from(String(start + perPage)).toString("base64url") : undefined;
  const pages = {
    type: "pages",
    page: Math.floor(start / perPage) + 1,
    per_page: perPage,
    total_pages: Math.max(1, Math.ceil(rows.length / perPage)),
    ...(nextAt ? { next: { per_page: perPage, starting_after: nextAt } } : {}),
  };
  return { data, pages, total_count: rows.length };
}

interface Filter {
  field?: string;
  operator?: string;
  value?: unknown;
}

type FieldOf = (row: Row, field: string) => unknown;
const plainField: FieldOf = (row, field) => row[field];

/** Conversation search fields: dotted paths, `contact_ids`, and the rating's `score`/`replied_at` names. */
const conversationField: FieldOf = (row, field) => {
  if (field === "contact_ids") {
    return (row.contacts as { contacts: { id: string }[] }).contacts.map((c) => c.id);
  }
  const rating = row.conversation_rating as Record<string, unknown> | null | undefined;
  if (field === "conversation_rating.score") return rating?.rating;
  if (field === "conversation_rating.replied_at") return rating?.updated_at;
  return field.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k], row);
};

/** Nested AND/OR queries with Intercom's operators (`>`/`<` on numbers, `~` contains, IN/NIN lists). */
function matches(row: Row, f: Filter, fieldOf: FieldOf = plainField): boolean {
  if (f.operator === "AND" || f.operator === "OR") {
    const parts = (f.value as Filter[]).map((v) => matches(row, v, fieldOf));
    return f.operator === "OR" ? parts.some(Boolean) : parts.every(Boolean);
  }
  const raw = fieldOf(row, f.field ?? "");
  const values = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v ?? "").toLowerCase());
  const wanted = String(f.value ?? "").toLowerCase();
  const list = Array.isArray(f.value) ? f.value.map((v) => String(v).toLowerCase()) : [];
  const num = Number(raw);
  switch (f.operator) {
    case "~":
      return values.some((v) => v.includes(wanted));
    case "!=":
      return values.every((v) => v !== wanted);
    case ">":
      return raw !== null && raw !== undefined && num > Number(f.value);
    case "<":
      return raw !== null && raw !== undefined && num < Number(f.value);
    case "IN":
      return values.some((v) => list.includes(v));
    case "NIN":
      return values.every((v) => !list.includes(v));
    default:
      return values.includes(wanted);
  }
}

function contacts(state: IntercomState, req: FakeRequest): Reply {
  if (req.path === "/contacts" && req.method === "GET") {
    const page = cursorPage(
      state.contacts,
      Number(req.query.get("per_page") ?? 50),
      req.query.get("starting_after"),
    );
    return json(200, { type: "list", ...page });
  }
  if (req.path === "/contacts/search" && req.method === "POST") {
    const body = req.json as {
      query: Filter;
      pagination?: { per_page?: number; starting_after?: string | null };
    };
    const found = state.contacts.filter((c) => matches(c, body.query));
    return json(200, {
      type: "list",
      ...cursorPage(found, body.pagination?.per_page ?? 50, body.pagination?.starting_after),
    });
  }
  const companiesOf = req.path.match(/^\/contacts\/([^/]+)\/companies$/);
  if (companiesOf && req.method === "GET") {
    const id = companiesOf[1] as string;
    if (!state.contacts.some((c) => c.id === id)) return icError(404, "not_found", "User Not Found");
    const ids = state.contactCompanies.get(id) ?? [];
    const companies = state.companies.filter((c) => ids.includes(c.id));
    const perPage = Number(req.query.get("per_page") ?? 15);
    return json(200, {
      type: "list",
      companies: companies.slice(0, perPage),
      total_count: companies.length,
      pages: {
        type: "pages",
        page: 1,
        per_page: perPage,
        total_pages: Math.max(1, Math.ceil(companies.length / perPage)),
      },
    });
  }
  const contact = state.contacts.find((c) => req.path === `/contacts/${c.id}`);
  return contact && req.method === "GET" ? json(200, contact) : icError(404, "not_found", "User Not Found");
}

interface MessageBody {
  message_type?: string;
  subject?: string;
  body?: string;
  from?: { id?: number };
  to?: { type?: string; id?: string };
  created_at?: number;
  create_conversation_without_contact_reply?: boolean;
}

/**
 * POST /messages: the message, and (create_conversation_without_contact_reply) the conversation it opens, whose
 * source body is stored as sanitised HTML like a reply's (IC4). An unknown contact is a 404, as for a new visitor.
 */
function createMessage(state: IntercomState, req: FakeRequest): Reply {
  const m = req.json as MessageBody;
  const contact = state.contacts.find((c) => c.id === m.to?.id);
  if (!contact) return icError(404, "not_found", "User Not Found");
  if (m.message_type === "email" && !m.subject)
    return icError(422, "parameter_not_found", "No subject supplied for email message");
  state.messages.push(req.json as Record<string, unknown>);
  const at = m.created_at ?? Math.floor(Date.now() / 1000);
  const id = String(state.nextId++);
  const body = intercomStoredBody(m.body ?? "");
  let conversationId: string | undefined;
  if (m.create_conversation_without_contact_reply) {
    conversationId = String(2000 + state.conversations.size);
    state.conversations.set(conversationId, {
      type: "conversation",
      id: conversationId,
      title: m.subject ?? null,
      created_at: at,
      updated_at: at,
      open: true,
      state: "open",
      read: false,
      priority: "not_priority",
      conversation_rating: null,
      source: {
        type: m.message_type === "email" ? "email" : "conversation",
        id,
        delivered_as: "admin_initiated",
        subject: m.subject ?? "",
        body,
        author: { type: "admin", id: String(m.from?.id ?? ""), name: "Agent", email: "agent@acme.test" },
        attachments: [],
        url: null,
        redacted: false,
      },
      contacts: { type: "contact.list", contacts: [{ type: "contact", id: contact.id }] },
      conversation_parts: { type: "conversation_part.list", conversation_parts: [], total_count: 0 },
    });
  }
  return json(200, {
    type: "admin_message",
    id,
    created_at: at,
    ...(m.subject ? { subject: m.subject } : {}),
    body,
    message_type: m.message_type === "email" ? "email" : "inapp",
    ...(conversationId ? { conversation_id: conversationId } : {}),
  });
}

function conversations(state: IntercomState, req: FakeRequest): Reply {
  if (req.path === "/conversations" && req.method === "GET") {
    const all = [...state.conversations.values()].map(({ conversation_parts: _p, ...c }) => c);
    const { data, ...page } = cursorPage(
      all,
      Number(req.query.get("per_page") ?? 20),
      req.query.get("starting_after"),
    );
    return json(200, { type: "conversation.list", conversations: data, ...page });
  }
  if (req.path === "/conversations/search" && req.method === "POST") {
    const body = req.json as {
      query: Filter;
      pagination?: { per_page?: number; starting_after?: string | null };
    };
    const found = [...state.conversations.values()]
      .filter((c) => matches(c, body.query, conversationField))
      .map(({ conversation_parts: _p, ...c }) => c);
    const { data, ...page } = cursorPage(
      found,
      body.pagination?.per_page ?? 20,
      body.pagination?.starting_after,
    );
    return json(200, { type: "conversation.list", conversations: data, ...page });
  }
  const m = req.path.match(/^\/conversations\/([^/]+)(\/reply)?$/);
  const conversation = m ? state.conversations.get(m[1] as string) : undefined;
  if (!m || !conversation) return icError(404, "conversation_not_found", "Conversation not found");
  if (!m[2] && req.method === "GET") return json(200, conversation);
  if (m[2] && req.method === "POST") {
    const body = req.json as { body?: string; admin_id?: string; created_at?: number };
    state.replies.push({ conversationId: conversation.id, body: req.json as Record<string, unknown> });
    const parts = conversation.conversation_parts as { conversation_parts: unknown[]; total_count: number };
    const at = body.created_at ?? Math.floor(Date.now() / 1000);
    parts.conversation_parts.push({
      type: "conversation_part",
      id: String(state.nextId++),
      part_type: "comment",
      body: intercomStoredBody(body.body ?? ""),
      created_at: at,
      updated_at: at,
      notified_at: at,
      author: { type: "admin", id: body.admin_id ?? "", name: "Agent", email: "agent@acme.test" },
      attachments: [],
      redacted: false,
    });
    parts.total_count = parts.conversation_parts.length;
    conversation.updated_at = at;
    return json(200, conversation);
  }
  return icError(405, "method_not_allowed", `${req.method} not allowed`);
}

/** `POST /companies/list`: numbered pages (`page`, `per_page`, default 15), no cursor. */
function listCompanies(state: IntercomState, req: FakeRequest): Reply {
  const perPage = Number(req.query.get("per_page") ?? 15);
  const page = Math.max(1, Number(req.query.get("page") ?? 1));
  const totalPages = Math.max(1, Math.ceil(state.companies.length / perPage));
  return json(200, {
    type: "list",
    data: state.companies.slice((page - 1) * perPage, page * perPage),
    pages: { type: "pages", page, per_page: perPage, total_pages: totalPages },
    total_count: state.companies.length,
  });
}

export function intercomState(seed: IntercomSeed = {}): IntercomState {
  const state: IntercomState = {
    accessToken: seed.accessToken,
    companies: [],
    contactCompanies: new Map(),
    contacts: [],
    conversations: new Map(),
    replies: [],
    messages: [],
    nextId: 1,
    oauth: oauthFakeState("intercom", seed.oauth),
  };
  state.companies = (seed.companies ?? []).map((c, i) => ({
    type: "company",
    id: `5${String(i + 1).padStart(3, "0")}c0a1`,
    app_id: "fakews",
    company_id: c.companyId,
    name: c.name,
    created_at: T0,
    updated_at: T0,
    remote_created_at: T0,
    monthly_spend: 0,
    session_count: 0,
    user_count: (seed.contacts ?? []).filter((p) => p.companyIndex === i).length,
    ...(c.website ? { website: c.website } : {}),
    custom_attributes: {},
    tags: { type: "tag.list", tags: [] },
    segments: { type: "segment.list", segments: [] },
  }));
  state.contacts = (seed.contacts ?? []).map((c, i) => {
    const company = c.companyIndex === undefined ? undefined : state.companies[c.companyIndex];
    const id = `6${String(i + 1).padStart(3, "0")}c0ffee`;
    return {
      type: "contact",
      id,
      workspace_id: "fakews",
      ...(c.externalId ? { external_id: c.externalId } : {}),
      role: c.role ?? "user",
      email: c.email,
      name: c.name,
      created_at: T0,
      updated_at: T0,
      // the contact's companies as the API embeds them: references, at most 10
      companies: {
        type: "list",
        data: company
          ? [{ type: "company", id: company.id, url: `https://api.intercom.io/companies/${company.id}` }]
          : [],
        url: `https://api.intercom.io/contacts/${id}/companies`,
        total_count: company ? 1 : 0,
        has_more: false,
      },
    };
  });
  for (const [i, c] of (seed.contacts ?? []).entries()) {
    const company = c.companyIndex === undefined ? undefined : state.companies[c.companyIndex];
    if (company) state.contactCompanies.set(state.contacts[i]?.id as string, [company.id]);
  }
  for (const [i, c] of (seed.conversations ?? []).entries()) {
    const id = String(1000 + i);
    const contact = state.contacts[c.contactIndex ?? 0];
    const createdAt = c.createdAt ?? T0;
    const status = c.state ?? "open";
    state.conversations.set(id, {
      type: "conversation",
      id,
      title: c.title,
      created_at: createdAt,
      updated_at: c.updatedAt ?? Math.max(createdAt, c.rating?.at ?? 0),
      open: status !== "closed",
      state: status,
      read: false,
      priority: c.priority ? "priority" : "not_priority",
      conversation_rating: c.rating
        ? {
            rating: c.rating.rating,
            remark: c.rating.remark ?? "",
            created_at: createdAt,
            updated_at: c.rating.at,
            contact: { type: "contact", id: contact?.id ?? "" },
            teammate: { type: "admin", id: "991" },
          }
        : null,
      contacts: { type: "contact.list", contacts: contact ? [{ type: "contact", id: contact.id }] : [] },
      conversation_parts: { type: "conversation_part.list", conversation_parts: [], total_count: 0 },
    });
  }
  return state;
}

/** app.intercom.com/oauth and api.intercom.io/auth/eagle/token, on the fake's one origin. */
const INTERCOM_OAUTH_PATHS = { authorize: "/oauth", token: "/auth/eagle/token" };

/** Starts the Intercom fake: requests the real API would reject get a 400 and a recorded violation. */
export function startIntercomFake(seed: IntercomSeed = {}): Promise<RunningFake<IntercomState>> {
  const state = intercomState(seed);
  return startFake(
    {
      name: "intercom",
      route: (req) => {
        const oauth = oauthRoutes(state.oauth, req, INTERCOM_OAUTH_PATHS);
        if (oauth) return oauth;
        const issued = req.bearer !== undefined && state.oauth.accessTokens.has(req.bearer);
        if (!req.bearer || (state.accessToken !== undefined && req.bearer !== state.accessToken && !issued))
          return icError(401, "unauthorized", "Access Token Invalid");
        if (req.path === "/messages" && req.method === "POST") return createMessage(state, req);
        if (req.path === "/companies/list" && req.method === "POST") return listCompanies(state, req);
        return req.path.startsWith("/contacts") ? contacts(state, req) : conversations(state, req);
      },
      unauthorized: () => icError(401, "unauthorized", "Access Token Invalid"),
      isPublic: (req) => Object.values(INTERCOM_OAUTH_PATHS).includes(req.path),
      contract: intercomContract(),
      contractRejection: (v) => icError(400, "parameter_invalid", v.errors.join("; ")),
    },
    state,
  );
}
