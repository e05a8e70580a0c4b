/**
 * SendGrid v3 fake: mail send, unsubscribes, global suppressions, marketing contacts upsert, marketing lists,
 * Single Sends (create, get, search, schedule) and their stats. Every
 * request and answer is checked against the published specs in ../shared/vendor-specs/sendgrid/.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ContractChecker, contractChecker } from "./contract";
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";

export interface SentMessage {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface SendGridState {
  messages: SentMessage[];
  /**
   * Addresses SendGrid accepted (202) and then dropped, as it does for unsubscribed and globally suppressed
   * recipients: the suppressed outcome a test can see (delivered = the message's other recipients).
   */
  dropped: { messageId: string; email: string; reason: "unsubscribed" | "suppressed" }[];
  /** Address → unix seconds it unsubscribed. */
  unsubscribes: Map<string, number>;
  globalSuppressions: Set<string>;
  contacts: Map<string, Record<string, unknown>>;
  jobs: string[];
  lists: Map<string, FakeList>;
  singleSends: Map<string, FakeSingleSend>;
  /** Stats per Single Send id; a scheduled send without seeded stats reports its list delivered in full. */
  stats: Map<string, Partial<Metrics>>;
}

export interface FakeList {
  id: string;
  name: string;
  emails: string[];
}

export interface FakeSingleSend {
  id: string;
  name: string;
  status: "draft" | "scheduled" | "triggered";
  send_at: string | null;
  body: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export const METRICS = [
  "bounce_drops",
  "bounces",
  "clicks",
  "delivered",
  "invalid_emails",
  "opens",
  "requests",
  "spam_report_drops",
  "spam_reports",
  "unique_clicks",
  "unique_opens",
  "unsubscribes",
] as const;
export type Metrics = Record<(typeof METRICS)[number], number>;

export interface SendGridSeed {
  unsubscribes?: string[];
  globalSuppressions?: string[];
  lists?: FakeList[];
}

const here = dirname(fileURLToPath(import.meta.url));
const SHARED_SPECS = join(here, "../../../../../shared/vendor-specs");
/**
 * The vendors' published contracts: REVOPS_VENDOR_SPECS, else ../shared/vendor-specs beside the checkout when
 * present (the latest copies), else the byte-for-byte copies committed in packages/testing/vendor-specs (CI).
 */
export const VENDOR_SPECS_DIR = resolve(
  process.env.REVOPS_VENDOR_SPECS ??
    (existsSync(join(SHARED_SPECS, "sendgrid")) ? SHARED_SPECS : join(here, "../../vendor-specs")),
);
export const SENDGRID_SPEC_FILES = [
  "tsg_mail_v3.json",
  "tsg_suppressions_v3.json",
  "tsg_mc_contacts_v3.json",
  "tsg_mc_lists_v3.json",
  "tsg_mc_singlesends_v3.json",
  "tsg_mc_stats_v3.json",
].map((f) => join(VENDOR_SPECS_DIR, "sendgrid", f));

let checker: ContractChecker | undefined;

/** Compiled once per process: building the validators is the slow part. */
export function sendgridContract(): ContractChecker {
  checker ??= contractChecker(SENDGRID_SPEC_FILES, {
    knownGaps: [
      {
        operationId: "GetGlobalSuppression",
        status: 200,
        accepts: (body) => typeof body === "object" && body !== null && Object.keys(body).length === 0,
        reason: "the spec requires recipient_email, yet its description says an unsuppressed address gets {}",
      },
    ],
  });
  return checker;
}

const sgError = (status: number, message: string, field: string | null = null): Reply =>
  json(status, { errors: [{ message, field }] });

function route(state: SendGridState, req: FakeRequest): Reply {
  if (!req.bearer) return sgError(401, "authorization required");
  if (req.path === "/v3/mail/send" && req.method === "POST") {
    const id = `fake-msg-${state.messages.length + 1}`;
    const body = req.json as { personalizations?: { to?: { email?: string }[] }[] };
    state.messages.push({ id, body: body as Record<string, unknown>, at: Date.now() });
    for (const p of body.personalizations ?? [])
      for (const to of p.to ?? []) {
        const email = String(to.email ?? "").toLowerCase();
        if (state.unsubscribes.has(email))
          state.dropped.push({ messageId: id, email, reason: "unsubscribed" });
        else if (state.globalSuppressions.has(email))
          state.dropped.push({ messageId: id, email, reason: "suppressed" });
      }
    return { status: 202, headers: { "x-message-id": id } };
  }
  if (req.path === "/v3/suppression/unsubscribes" && req.method === "GET") {
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit") ?? 500);
    // `email` filters by a partial match (EmailPartialMatch in the spec)
    const wanted = req.query.get("email")?.toLowerCase();
    const all = [...state.unsubscribes]
      .filter(([email]) => !wanted || email.includes(wanted))
      .map(([email, created]) => ({ email, created }));
    return json(200, all.slice(offset, offset + limit));
  }
  const global = req.path.match(/^\/v3\/asm\/suppressions\/global\/([^/]+)$/);
  if (global && req.method === "GET") {
    const email = decodeURIComponent(global[1] as string);
    return json(200, state.globalSuppressions.has(email.toLowerCase()) ? { recipient_email: email } : {});
  }
  if (req.path === "/v3/marketing/contacts" && req.method === "PUT") {
    const contacts = (req.json as { contacts?: Record<string, unknown>[] }).contacts ?? [];
    for (const c of contacts) {
      const email = String(c.email ?? "").toLowerCase();
      if (email) state.contacts.set(email, { ...state.contacts.get(email), ...c });
    }
    const jobId = `job-${state.jobs.length + 1}`;
    state.jobs.push(jobId);
    return json(202, { job_id: jobId });
  }
  return marketingRoute(state, req) ?? sgError(404, "not found");
}

const short = (s: FakeSingleSend) => ({
  id: s.id,
  name: s.name,
  abtest: null,
  status: s.status,
  categories: [],
  ...(s.send_at && { send_at: s.send_at }),
  is_abtest: false,
  created_at: s.created_at,
  updated_at: s.updated_at,
});

/** A Single Send as create and get answer it (SinglesendResponse): the stored fields over its short form. */
const full = (s: FakeSingleSend) => ({
  ...short(s),
  abtest: undefined,
  ...s.body,
  id: s.id,
  status: s.status,
});

/** Recipients of a scheduled send: its lists' addresses less unsubscribed and globally suppressed ones. */
function statsOf(state: SendGridState, s: FakeSingleSend): Metrics {
  const listIds = ((s.body.send_to as { list_ids?: string[] } | undefined)?.list_ids ?? []) as string[];
  const emails = new Set(
    listIds.flatMap((id) => state.lists.get(id)?.emails ?? []).map((e) => e.toLowerCase()),
  );
  const sendable = [...emails].filter((e) => !state.unsubscribes.has(e) && !state.globalSuppressions.has(e));
  const zero = Object.fromEntries(METRICS.map((m) => [m, 0])) as Metrics;
  const scheduled =
    s.status === "draft" ? zero : { ...zero, requests: sendable.length, delivered: sendable.length };
  return { ...scheduled, ...state.stats.get(s.id) };
}

function marketingRoute(state: SendGridState, req: FakeRequest): Reply | undefined {
  const list = req.path.match(/^\/v3\/marketing\/lists\/([^/]+)$/);
  if (list && req.method === "GET") {
    const l = state.lists.get(decodeURIComponent(list[1] as string));
    // this operation's 404 is a bare array of errors in the spec
    if (!l) return json(404, [{ message: "list not found", field: "id" }]);
    const sample = req.query.get("contact_sample") === "true";
    return json(200, {
      id: l.id,
      name: l.name,
      contact_count: l.emails.length,
      // the spec's contact_sample is one contact (ContactDetails), not a list
      ...(sample &&
        l.emails[0] && {
          contact_sample: {
            id: "00000000-0000-4000-8000-000000000001",
            email: l.emails[0],
            list_ids: [l.id],
            created_at: "2026-01-01T00:00:00Z",
            updated_at: "2026-01-01T00:00:00Z",
          },
        }),
      _metadata: {},
    });
  }
  if (req.path === "/v3/marketing/singlesends" && req.method === "POST") {
    const body = req.json as Record<string, unknown>;
    const at = new Date().toISOString();
    const n = state.singleSends.size + 1;
    const id = `5e1d0000-0000-4000-8000-${String(n).padStart(12, "0")}`;
    const s: FakeSingleSend = {
      id,
      name: String(body.name),
      status: "draft",
      send_at: null,
      body,
      created_at: at,
      updated_at: at,
    };
    state.singleSends.set(id, s);
    return json(201, full(s));
  }
  const one = req.path.match(/^\/v3\/marketing\/singlesends\/([^/]+)$/);
  if (one && one[1] !== "search" && req.method === "GET") {
    const s = state.singleSends.get(decodeURIComponent(one[1] as string));
    if (!s) return sgError(404, "single send not found", "id");
    return json(200, { ...full(s), ...(s.send_at && { send_at: s.send_at }) });
  }
  if (req.path === "/v3/marketing/singlesends/search" && req.method === "POST") {
    const name = String((req.json as { name?: string }).name ?? "").toLowerCase();
    const found = [...state.singleSends.values()].filter((s) => s.name.toLowerCase().includes(name));
    return json(200, { result: found.map(short), _metadata: { count: found.length } });
  }
  const schedule = req.path.match(/^\/v3\/marketing\/singlesends\/([^/]+)\/schedule$/);
  if (schedule && req.method === "PUT") {
    const s = state.singleSends.get(decodeURIComponent(schedule[1] as string));
    if (!s) return sgError(404, "single send not found");
    const at = String((req.json as { send_at: string }).send_at);
    s.status = "scheduled";
    s.send_at = at === "now" ? new Date().toISOString() : at;
    s.updated_at = new Date().toISOString();
    return json(201, { send_at: s.send_at, status: "scheduled" });
  }
  const stats = req.path.match(/^\/v3\/marketing\/stats\/singlesends\/([^/]+)$/);
  if (stats && req.method === "GET") {
    const s = state.singleSends.get(decodeURIComponent(stats[1] as string));
    if (!s) return sgError(404, "single send not found");
    return json(200, {
      results: [
        { id: s.id, ab_variation: "all", ab_phase: "all", aggregation: "total", stats: statsOf(state, s) },
      ],
      _metadata: { count: 1 },
    });
  }
  return undefined;
}

export function sendgridState(seed: SendGridSeed = {}): SendGridState {
  return {
    messages: [],
    dropped: [],
    unsubscribes: new Map((seed.unsubscribes ?? []).map((e) => [e.toLowerCase(), 1_700_000_000])),
    globalSuppressions: new Set((seed.globalSuppressions ?? []).map((e) => e.toLowerCase())),
    contacts: new Map(),
    jobs: [],
    lists: new Map((seed.lists ?? []).map((l) => [l.id, l])),
    singleSends: new Map(),
    stats: new Map(),
  };
}

/** Starts the SendGrid fake: requests the real API would reject get a 400 and a recorded violation. */
export function startSendGridFake(seed: SendGridSeed = {}): Promise<RunningFake<SendGridState>> {
  const state = sendgridState(seed);
  return startFake(
    {
      name: "sendgrid",
      route: (req) => route(state, req),
      unauthorized: () => sgError(401, "The provided authorization grant is invalid, expired, or revoked"),
      contract: sendgridContract(),
      contractRejection: (v) => json(400, { errors: v.errors.map((message) => ({ message, field: null })) }),
    },
    state,
  );
}
