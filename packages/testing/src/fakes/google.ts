/**
 * Gmail v1 and Google Calendar v3 fake: users.messages.list/get/send, users.drafts.create/list/get,
 * users.threads.get, events.list/insert
 * and freebusy.query. Requests and answers are checked against ../shared/vendor-specs/google/gmail.v1.json and
 * calendar.v3.json (OpenAPI conversions of Google's discovery documents).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ContractChecker, contractChecker } from "./contract";
import type { Fault } from "./faults";
import { type EventTime, instantOf, rfc3339Utc } from "./google-time";
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import {
  accessExpired,
  type OAuthApp,
  type OAuthFakeState,
  oauthAuthorize,
  oauthFakeState,
  oauthToken,
} from "./oauth";
import { VENDOR_SPECS_DIR } from "./sendgrid";

export const GOOGLE_SPEC_FILES = [
  join(VENDOR_SPECS_DIR, "google", "gmail.v1.json"),
  join(VENDOR_SPECS_DIR, "google", "calendar.v3.json"),
] as const;

export interface GmailMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  snippet: string;
  internalDate: string;
  historyId: string;
  sizeEstimate: number;
  payload: { mimeType: string; headers: { name: string; value: string }[] };
  raw?: string;
}

export interface CalendarEvent extends Record<string, unknown> {
  id: string;
  start: EventTime;
  end: EventTime;
  summary?: string;
  /** "transparent" events do not block time in free/busy. */
  transparency?: "opaque" | "transparent";
}

/** Who Google emails about an insert: events.insert `sendUpdates`; missing means "none" (GG5). */
export type SendUpdates = "all" | "externalOnly" | "none";

export interface GoogleState {
  messages: GmailMessage[];
  /** Messages received by users.messages.send, in order (duplicates show up here). */
  sent: { raw: string; threadId?: string }[];
  /** Drafts in the mailbox (users.drafts.create), in order; their messages carry the DRAFT label. */
  drafts: { id: string; message: GmailMessage }[];
  /** Events by calendar id. */
  events: Map<string, CalendarEvent[]>;
  /** Every events.insert request, in order, with whom Google would have emailed the invitation. */
  inserts: { body: Record<string, unknown>; sendUpdates: SendUpdates }[];
  nextId: number;
  /** The OAuth side: /o/oauth2/v2/auth and POST /token (Google's paths, on the fake's origin). */
  oauth: OAuthFakeState;
}

export interface GoogleSeed {
  /** The OAuth side (accounts.google.com's consent, oauth2.googleapis.com/token) on the fake's origin. */
  oauth?: { apps?: OAuthApp[]; accessTtlSec?: number };
  messages?: { threadId?: string; from: string; subject: string; snippet: string; labelIds?: string[] }[];
  /** `start`/`end`: RFC 3339 date-times, or YYYY-MM-DD for all-day events. */
  events?: { calendarId?: string; id?: string; summary: string; start: string; end: string }[];
}

/**
 * The calendar document's server is https://www.googleapis.com/calendar/v3, so its paths are relative to
 * /calendar/v3: the copy spells the prefix out so Gmail and Calendar route on one fake (files never modified).
 */
function withServerPath(file: string, dir: string): string {
  const doc = JSON.parse(readFileSync(file, "utf8")) as { servers?: { url: string }[]; paths: object };
  const prefix = new URL(doc.servers?.[0]?.url ?? "https://x/").pathname.replace(/\/$/, "");
  const paths = Object.fromEntries(Object.entries(doc.paths).map(([p, v]) => [`${prefix}${p}`, v]));
  const copy = join(dir, file.split("/").at(-1) ?? "spec.json");
  writeFileSync(copy, JSON.stringify({ ...doc, paths }));
  return copy;
}

let checker: ContractChecker | undefined;
export function googleContract(): ContractChecker {
  if (checker) return checker;
  const dir = mkdtempSync(join(tmpdir(), "google-spec-"));
  checker = contractChecker(GOOGLE_SPEC_FILES.map((f) => withServerPath(f, dir)));
  return checker;
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
};

export const googleError = (status: number, message: string, reason: string): Reply =>
  json(status, {
    error: {
      code: status,
      message,
      status: STATUS_NAMES[status] ?? "UNKNOWN",
      errors: [{ message, domain: "global", reason }],
    },
  });

const QUOTA_MESSAGES = {
  rateLimitExceeded: "Rate Limit Exceeded",
  userRateLimitExceeded: "User Rate Limit Exceeded",
  dailyLimitExceeded: "Daily Limit Exceeded",
} as const;

/** Google's quota refusal (GG2, GG4): 403 PERMISSION_DENIED or 429 RESOURCE_EXHAUSTED, reason in errors[]. */
export function googleQuotaFault(reason: keyof typeof QUOTA_MESSAGES, status: 403 | 429 = 403): Fault {
  const message = QUOTA_MESSAGES[reason];
  return {
    kind: "status",
    status,
    body: {
      error: {
        code: status,
        message,
        errors: [{ message, domain: "usageLimits", reason }],
        status: status === 429 ? "RESOURCE_EXHAUSTED" : "PERMISSION_DENIED",
      },
    },
  };
}

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);

function header(m: GmailMessage, name: string): string {
  return m.payload.headers.find((h) => h.name.toLowerCase() === name)?.value ?? "";
}

/** Gmail search, simplified: every term (`from:x`, `subject:x`, `in:label`, `after:t` or a word) must match. */
function matchesQuery(m: GmailMessage, q: string): boolean {
  return q
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => {
      const [key, value] = term.includes(":") ? (term.split(":", 2) as [string, string]) : ["", term];
      // in:sent / in:inbox by label; after: epoch seconds or YYYY/MM/DD, as Gmail takes them
      if (key === "in") return m.labelIds.includes(value.toUpperCase());
      // the Message-ID header, brackets optional on either side
      if (key === "rfc822msgid")
        return header(m, "message-id").replace(/^<|>$/g, "") === value.replace(/^<|>$/g, "");
      if (key === "after") {
        const at = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value.replaceAll("/", "-"));
        return Number(m.internalDate) >= at;
      }
      const hay =
        key === "from" || key === "subject"
          ? header(m, key)
          : `${header(m, "from")} ${header(m, "subject")} ${m.snippet}`;
      return hay.toLowerCase().includes(value.toLowerCase());
    });
}

function page<T>(rows: T[], size: number, token: string | null): { items: T[]; next?: string } {
  const start = token ? Number(Buffer.from(token, "base64url").toString()) || 0 : 0;
  const next =
    start + size < rows.length ? Buffer.from(String(start + size)).toString("base64url") : undefined;
  return { items: rows.slice(start, start + size), ...(next ? { next } : {}) };
}

/** RFC 2047 encoded words (=?UTF-8?B?…?=) decoded, as Gmail shows header values. */
const decodeWords = (v: string) =>
  v.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b64: string) => Buffer.from(b64, "base64").toString("utf8"));

/** The message a raw RFC 2822 text (base64url) makes, headers parsed as Gmail exposes them. */
function messageOf(state: GoogleState, raw: string, labelIds: string[]): GmailMessage {
  const text = Buffer.from(raw, "base64url").toString("utf8");
  const split = text.search(/\r?\n\r?\n/);
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? "" : text.slice(split).trim();
  const headers = head
    .split(/\r?\n/)
    .map((l) => l.match(/^([\w-]+):\s*(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ name: m[1] as string, value: decodeWords(m[2] as string) }));
  const id = `18f${String(state.nextId++).padStart(13, "0")}`;
  return {
    id,
    threadId: id,
    labelIds,
    snippet: body.slice(0, 200),
    internalDate: String(Date.now()),
    historyId: String(1000 + state.nextId),
    sizeEstimate: raw.length,
    payload: { mimeType: "text/plain", headers },
  };
}

/** users.drafts.create/list/get; a draft needs message.raw, as Gmail's own refusal says. */
function drafts(state: GoogleState, req: FakeRequest, rest: string): Reply | undefined {
  if (rest === "drafts" && req.method === "POST") {
    const raw = (req.json as { message?: { raw?: string } } | undefined)?.message?.raw;
    if (!raw) return googleError(400, "Missing draft message", "invalidArgument");
    const draft = {
      id: `r${String(state.nextId++).padStart(19, "0")}`,
      message: messageOf(state, raw, ["DRAFT"]),
    };
    state.drafts.push(draft);
    return json(200, {
      id: draft.id,
      message: { id: draft.message.id, threadId: draft.message.threadId, labelIds: ["DRAFT"] },
    });
  }
  if (rest === "drafts" && req.method === "GET") {
    const q = req.query.get("q") ?? "";
    const found = state.drafts.filter((d) => matchesQuery(d.message, q));
    const { items, next } = page(
      found,
      Number(req.query.get("maxResults") ?? 100),
      req.query.get("pageToken"),
    );
    return json(200, {
      ...(items.length
        ? {
            drafts: items.map((d) => ({
              id: d.id,
              message: { id: d.message.id, threadId: d.message.threadId },
            })),
          }
        : {}),
      resultSizeEstimate: found.length,
      ...(next ? { nextPageToken: next } : {}),
    });
  }
  const one = rest.match(/^drafts\/([^/]+)$/);
  if (one && req.method === "GET") {
    const d = state.drafts.find((x) => x.id === one[1]);
    return d ? json(200, d) : googleError(404, "Requested entity was not found.", "notFound");
  }
  return undefined;
}

function gmail(state: GoogleState, req: FakeRequest, rest: string): Reply {
  const draft = drafts(state, req, rest);
  if (draft) return draft;
  if (rest === "messages" && req.method === "GET") {
    const q = req.query.get("q") ?? "";
    const found = state.messages.filter((m) => matchesQuery(m, q));
    const { items, next } = page(
      found,
      Number(req.query.get("maxResults") ?? 100),
      req.query.get("pageToken"),
    );
    return json(200, {
      ...(items.length ? { messages: items.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
      resultSizeEstimate: found.length,
      ...(next ? { nextPageToken: next } : {}),
    });
  }
  if (rest === "messages/send" && req.method === "POST") {
    const body = req.json as { raw?: string; threadId?: string };
    if (!body?.raw) return googleError(400, "Invalid to header", "invalidArgument");
    state.sent.push({ raw: body.raw, ...(body.threadId ? { threadId: body.threadId } : {}) });
    const id = `18f${String(state.nextId++).padStart(13, "0")}`;
    const message: GmailMessage = {
      id,
      threadId: body.threadId ?? id,
      labelIds: ["SENT"],
      snippet: "",
      internalDate: String(Date.now()),
      historyId: String(1000 + state.nextId),
      sizeEstimate: body.raw.length,
      payload: { mimeType: "text/plain", headers: [] },
    };
    state.messages.push(message);
    return json(200, { id, threadId: message.threadId, labelIds: message.labelIds });
  }
  const msg = rest.match(/^messages\/([^/]+)$/);
  if (msg && req.method === "GET") {
    const m = [...state.messages, ...state.drafts.map((d) => d.message)].find((x) => x.id === msg[1]);
    return m ? json(200, m) : googleError(404, "Requested entity was not found.", "notFound");
  }
  const thread = rest.match(/^threads\/([^/]+)$/);
  if (thread && req.method === "GET") {
    const messages = state.messages.filter((x) => x.threadId === thread[1]);
    if (!messages.length) return googleError(404, "Requested entity was not found.", "notFound");
    return json(200, { id: thread[1], historyId: messages.at(-1)?.historyId, messages });
  }
  return googleError(404, "Not Found", "notFound");
}

/** Compared as instants, so offsets, time zones and all-day dates line up (not as strings). */
function overlaps(e: CalendarEvent, min?: string | null, max?: string | null): boolean {
  const start = instantOf(e.start) ?? 0;
  const end = instantOf(e.end) ?? 0;
  return (!max || start < Date.parse(max)) && (!min || end > Date.parse(min));
}

const byStart = (a: CalendarEvent, b: CalendarEvent) => (instantOf(a.start) ?? 0) - (instantOf(b.start) ?? 0);

function sendUpdatesOf(query: URLSearchParams): SendUpdates {
  const asked = query.get("sendUpdates");
  if (asked === "all" || asked === "externalOnly" || asked === "none") return asked;
  // the deprecated boolean still works when sendUpdates is absent
  return query.get("sendNotifications") === "true" ? "all" : "none";
}

const utcOf = (t: EventTime) => rfc3339Utc(instantOf(t) ?? 0);

function calendar(state: GoogleState, req: FakeRequest, rest: string): Reply {
  if (rest === "freeBusy" && req.method === "POST") {
    const body = req.json as { timeMin: string; timeMax: string; items?: { id: string }[] };
    const calendars = Object.fromEntries(
      (body.items ?? []).map(({ id }) => [
        id,
        state.events.has(id)
          ? {
              busy: (state.events.get(id) ?? [])
                .filter((e) => e.transparency !== "transparent" && overlaps(e, body.timeMin, body.timeMax))
                .sort(byStart)
                .map((e) => ({ start: utcOf(e.start), end: utcOf(e.end) })),
            }
          : { errors: [{ domain: "global", reason: "notFound" }], busy: [] },
      ]),
    );
    return json(200, { kind: "calendar#freeBusy", timeMin: body.timeMin, timeMax: body.timeMax, calendars });
  }
  const one = rest.match(/^calendars\/([^/]+)\/events\/([^/]+)$/);
  if (one && req.method === "GET") {
    const found = state.events.get(decodeURIComponent(one[1] as string))?.find((e) => e.id === one[2]);
    return found ? json(200, found) : googleError(404, "Not Found", "notFound");
  }
  const m = rest.match(/^calendars\/([^/]+)\/events$/);
  if (!m) return googleError(404, "Not Found", "notFound");
  const calendarId = decodeURIComponent(m[1] as string);
  const list = state.events.get(calendarId) ?? [];
  if (req.method === "GET") {
    const found = list
      .filter((e) => overlaps(e, req.query.get("timeMin"), req.query.get("timeMax")))
      .sort(byStart);
    const { items, next } = page(
      found,
      Number(req.query.get("maxResults") ?? 250),
      req.query.get("pageToken"),
    );
    return json(200, {
      kind: "calendar#events",
      summary: calendarId,
      timeZone: "UTC",
      items,
      ...(next ? { nextPageToken: next } : {}),
    });
  }
  const body = req.json as Record<string, unknown> & Partial<CalendarEvent>;
  state.inserts.push({ body, sendUpdates: sendUpdatesOf(req.query) });
  const id = body.id ?? `evt${state.nextId++}`;
  for (const side of ["start", "end"] as const) {
    if (instantOf(body[side]) === undefined) return googleError(400, `Missing ${side} time.`, "required");
  }
  // client-chosen ids: base32hex, 5 to 1024 characters; a second insert with one is refused
  if (!/^[a-v0-9]{5,1024}$/.test(id)) return googleError(400, "Invalid resource id value.", "invalid");
  if (list.some((e) => e.id === id))
    return googleError(409, "The requested identifier already exists.", "duplicate");
  const stored = {
    ...body,
    id,
    kind: "calendar#event",
    status: "confirmed",
    htmlLink: `https://www.google.com/calendar/event?eid=${id}`,
    created: new Date().toISOString(),
  } as CalendarEvent;
  state.events.set(calendarId, [...list, stored]);
  return json(200, stored);
}

const seedTime = (t: string): EventTime => (/^\d{4}-\d{2}-\d{2}$/.test(t) ? { date: t } : { dateTime: t });

export function googleState(seed: GoogleSeed = {}): GoogleState {
  const state: GoogleState = {
    messages: [],
    sent: [],
    drafts: [],
    events: new Map(),
    inserts: [],
    nextId: 1,
    oauth: oauthFakeState("google", seed.oauth),
  };
  for (const [i, s] of (seed.messages ?? []).entries()) {
    const id = `18e${String(i + 1).padStart(13, "0")}`;
    state.messages.push({
      id,
      threadId: s.threadId ?? id,
      labelIds: s.labelIds ?? ["INBOX"],
      snippet: s.snippet,
      internalDate: String(T0 + i * 60_000),
      historyId: String(100 + i),
      sizeEstimate: 1000,
      payload: {
        mimeType: "text/plain",
        headers: [
          { name: "From", value: s.from },
          { name: "Subject", value: s.subject },
        ],
      },
    });
  }
  for (const e of seed.events ?? []) {
    const calendarId = e.calendarId ?? "primary";
    state.events.set(calendarId, [
      ...(state.events.get(calendarId) ?? []),
      {
        id: e.id ?? `seed${state.nextId++}`,
        summary: e.summary,
        start: seedTime(e.start),
        end: seedTime(e.end),
      },
    ]);
  }
  return state;
}

/** Starts the Gmail + Calendar fake (one origin; point both clients' rootUrl at it). */
export function startGoogleFake(seed: GoogleSeed = {}): Promise<RunningFake<GoogleState>> {
  const state = googleState(seed);
  const unauthorized = () => googleError(401, "Request had invalid authentication credentials.", "authError");
  return startFake(
    {
      name: "google",
      route: (req) => {
        if (req.path === "/o/oauth2/v2/auth") return oauthAuthorize(state.oauth, req);
        if (req.path === "/token" && req.method === "POST")
          return (
            oauthToken(state.oauth, req, "") ??
            json(400, { error: "invalid_grant", error_description: "Bad Request" })
          );
        if (!req.bearer || accessExpired(state.oauth, req.bearer)) return unauthorized();
        const g = req.path.match(/^\/gmail\/v1\/users\/me\/(.+)$/);
        if (g) return gmail(state, req, g[1] as string);
        const c = req.path.match(/^\/calendar\/v3\/(.+)$/);
        if (c) return calendar(state, req, c[1] as string);
        return googleError(404, "Not Found", "notFound");
      },
      unauthorized,
      isPublic: (req) => req.path === "/o/oauth2/v2/auth" || req.path === "/token",
      contract: googleContract(),
      contractRejection: (v) => googleError(400, v.errors.join("; "), "invalidArgument"),
    },
    state,
  );
}
