/**
 * Intercom REST API 2.14 fake: contacts (list, search, show) and conversations (list, show, reply).
 * Every request and answer is checked against ../shared/vendor-specs/intercom/api.intercom.io.2.14.yaml.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { type ContractChecker, contractChecker } from "./contract";
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import { VENDOR_SPECS_DIR } from "./sendgrid";

type Row = Record<string, unknown> & { id: string };

export interface IntercomState {
  contacts: Row[];
  conversations: Map<string, Row>;
  /** Replies as received, in order (duplicates show up here). */
  replies: { conversationId: string; body: Record<string, unknown> }[];
  nextId: number;
}

export interface IntercomSeed {
  contacts?: { name: string; email: string }[];
  conversations?: { title: string; contactIndex?: number }[];
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

function matches(row: Row, f: Filter): boolean {
  if (Array.isArray(f.value)) {
    const parts = (f.value as Filter[]).map((v) => matches(row, v));
    return f.operator === "OR" ? parts.some(Boolean) : parts.every(Boolean);
  }
  const actual = String(row[f.field ?? ""] ?? "").toLowerCase();
  const wanted = String(f.value ?? "").toLowerCase();
  if (f.operator === "~") return actual.includes(wanted);
  if (f.operator === "!=") return actual !== wanted;
  return actual === wanted;
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
  const contact = state.contacts.find((c) => req.path === `/contacts/${c.id}`);
  return contact && req.method === "GET" ? json(200, contact) : icError(404, "not_found", "User Not Found");
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
      body: body.body ?? "",
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

export function intercomState(seed: IntercomSeed = {}): IntercomState {
  const state: IntercomState = { contacts: [], conversations: new Map(), replies: [], nextId: 1 };
  state.contacts = (seed.contacts ?? []).map((c, i) => ({
    type: "contact",
    id: `6${String(i + 1).padStart(3, "0")}c0ffee`,
    workspace_id: "fakews",
    role: "user",
    email: c.email,
    name: c.name,
    created_at: T0,
    updated_at: T0,
  }));
  for (const [i, c] of (seed.conversations ?? []).entries()) {
    const id = String(1000 + i);
    const contact = state.contacts[c.contactIndex ?? 0];
    state.conversations.set(id, {
      type: "conversation",
      id,
      title: c.title,
      created_at: T0,
      updated_at: T0,
      open: true,
      state: "open",
      read: false,
      priority: "not_priority",
      contacts: { type: "contact.list", contacts: contact ? [{ type: "contact", id: contact.id }] : [] },
      conversation_parts: { type: "conversation_part.list", conversation_parts: [], total_count: 0 },
    });
  }
  return state;
}

/** Starts the Intercom fake: requests the real API would reject get a 400 and a recorded violation. */
export function startIntercomFake(seed: IntercomSeed = {}): Promise<RunningFake<IntercomState>> {
  const state = intercomState(seed);
  return startFake(
    {
      name: "intercom",
      route: (req) => {
        if (!req.bearer) return icError(401, "unauthorized", "Access Token Invalid");
        return req.path.startsWith("/contacts") ? contacts(state, req) : conversations(state, req);
      },
      unauthorized: () => icError(401, "unauthorized", "Access Token Invalid"),
      contract: intercomContract(),
      contractRejection: (v) => icError(400, "parameter_invalid", v.errors.join("; ")),
    },
    state,
  );
}
