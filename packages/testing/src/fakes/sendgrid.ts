/**
 * SendGrid v3 fake: mail send, unsubscribes, global suppressions, marketing contacts upsert. Every
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
  /** Address → unix seconds it unsubscribed. */
  unsubscribes: Map<string, number>;
  globalSuppressions: Set<string>;
  contacts: Map<string, Record<string, unknown>>;
  jobs: string[];
}

export interface SendGridSeed {
  unsubscribes?: string[];
  globalSuppressions?: string[];
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
    state.messages.push({ id, body: req.json as Record<string, unknown>, at: Date.now() });
    return { status: 202, headers: { "x-message-id": id } };
  }
  if (req.path === "/v3/suppression/unsubscribes" && req.method === "GET") {
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit") ?? 500);
    const all = [...state.unsubscribes].map(([email, created]) => ({ email, created }));
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
  return sgError(404, "not found");
}

export function sendgridState(seed: SendGridSeed = {}): SendGridState {
  return {
    messages: [],
    unsubscribes: new Map((seed.unsubscribes ?? []).map((e) => [e.toLowerCase(), 1_700_000_000])),
    globalSuppressions: new Set((seed.globalSuppressions ?? []).map((e) => e.toLowerCase())),
    contacts: new Map(),
    jobs: [],
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
