import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AUDIT_OUTCOMES, type AuditLog, type AuditOutcome, type AuditQuery } from "@revops/audit";
import { type ApiKeyStore, AREAS, isKnownRole, missingScopes, type RoleMap } from "@revops/auth";
import type { Approval, ApprovalsAdmin } from "@revops/guards";
import type { KeyValue, SqlDb } from "@revops/store";
import { type Node, renderPage } from "./html";
import { FLOW_TTL_MS, type OidcIdentity, OidcRefused, type OidcSettings, OidcSignIn } from "./oidc";
import { decideOidc } from "./oidc-policy";
import type { ScryptParams } from "./passwords";
import { DEFAULT_LIMITS, SignInLimiter, type SignInLimits } from "./rate-limit";
import { STYLESHEET } from "./style";
import { type ConsoleSession, ConsoleUsers, sameToken } from "./users";
import {
  APPROVAL_STATUSES,
  type AuditFilters,
  approvalPage,
  approvalsPage,
  auditPage,
  BASE,
  errorPage,
  keysPage,
  signedInPage,
  signedOutPage,
  signInPage,
  signInRefusedPage,
  welcomePage,
} from "./views";
import { type ConnectionStatus, connectionsPage, rolesPage, type UsageSource, usagePage } from "./views-ops";

export type ConsoleLog = (
  level: "info" | "warn" | "error",
  message: string,
  fields?: Record<string, unknown>,
) => void;

export interface ConsoleOptions {
  db: SqlDb;
  /** Sign-in counters: the runtime's key-value store (Redis with several replicas). */
  kv: () => Promise<KeyValue>;
  apiKeys: ApiKeyStore;
  audit: () => Promise<AuditLog>;
  /** The guards' approvals API, as the CLI uses it. */
  approvals: ApprovalsAdmin;
  roles?: RoleMap;
  /** Secure cookies: true unless the server is bound to loopback over plain HTTP. */
  secureCookies: boolean;
  /** The scopes a tool needs, when the embedding server knows them; otherwise inferred from the tool's name. */
  toolScopes?: (tool: string) => readonly string[] | undefined;
  limits?: Partial<SignInLimits>;
  scrypt?: ScryptParams;
  now?: () => Date;
  log?: ConsoleLog;
  /** Vendor API usage and cost (the cost ledger); the usage page says so when absent. */
  usage?: () => Promise<UsageSource>;
  /** The doctor's checks of every configured connection, run when the page is opened. */
  connections?: () => Promise<ConnectionStatus[]>;
  /** The organisation's OpenID Connect login ("Sign in with …"), beside or instead of passwords. */
  oidc?: OidcSettings;
  /** Password sign-in and one-time links (default true); false leaves only the organisation's login. */
  localSignIn?: boolean;
}

/** Most records one audit export carries; narrower filters get the rest. */
const EXPORT_MAX = 10_000;
const DAY_MS = 86_400_000;
const isDay = (v: string | undefined): v is string =>
  !!v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));

const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** The console's response headers (strict CSP, no framing, no caching): every server-rendered page sends them. */
export const PAGE_HEADERS: Record<string, string> = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // not no-referrer: Chromium then sends `Origin: null` on form posts, which the transport's Origin check refuses
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
  "cross-origin-opener-policy": "same-origin",
};
const MAX_FORM_BYTES = 16 * 1024;
/** The ID token of an organisation-login session, keyed by the session id's hash (never the id itself). */
const idTokenKey = (sessionId: string) =>
  `console:oidc:session:${createHash("sha256").update(sessionId).digest("hex")}`;
const VERB_OF_KIND: Record<string, string> = { spend: "spend", outbound: "send", destructive: "write" };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The scopes a console user needs to decide a plan: the plan's verb (write/send/spend) in the tool's area. */
export function scopesToDecide(a: Pick<Approval, "tool" | "kind">, toolScopes?: readonly string[]): string[] {
  const verb = VERB_OF_KIND[a.kind] ?? "write";
  const areas = toolScopes?.length
    ? [...new Set(toolScopes.map((s) => s.split(":")[0] as string))].filter((x) => x !== "*")
    : AREAS.filter((x) => x !== "audit" && a.tool.startsWith(`${x}_`));
  // a tool whose area is unknown needs the verb in every area: in practice an admin
  const needed = (areas.length ? areas : AREAS.filter((x) => x !== "audit")).map((x) => `${x}:${verb}`);
  return [...new Set([...(toolScopes ?? []), ...needed])].sort();
}

function parseCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** A urlencoded form of at most 16 KiB; anything else is a 415 or 413 (`status` on the thrown error). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim();
  if (type !== "application/x-www-form-urlencoded") throw new HttpError(415, "Forms only.");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, "Form too large.");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** The admin console at /console: cookie sessions only, never the MCP bearer token. */
export class AdminConsole {
  readonly users: ConsoleUsers;
  private readonly limiter: SignInLimiter;
  private readonly cookie: string;
  private readonly preCookie: string;
  private readonly flowCookie: string;
  private readonly oidc: OidcSignIn | undefined;
  private readonly log: ConsoleLog;
  private verified: { at: number; report: Awaited<ReturnType<AuditLog["verify"]>> } | undefined;

  constructor(private readonly opts: ConsoleOptions) {
    this.users = new ConsoleUsers(opts.db, {
      ...(opts.roles && { roles: opts.roles }),
      ...(opts.scrypt && { scrypt: opts.scrypt }),
      ...(opts.now && { now: opts.now }),
    });
    this.limiter = new SignInLimiter(opts.kv, { ...DEFAULT_LIMITS, ...opts.limits });
    // __Host- cookies must be Secure, so plain loopback HTTP uses an unprefixed name
    this.cookie = opts.secureCookies ? "__Host-revops_console" : "revops_console";
    this.preCookie = `${this.cookie}_csrf`;
    this.flowCookie = `${this.cookie}_oidc`;
    this.oidc = opts.oidc && new OidcSignIn(opts.oidc, opts.kv);
    this.log = opts.log ?? (() => {});
  }

  /** The kit's `routes` hook: true when the request was for the console (it is then answered asynchronously). */
  readonly route = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path !== BASE && !path.startsWith(`${BASE}/`)) return false;
    this.handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) this.log("error", "console request failed", { error: (err as Error).message });
      if (!res.headersSent)
        this.page(
          res,
          status,
          errorPage({
            status,
            message: status === 500 ? "Internal error; see the server log." : (err as Error).message,
          }),
        );
    });
    return true;
  };

  /** Lax only for the provider's flow cookie: it must come back on the provider's cross-site redirect. */
  private setCookie(res: ServerResponse, name: string, value: string, maxAge: number, sameSite = "Strict") {
    const flags = ["Path=/", "HttpOnly", `SameSite=${sameSite}`, `Max-Age=${maxAge}`];
    if (this.opts.secureCookies) flags.push("Secure");
    const prev = res.getHeader("set-cookie");
    const list = Array.isArray(prev) ? prev : prev ? [String(prev)] : [];
    res.setHeader("set-cookie", [...list, `${name}=${value}; ${flags.join("; ")}`]);
  }

  private page(res: ServerResponse, status: number, node: Node) {
    res.writeHead(status, { ...PAGE_HEADERS, "content-type": "text/html; charset=utf-8" });
    res.end(renderPage(node));
  }

  private redirect(res: ServerResponse, to: string) {
    res.writeHead(303, { ...PAGE_HEADERS, location: to });
    res.end();
  }

  private async session(req: IncomingMessage): Promise<ConsoleSession | undefined> {
    const id = parseCookies(req).get(this.cookie);
    return id ? this.users.session(id) : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://console.invalid");
    const path = url.pathname.replace(/\/+$/, "") || BASE;
    const method = req.method ?? "GET";
    if (method === "GET" && path === `${BASE}/static/console.css`) {
      res.writeHead(200, {
        ...PAGE_HEADERS,
        "content-type": "text/css; charset=utf-8",
        "cache-control": "public, max-age=3600",
      });
      res.end(STYLESHEET);
      return;
    }
    if (method !== "GET" && method !== "POST") throw new HttpError(405, "GET or POST only.");
    if (path === `${BASE}/signin`) return method === "GET" ? this.signInForm(res) : this.signIn(req, res);
    if (path === `${BASE}/oidc/start` && method === "GET") return this.oidcStart(req, res);
    if (path === `${BASE}/oidc/callback` && method === "GET") return this.oidcCallback(req, url, res);
    if (path === `${BASE}/welcome`)
      return method === "GET" ? this.welcomeForm(url, res) : this.welcome(req, res);

    const session = await this.session(req);
    if (!session) {
      if (method === "GET") return this.redirect(res, `${BASE}/signin`);
      throw new HttpError(401, "Sign in first.");
    }
    let form: URLSearchParams | undefined;
    if (method === "POST") {
      form = await readForm(req);
      // every state change carries the session's CSRF token (besides SameSite=Strict)
      if (!sameToken(form.get("_csrf") ?? undefined, session.csrf))
        throw new HttpError(
          403,
          "The form's security token is missing or stale; reload the page and try again.",
        );
    }
    const fail = (status: number, message: string) =>
      this.page(res, status, errorPage({ status, message, session }));

    if (path === BASE && method === "GET") return this.redirect(res, `${BASE}/approvals`);
    if (path === `${BASE}/signout` && form) return this.signOut(req, res);
    if (path === `${BASE}/approvals` && method === "GET") return this.approvals(url, res, session);
    const ap = /^\/console\/approvals\/(apr_[A-Za-z0-9_-]{1,64})(?:\/(approve|reject))?$/.exec(path);
    if (ap)
      return this.approval(res, session, ap[1] as string, ap[2] as "approve" | "reject" | undefined, form);

    const operatorPages: Record<string, () => Promise<void>> = {
      [`${BASE}/audit`]: () => this.audit(url, res, session),
      [`${BASE}/audit/export`]: () => this.auditExport(url, res, session),
      [`${BASE}/usage`]: () => this.usage(url, res, session),
      [`${BASE}/connections`]: () => this.connections(res, session),
      [`${BASE}/roles`]: async () =>
        this.page(res, 200, rolesPage({ session, roles: this.users.roles, users: await this.users.list() })),
    };
    const operatorPage = method === "GET" ? operatorPages[path] : undefined;
    if (operatorPage) {
      // what operators read (records, usage, connections, who holds which role) needs audit:read
      if (missingScopes(session.scopes, ["audit:read"]).length)
        return fail(403, `Your role (${session.user.role}) may not open this page: it needs audit:read.`);
      return operatorPage();
    }
    if (path === `${BASE}/keys` || path.startsWith(`${BASE}/keys/`)) {
      if (!session.scopes.includes("*"))
        return fail(
          403,
          `Only an administrator (role with "*") manages API keys; you are ${session.user.role}.`,
        );
      return this.keys(path, res, session, form);
    }
    return fail(404, `No console page at ${path}.`);
  }

  private get localSignIn(): boolean {
    return this.opts.localSignIn ?? true;
  }

  private signInForm(res: ServerResponse, o: { email?: string; error?: string; status?: number } = {}) {
    const csrf = randomBytes(24).toString("base64url");
    if (this.localSignIn) this.setCookie(res, this.preCookie, csrf, 3600);
    const provider = this.opts.oidc?.providerName;
    this.page(
      res,
      o.status ?? 200,
      signInPage({ csrf, ...o, local: this.localSignIn, ...(provider && { provider }) }),
    );
  }

  private refuseLocal(): never {
    throw new HttpError(
      403,
      `Password sign-in is turned off here; sign in with ${this.opts.oidc?.providerName ?? "the organisation's login"}.`,
    );
  }

  /** Sign-ins and refusals join the audit chain, whichever way the person signed in. */
  private async auditSignIn(
    email: string,
    outcome: "ok" | "denied",
    args: Record<string, unknown>,
    summary: string,
  ) {
    await (await this.opts.audit()).append({
      principal: `console:${email}`,
      server: "revops-console",
      tool: "console_signin",
      outcome,
      args,
      summary,
    });
  }

  private async signIn(req: IncomingMessage, res: ServerResponse) {
    if (!this.localSignIn) this.refuseLocal();
    const form = await readForm(req);
    // no session yet: double-submit token against a pre-sign-in cookie (login CSRF)
    if (!sameToken(form.get("_csrf") ?? undefined, parseCookies(req).get(this.preCookie)))
      throw new HttpError(
        403,
        "The form's security token is missing or stale; reload the page and try again.",
      );
    const rawEmail = (form.get("email") ?? "").trim().toLowerCase().slice(0, 254);
    const password = form.get("password") ?? "";
    const ip = req.socket.remoteAddress ?? "unknown";
    const wait = await this.limiter.attempt(rawEmail, ip);
    if (wait !== undefined) {
      res.setHeader("retry-after", String(wait));
      this.log("warn", "console sign-in rate limited", { email: rawEmail, ip });
      return this.signInForm(res, {
        email: rawEmail,
        status: 429,
        error: `Too many sign-in attempts; try again in ${Math.ceil(wait / 60)} minutes.`,
      });
    }
    const user = await this.users.checkPassword(rawEmail, password);
    if (!user) {
      await this.limiter.failed(rawEmail);
      await this.auditSignIn(rawEmail, "denied", { method: "password" }, "wrong email or password");
      return this.signInForm(res, { email: rawEmail, status: 401, error: "Wrong email or password." });
    }
    await this.limiter.succeeded(rawEmail);
    await this.startSession(res, user.email, "password");
    return this.redirect(res, `${BASE}/approvals`);
  }

  private async startSession(
    res: ServerResponse,
    email: string,
    method: "password" | "link" | "oidc",
    role?: string,
  ): Promise<string> {
    const s = await this.users.startSession(email, role);
    this.setCookie(res, this.cookie, s.id, s.maxAgeSeconds);
    this.setCookie(res, this.preCookie, "", 0);
    this.log("info", "console sign-in", { email, method });
    await this.auditSignIn(
      email,
      "ok",
      { method, ...(role && { role }) },
      `signed in to the console (${method})`,
    );
    return s.id;
  }

  /** Ends the console session; a session from the organisation's login also asks the provider to end its own. */
  private async signOut(req: IncomingMessage, res: ServerResponse) {
    const id = parseCookies(req).get(this.cookie);
    if (id) await this.users.endSession(id);
    this.setCookie(res, this.cookie, "", 0);
    const idToken = id && this.oidc ? await (await this.opts.kv()).take(idTokenKey(id)) : undefined;
    const atProvider = idToken ? await this.oidc?.endSessionUrl(idToken) : undefined;
    if (!atProvider || !this.oidc) return this.redirect(res, `${BASE}/signin`);
    // a page, not a redirect: the CSP's form-action 'self' would stop a form post's redirect to the provider
    this.page(res, 200, signedOutPage({ provider: this.oidc.settings.providerName, next: atProvider.href }));
  }

  /** "Sign in with …": a new flow (state, nonce, PKCE) bound to this browser by a short-lived cookie. */
  private async oidcStart(req: IncomingMessage, res: ServerResponse) {
    if (!this.oidc) throw new HttpError(404, "This console has no organisation sign-in.");
    const ip = req.socket.remoteAddress ?? "unknown";
    const wait = await this.limiter.attempt(undefined, ip);
    if (wait !== undefined) {
      res.setHeader("retry-after", String(wait));
      return this.signInForm(res, {
        status: 429,
        error: `Too many sign-in attempts; try again in ${Math.ceil(wait / 60)} minutes.`,
      });
    }
    let started: Awaited<ReturnType<OidcSignIn["start"]>>;
    try {
      started = await this.oidc.start();
    } catch (err) {
      if (!(err instanceof OidcRefused)) throw err;
      this.log("warn", "console OIDC provider unreachable", { error: err.message });
      return this.signInForm(res, { status: 502, error: err.message });
    }
    this.setCookie(res, this.flowCookie, started.flowId, FLOW_TTL_MS / 1000, "Lax");
    this.redirect(res, started.url.href);
  }

  /** The provider's redirect back: check everything, then the same session cookie as a password sign-in. */
  private async oidcCallback(req: IncomingMessage, url: URL, res: ServerResponse) {
    const oidc = this.oidc;
    if (!oidc) throw new HttpError(404, "This console has no organisation sign-in.");
    const provider = oidc.settings.providerName;
    this.setCookie(res, this.flowCookie, "", 0, "Lax");
    const refuse = async (reason: string, email?: string) => {
      this.log("warn", "console OIDC sign-in refused", { reason, ...(email && { email }) });
      if (email) await this.auditSignIn(email, "denied", { method: "oidc" }, `sign-in refused: ${reason}`);
      this.page(res, 403, signInRefusedPage({ reason, provider }));
    };
    let identity: OidcIdentity;
    try {
      identity = await oidc.finish(parseCookies(req).get(this.flowCookie), url.searchParams);
    } catch (err) {
      if (err instanceof OidcRefused) return refuse(err.message);
      throw err;
    }
    const decision = decideOidc(oidc.settings, identity.claims);
    if (!decision.ok) return refuse(decision.reason, decision.email);
    if (!isKnownRole(decision.role, this.users.roles))
      return refuse(
        `The role ${decision.role} your groups map to is not configured here; tell your administrator.`,
        decision.email,
      );
    const user = await this.users.fromProvider(decision.email, decision.role);
    if (!user) return refuse(`An administrator disabled ${decision.email} in this console.`, decision.email);
    const sessionId = await this.startSession(res, user.email, "oidc", decision.role);
    // kept beside the session (as long as it lives) so signing out can end the provider's session too
    if (identity.idToken)
      await (await this.opts.kv()).set(idTokenKey(sessionId), identity.idToken, {
        ttlMs: this.users.sessionMs,
      });
    this.page(res, 200, signedInPage({ email: user.email, role: decision.role, provider }));
  }

  private async welcomeForm(url: URL, res: ServerResponse) {
    if (!this.localSignIn) this.refuseLocal();
    const token = url.searchParams.get("token") ?? "";
    const user = token ? await this.users.peekLink(token) : undefined;
    if (!user)
      return this.page(
        res,
        404,
        errorPage({ status: 404, message: "This sign-in link is used, expired or unknown." }),
      );
    this.page(res, 200, welcomePage({ token, email: user.email }));
  }

  /** The one-time token in the form is the proof this POST came from the link's page. */
  private async welcome(req: IncomingMessage, res: ServerResponse) {
    if (!this.localSignIn) this.refuseLocal();
    const form = await readForm(req);
    const token = form.get("token") ?? "";
    const user = token ? await this.users.peekLink(token) : undefined;
    if (!user) throw new HttpError(403, "This sign-in link is used, expired or unknown.");
    try {
      await this.users.redeemLink(token, form.get("password") ?? "");
    } catch (err) {
      return this.page(res, 400, welcomePage({ token, email: user.email, error: (err as Error).message }));
    }
    await this.startSession(res, user.email, "link");
    return this.redirect(res, `${BASE}/approvals`);
  }

  private async approvals(url: URL, res: ServerResponse, session: ConsoleSession) {
    const wanted = url.searchParams.get("status") ?? "pending";
    const status = APPROVAL_STATUSES.find((s) => s === wanted);
    if (!status) throw new HttpError(400, "Unknown status.");
    const list = await this.opts.approvals.listApprovals({ status, limit: 200 });
    this.page(res, 200, approvalsPage({ session, status, list }));
  }

  private async approval(
    res: ServerResponse,
    session: ConsoleSession,
    id: string,
    verb: "approve" | "reject" | undefined,
    form: URLSearchParams | undefined,
  ) {
    const admin = this.opts.approvals;
    let approval: Awaited<ReturnType<ApprovalsAdmin["showApproval"]>>;
    try {
      approval = await admin.showApproval(id);
    } catch {
      throw new HttpError(404, `No approval ${id}.`);
    }
    const needs = scopesToDecide(approval, this.opts.toolScopes?.(approval.tool));
    const mayDecide = missingScopes(session.scopes, needs).length === 0;
    if (!verb || !form) return this.page(res, 200, approvalPage({ session, approval, mayDecide, needs }));
    if (!mayDecide)
      throw new HttpError(
        403,
        `Your role (${session.user.role}) may not decide this plan: it needs ${needs.join(", ")}.`,
      );
    const approver = `${session.user.email} (console)`;
    try {
      if (verb === "approve") await admin.approve(id, approver);
      else {
        const reason = (form.get("reason") ?? "").trim().slice(0, 500);
        if (!reason)
          return this.page(
            res,
            400,
            approvalPage({ session, approval, mayDecide, needs, error: "Give a reason for rejecting." }),
          );
        await admin.reject(id, approver, reason);
      }
    } catch (err) {
      return this.page(
        res,
        409,
        approvalPage({ session, approval, mayDecide, needs, error: (err as Error).message }),
      );
    }
    this.log("info", `console ${verb}`, { approval: id, by: session.user.email });
    return this.redirect(res, `${BASE}/approvals/${encodeURIComponent(id)}`);
  }

  /** The audit page's filters from the query string, and the query they make (or what is wrong with them). */
  private auditFilters(url: URL): { filters: AuditFilters; q: AuditQuery; error?: string } {
    const p = url.searchParams;
    const get = (k: string) => (p.get(k) ?? "").trim() || undefined;
    const outcome = AUDIT_OUTCOMES.find((o) => o === get("outcome")) as AuditOutcome | undefined;
    const filters: AuditFilters = {
      ...(get("principal") && { principal: get("principal") }),
      ...(get("tool") && { tool: get("tool") }),
      ...(outcome && { outcome }),
      ...(get("since") && { since: get("since") }),
      ...(get("until") && { until: get("until") }),
    };
    const q: AuditQuery = { limit: 50 };
    let error: string | undefined;
    if (filters.principal) q.principal = filters.principal;
    if (filters.tool) q.tool = filters.tool;
    if (filters.outcome) q.outcome = filters.outcome;
    for (const k of ["since", "until"] as const) {
      const v = filters[k];
      if (!v) continue;
      // datetime-local has no zone: the form says UTC
      const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
      if (Number.isNaN(d.getTime())) error = `${k} is not a date and time.`;
      else q[k] = d;
    }
    const cursor = get("cursor");
    if (cursor && /^\d+$/.test(cursor)) q.cursor = cursor;
    return { filters, q, ...(error && { error }) };
  }

  private async audit(url: URL, res: ServerResponse, session: ConsoleSession) {
    const { filters, q, error } = this.auditFilters(url);
    const log = await this.opts.audit();
    const page = error ? { records: [] } : await log.query(q);
    // verification walks the whole chain: at most once every 30 s per process
    if (!this.verified || Date.now() - this.verified.at > 30_000)
      this.verified = { at: Date.now(), report: await log.verify() };
    this.page(
      res,
      error ? 400 : 200,
      auditPage({
        session,
        filters,
        outcomes: AUDIT_OUTCOMES,
        records: page.records,
        ...(page.nextCursor && { next: page.nextCursor }),
        report: this.verified.report,
        ...(error && { error }),
      }),
    );
  }

  /** The filtered records as JSON lines, newest first; the export itself is audited. */
  private async auditExport(url: URL, res: ServerResponse, session: ConsoleSession) {
    const { filters, q, error } = this.auditFilters(url);
    if (error) throw new HttpError(400, error);
    const log = await this.opts.audit();
    const lines: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await log.query({ ...q, limit: 500, ...(cursor && { cursor }) });
      for (const r of page.records) if (lines.length < EXPORT_MAX) lines.push(JSON.stringify(r));
      cursor = page.nextCursor;
    } while (cursor && lines.length < EXPORT_MAX);
    await log.append({
      principal: `console:${session.user.email}`,
      server: "revops-console",
      tool: "console_audit_export",
      outcome: "ok",
      args: { ...filters },
      summary: `${lines.length} audit records exported${cursor ? ` (first ${EXPORT_MAX}; narrow the filters for the rest)` : ""}`,
    });
    res.writeHead(200, {
      ...PAGE_HEADERS,
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": 'attachment; filename="revops-audit.jsonl"',
      "x-revops-truncated": cursor ? "true" : "false",
    });
    res.end(lines.length ? `${lines.join("\n")}\n` : "");
  }

  private async usage(url: URL, res: ServerResponse, session: ConsoleSession) {
    const today = (this.opts.now?.() ?? new Date()).toISOString().slice(0, 10);
    const want = (k: string) => (url.searchParams.get(k) ?? "").trim() || undefined;
    const to = want("to") ?? today;
    const from =
      want("from") ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
    const bad = !isDay(from) || !isDay(to) ? "From and to must be dates (YYYY-MM-DD)." : undefined;
    const range = bad ?? (from > to ? "From is after to." : undefined);
    const tooLong =
      !range && Date.parse(to) - Date.parse(from) > 366 * DAY_MS ? "Show at most a year." : undefined;
    const error = range ?? tooLong;
    if (error || !this.opts.usage)
      return this.page(
        res,
        error ? 400 : 200,
        usagePage({
          session,
          from,
          to,
          byDay: [],
          byVendor: [],
          error: error ?? "This server records no vendor usage (no cost ledger).",
        }),
      );
    const source = await this.opts.usage();
    await source.flush?.();
    const [byDay, byVendor] = await Promise.all([
      source.usage({ from, to, groupBy: ["day"] }),
      source.usage({ from, to, groupBy: ["vendor"] }),
    ]);
    this.page(res, 200, usagePage({ session, from, to, byDay, byVendor }));
  }

  private async connections(res: ServerResponse, session: ConsoleSession) {
    const checks = this.opts.connections ? await this.opts.connections() : undefined;
    this.page(res, 200, connectionsPage({ session, checks }));
  }

  private async keys(
    path: string,
    res: ServerResponse,
    session: ConsoleSession,
    form: URLSearchParams | undefined,
  ) {
    const roles = Object.keys(this.users.roles).sort();
    const render = async (status: number, extra: Partial<Parameters<typeof keysPage>[0]> = {}) =>
      this.page(res, status, keysPage({ session, keys: await this.opts.apiKeys.list(), roles, ...extra }));
    const who = `console:${session.user.email}`;
    if (path === `${BASE}/keys` && !form) return render(200);
    if (path === `${BASE}/keys` && form) {
      try {
        const created = await this.opts.apiKeys.create({
          name: (form.get("name") ?? "").slice(0, 100),
          role: form.get("role") ?? "",
        });
        await (await this.opts.audit()).append({
          principal: who,
          server: "revops-console",
          tool: "console_key_create",
          outcome: "ok",
          args: { id: created.id, name: created.name, role: created.role },
          summary: `API key ${created.id} (${created.role}) created`,
        });
        // shown once, in this response only (cache-control: no-store)
        return render(201, { created: { id: created.id, key: created.key, name: created.name } });
      } catch (err) {
        return render(400, { error: (err as Error).message });
      }
    }
    const m = /^\/console\/keys\/([0-9a-f]{12})\/revoke$/.exec(path);
    if (m && form) {
      const id = m[1] as string;
      const revoked = await this.opts.apiKeys.revoke(id);
      if (revoked)
        await (await this.opts.audit()).append({
          principal: who,
          server: "revops-console",
          tool: "console_key_revoke",
          outcome: "ok",
          args: { id },
          summary: `API key ${id} revoked`,
        });
      return render(
        revoked ? 200 : 404,
        revoked
          ? { message: `Key ${id} revoked: /mcp refuses it from now on.` }
          : { error: `No active key ${id}.` },
      );
    }
    throw new HttpError(404, `No console page at ${path}.`);
  }
}
