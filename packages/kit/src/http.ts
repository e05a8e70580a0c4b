import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import {
  type AuthInfo,
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  type McpHttpHandler,
  type Server,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import type { Principal } from "./define";
import type { EncodedLists } from "./encoded-lists";
import { type KitApp, MODERN_PROTOCOL_VERSION } from "./mcp-server";
import { paramHeaderMismatch } from "./param-headers";
import { missingScopes } from "./registry";

/** Who is calling over HTTP; return a principal, or write a 401/403 yourself and return undefined. */
export type Authenticate = (req: IncomingMessage, res: ServerResponse) => Promise<Principal | undefined>;

/** What the auth package hands the HTTP transport. */
export interface HttpAuth {
  authenticate: Authenticate;
  routes?: HttpOptions["routes"];
  /** Answers a call the principal lacks scopes for (RFC 6750 403 insufficient_scope, for OAuth step-up). */
  insufficientScope?: HttpOptions["insufficientScope"];
}

export interface HttpOptions {
  host: string;
  port: number;
  stateless: boolean;
  allowedHosts?: readonly string[] | undefined;
  allowedOrigins?: readonly string[] | undefined;
  maxBodyBytes: number;
  maxSessions: number;
  /** Sessions one principal may hold: its least recently used one is closed to open another. */
  maxSessionsPerPrincipal: number;
  sessionIdleMinutes: number;
  authenticate?: Authenticate | undefined;
  /** Extra public routes (e.g. OAuth protected-resource metadata); return true when the request was answered. */
  routes?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  insufficientScope?: ((res: ServerResponse, principal: Principal, scopes: string[]) => void) | undefined;
  /** Prometheus text for /metrics; absent → 404. */
  metricsText?: () => Promise<string>;
  /** When set, /metrics answers only `Authorization: Bearer <this>`. */
  metricsToken?: string | undefined;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
  lastSeen: number;
  /** A session id is not a credential: only the principal that opened the session may use it. */
  principalId: string;
}

const jsonError = (
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
  extra: { id?: unknown; data?: unknown } = {},
) => {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  const error = { code, message, ...(extra.data !== undefined && { data: extra.data }) };
  res.end(JSON.stringify({ jsonrpc: "2.0", error, id: extra.id ?? null }));
};

/**
 * The Node request as a web Request (the SDK v2 transports speak fetch); aborted when the client goes away. It
 * carries no body: the SDK is always handed the body parsed here, and a body stream per request cost CPU for nothing.
 */
function toWebRequest(req: IncomingMessage, res: ServerResponse): Request {
  // name/value pairs: the Request builds its Headers once (a Headers object here was built, then copied)
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (typeof value === "string") headers.push([name, value]);
    else for (const v of value) headers.push([name, v]);
  }
  const abort = new AbortController();
  res.once("close", () => abort.abort());
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
    signal: abort.signal,
  });
}

/**
 * Writes a web Response to the Node response: a JSON body whole, an SSE stream chunk by chunk. With `lists`, a
 * pre-encoded tools/list page goes in where its marker is (the SDK writes each SSE message in one chunk).
 */
async function writeWebResponse(
  res: ServerResponse,
  response: Response,
  lists?: EncodedLists,
): Promise<void> {
  if (res.headersSent) return;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (!response.body) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  if (!headers["content-type"]?.startsWith("text/event-stream")) {
    // a JSON answer goes out whole, in one write with its length: no chunked framing, one packet for small ones
    const raw = Buffer.from(await response.arrayBuffer());
    const body = lists?.splice(raw) ?? raw;
    if (res.headersSent || res.destroyed) return;
    res.writeHead(response.status, { ...headers, "content-length": String(body.length) });
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  const reader = response.body.getReader();
  res.once("close", () => void reader.cancel().catch(() => undefined));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.writableEnded) res.write(lists?.splice(value) ?? value);
    }
  } catch {
    // the client went away or the stream was cancelled
  } finally {
    if (!res.writableEnded) res.end();
  }
}

/**
 * Streamable HTTP with DNS-rebinding protection, body limits, sessions or stateless mode, and health endpoints.
 * 2026-07-28 requests (a `_meta` envelope) are served statelessly by the SDK's per-request handler; 2025 requests
 * by a session (or, when stateless, a fresh server per request).
 */
export class HttpTransportServer {
  private readonly sessions = new Map<string, Session>();
  /** The SDK's 2026-07-28 entry: a fresh server per request, 2025 traffic left to the legacy paths here. */
  private readonly modern: McpHttpHandler;
  private http: HttpServer | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private hosts = new Set<string>();
  private origins = new Set<string>();
  /** When the last connection or request arrived: shutdown drains until arrivals stop. */
  private lastArrival = 0;

  constructor(
    private readonly app: KitApp,
    private readonly opts: HttpOptions,
  ) {
    this.modern = createMcpHandler(() => app.createServer({ encodedLists: true }), {
      legacy: "reject",
      maxRequestBodySize: opts.maxBodyBytes,
      onerror: (err) => app.runtime.log.debug({ err }, "2026-07-28 request rejected"),
    });
  }

  get url(): string {
    const addr = this.http?.address();
    const port = addr && typeof addr === "object" ? addr.port : this.opts.port;
    const host = this.opts.host.includes(":") ? `[${this.opts.host}]` : this.opts.host;
    return `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/mcp`;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  async listen(): Promise<void> {
    const http = createServer((req, res) => {
      this.lastArrival = performance.now();
      this.handle(req, res).catch((err: unknown) => {
        this.app.runtime.log.error({ err }, "http request failed");
        jsonError(res, 500, -32603, "Internal server error");
      });
    });
    this.http = http;
    http.on("connection", () => {
      this.lastArrival = performance.now();
    });
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const addr = http.address();
    const port = addr && typeof addr === "object" ? addr.port : this.opts.port;
    const loopback = ["localhost", "127.0.0.1", "[::1]"];
    this.hosts = new Set([...loopback.map((h) => `${h}:${port}`), ...(this.opts.allowedHosts ?? [])]);
    this.origins = new Set([
      ...loopback.map((h) => `http://${h}:${port}`),
      ...(this.opts.allowedOrigins ?? []),
    ]);
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** One principal (one API key) never holds more than its share: its least recently used session goes first. */
  private makeRoomFor(principalId: string) {
    const own = [...this.sessions].filter(([, s]) => s.principalId === principalId);
    if (own.length < this.opts.maxSessionsPerPrincipal) return;
    own.sort(([, a], [, b]) => a.lastSeen - b.lastSeen);
    for (const [id, s] of own.slice(0, own.length - this.opts.maxSessionsPerPrincipal + 1)) {
      this.sessions.delete(id);
      void s.transport.close();
    }
  }

  /** Closes idle sessions so abandoned clients do not hold memory forever. */
  private sweep() {
    const cutoff = Date.now() - this.opts.sessionIdleMinutes * 60_000;
    for (const [id, s] of this.sessions) {
      if (s.lastSeen < cutoff) {
        this.sessions.delete(id);
        void s.transport.close();
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    // DNS rebinding: a page on another site must not reach a server on this machine.
    if (!this.hosts.has(req.headers.host ?? ""))
      return jsonError(
        res,
        403,
        -32000,
        `Forbidden: Host ${req.headers.host ?? "(none)"} is not allowed; add it to ALLOWED_HOSTS.`,
      );
    const origin = req.headers.origin;
    if (origin && !this.origins.has(origin))
      return jsonError(
        res,
        403,
        -32000,
        `Forbidden: Origin ${origin} is not allowed; add it to ALLOWED_ORIGINS.`,
      );
    if (req.method === "GET" && path === "/healthz") return this.text(res, 200, "ok\n");
    if (req.method === "GET" && path === "/readyz") return this.ready(res);
    if (req.method === "GET" && path === "/metrics" && this.opts.metricsText) {
      if (!this.metricsAllowed(req)) {
        res.setHeader("www-authenticate", 'Bearer realm="metrics"');
        return this.text(res, 401, "metrics need Authorization: Bearer <METRICS_TOKEN>\n");
      }
      return this.text(res, 200, await this.opts.metricsText());
    }
    if (this.opts.routes?.(req, res)) return;
    if (path !== "/mcp") return jsonError(res, 404, -32601, `Not found: ${path}. The MCP endpoint is /mcp.`);
    if (this.app.runtime.closing) {
      // the client retries elsewhere and drops this keep-alive socket instead of having it reset under it
      return jsonError(res, 503, -32000, "Server is shutting down; retry.", {
        "retry-after": "1",
        connection: "close",
      });
    }
    const principal = this.opts.authenticate
      ? await this.opts.authenticate(req, res)
      : this.app.localPrincipal();
    if (!principal) return;
    const auth: AuthInfo = {
      token: "",
      clientId: principal.id,
      scopes: [...principal.scopes],
      extra: { principal },
    };
    (req as IncomingMessage & { auth?: AuthInfo }).auth = auth;
    let body: unknown;
    let raw: string | undefined;
    if (req.method === "POST") {
      raw = await this.readBody(req, res);
      if (raw === undefined) return;
      try {
        body = JSON.parse(raw);
      } catch {
        return jsonError(res, 400, -32700, "Parse error: the request body is not valid JSON.");
      }
    }
    const missing = this.missingScopesFor(body, principal);
    if (missing.length > 0 && this.opts.insufficientScope)
      return this.opts.insufficientScope(res, principal, missing);
    const version = req.headers["mcp-protocol-version"];
    if (
      (req.method === "GET" || req.method === "DELETE") &&
      typeof version === "string" &&
      version >= MODERN_PROTOCOL_VERSION &&
      req.headers["mcp-session-id"] === undefined
    )
      // 2026-07-28 has no sessions and no standalone stream: every request is a POST
      return jsonError(
        res,
        405,
        -32000,
        `Method not allowed: protocol ${version} has no sessions; use POST.`,
        {
          allow: "POST",
        },
      );
    const request = toWebRequest(req, res);
    if (!(await isLegacyRequest(request, body, { maxRequestBodySize: this.opts.maxBodyBytes }))) {
      const mismatch = this.paramHeaderMismatchOf(body, request.headers);
      if (mismatch)
        return jsonError(
          res,
          400,
          -32020,
          `Bad Request: the request headers and body disagree: ${mismatch.message}.`,
          {},
          {
            id: (body as { id?: unknown }).id ?? null,
            data: { mismatch: { header: mismatch.header } },
          },
        );
      return writeWebResponse(
        res,
        await this.modern.fetch(request, { authInfo: auth, parsedBody: body }),
        this.encodedListsFor(body),
      );
    }
    if (this.opts.stateless) return this.handleStateless(request, res, body, auth);
    return this.handleSession(request, res, body, auth, principal.id);
  }

  /** The encoded pages to splice into the answer of a tools/list request (or a batch with one): nothing else looks. */
  private encodedListsFor(body: unknown): EncodedLists | undefined {
    const isList = (m: unknown) => (m as { method?: unknown } | null)?.method === "tools/list";
    return (Array.isArray(body) ? body.some(isList) : isList(body)) ? this.app.encodedLists : undefined;
  }

  /** A tools/call whose `Mcp-Param-*` headers disagree with its arguments (SEP-2243), checked on the tool's listing. */
  private paramHeaderMismatchOf(body: unknown, headers: Headers) {
    const msg = body as { method?: unknown; params?: { name?: unknown; arguments?: unknown } } | undefined;
    if (msg?.method !== "tools/call" || typeof msg.params?.name !== "string") return undefined;
    const entry = this.app.tool(msg.params.name);
    return entry && paramHeaderMismatch(this.app.listing(entry).inputSchema, msg.params.arguments, headers);
  }

  /** A tools/call for a served tool whose scopes the principal lacks: the scopes it would need. */
  private missingScopesFor(body: unknown, principal: Principal): string[] {
    const msg = body as { method?: unknown; params?: { name?: unknown } } | undefined;
    if (msg?.method !== "tools/call" || typeof msg.params?.name !== "string") return [];
    const entry = this.app.tool(msg.params.name);
    return entry ? missingScopes(principal, entry.def.scopes) : [];
  }

  private async handleStateless(request: Request, res: ServerResponse, body: unknown, authInfo: AuthInfo) {
    if (request.method !== "POST")
      return jsonError(res, 405, -32000, "Method not allowed: this server is stateless; use POST.");
    const server = this.app.createServer({ encodedLists: true });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await writeWebResponse(
      res,
      await transport.handleRequest(request, { parsedBody: body, authInfo }),
      this.encodedListsFor(body),
    );
  }

  private async handleSession(
    request: Request,
    res: ServerResponse,
    body: unknown,
    authInfo: AuthInfo,
    principalId: string,
  ) {
    const sid = request.headers.get("mcp-session-id");
    if (sid !== null) {
      const session = this.sessions.get(sid);
      if (!session)
        return jsonError(
          res,
          404,
          -32001,
          "Session not found: it expired or the server restarted; initialize again.",
        );
      if (session.principalId !== principalId)
        return jsonError(res, 403, -32000, "Forbidden: this session belongs to another principal.");
      session.lastSeen = Date.now();
      return writeWebResponse(
        res,
        await session.transport.handleRequest(request, { parsedBody: body, authInfo }),
      );
    }
    if (request.method !== "POST" || !isInitializeRequest(body)) {
      return jsonError(
        res,
        400,
        -32000,
        "Bad request: send initialize first, then pass the Mcp-Session-Id header it returns.",
      );
    }
    this.makeRoomFor(principalId);
    if (this.sessions.size >= this.opts.maxSessions)
      return jsonError(res, 503, -32000, "Too many sessions; retry later.");
    const server = this.app.createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, lastSeen: Date.now(), principalId });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await writeWebResponse(res, await transport.handleRequest(request, { parsedBody: body, authInfo }));
  }

  private readBody(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
    const limit = this.opts.maxBodyBytes;
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers["content-length"] ?? 0);
      if (declared > limit) {
        jsonError(res, 413, -32000, `Request body too large: limit is ${limit} bytes (MAX_BODY_BYTES).`);
        req.resume();
        return resolve(undefined);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          jsonError(res, 413, -32000, `Request body too large: limit is ${limit} bytes (MAX_BODY_BYTES).`);
          req.destroy();
          resolve(undefined);
        } else chunks.push(c);
      });
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  }

  private text(res: ServerResponse, status: number, body: string) {
    res.writeHead(status, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    res.end(body);
  }

  private metricsAllowed(req: IncomingMessage): boolean {
    const want = this.opts.metricsToken;
    if (!want) return true;
    const got = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
    // compare digests so neither the length nor the content leaks through timing
    const digest = (t: string) => createHash("sha256").update(t).digest();
    return timingSafeEqual(digest(got), digest(want));
  }

  private async ready(res: ServerResponse) {
    const checks = await this.app.runtime.ready();
    const ok = Object.values(checks).every((v) => v === "ok") && !this.app.runtime.closing;
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: ok ? "ready" : "not ready", checks }));
  }

  /**
   * Keeps answering 503 + Retry-After for at least `minMs`, then until nothing new arrived for `quietMs`
   * (a loaded machine accepts queued connections late; closing the listener then would reset them), up to `maxMs`.
   */
  async drain(opts: { minMs: number; quietMs: number; maxMs: number }): Promise<void> {
    const started = performance.now();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await sleep(opts.minMs);
    while (performance.now() - this.lastArrival < opts.quietMs && performance.now() - started < opts.maxMs) {
      await sleep(opts.quietMs / 4);
    }
  }

  /** Stops accepting connections; open sessions are closed after in-flight calls finish. */
  async stopAccepting(): Promise<void> {
    clearInterval(this.sweeper);
    const http = this.http;
    if (!http) return;
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 200))]);
  }

  async closeSessions(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled([...all.map((s) => s.transport.close()), this.modern.close()]);
    this.http?.closeAllConnections();
  }
}
