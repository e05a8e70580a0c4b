import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ContractChecker, ContractRequest, ContractViolation } from "./contract";
import { type Fault, FaultSwitch } from "./faults";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  /** The fault the fake answered with, when one was switched on. */
  fault?: Fault["kind"];
  at: number;
}

export interface Reply {
  status: number;
  /** JSON-serialised unless `raw` is set. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  json: unknown;
  bearer: string | undefined;
}

export interface FakeDefinition {
  name: string;
  route(req: FakeRequest): Reply | Promise<Reply>;
  /** The vendor's own 401 answer for an expired token. */
  unauthorized(req: FakeRequest): Reply;
  /** Requests that need no bearer token (token endpoints). */
  isPublic?(req: FakeRequest): boolean;
  /** Headers on every answer (e.g. Sforce-Limit-Info), faults included. */
  decorate?(req: FakeRequest, reply: Reply): Record<string, string>;
  contract?: ContractChecker;
  /** The vendor's 400 answer for a request its contract rejects. */
  contractRejection?(violation: ContractViolation): Reply;
}

export interface RunningFake<S> {
  url: string;
  state: S;
  faults: FaultSwitch;
  requests: RecordedRequest[];
  /** Requests the vendor would reject and answers that broke its contract. */
  violations: ContractViolation[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (!text) return undefined;
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function faultReply(fault: Fault): Reply | undefined {
  if (fault.kind === "status") {
    return {
      status: fault.status,
      body: fault.body ?? { message: `fault: HTTP ${fault.status}` },
      headers: { ...(fault.retryAfter ? { "retry-after": fault.retryAfter } : {}), ...fault.headers },
    };
  }
  if (fault.kind === "malformed") return { status: 200, raw: '{"results": [ {"id": ' };
  if (fault.kind === "redirect")
    return { status: fault.status ?? 302, headers: { location: fault.location } };
  return undefined;
}

/** Runs a stateful vendor fake on 127.0.0.1 with recording, fault switches and contract checks. */
export async function startFake<S>(def: FakeDefinition, state: S): Promise<RunningFake<S>> {
  const faults = new FaultSwitch();
  const requests: RecordedRequest[] = [];
  const violations: ContractViolation[] = [];
  const sockets = new Set<Socket>();

  async function send(res: ServerResponse, fr: FakeRequest, reply: Reply, trickleMs?: number) {
    const text = reply.raw ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
    const headers: Record<string, string> = {
      ...(text && reply.raw === undefined ? { "content-type": "application/json;charset=UTF-8" } : {}),
      ...reply.headers,
      ...def.decorate?.(fr, reply),
    };
    if (!trickleMs) {
      res.writeHead(reply.status, headers).end(text);
      return;
    }
    res.writeHead(reply.status, { ...headers, "content-length": String(Buffer.byteLength(text)) });
    for (const ch of text) {
      if (res.destroyed) return;
      res.write(ch);
      await sleep(trickleMs);
    }
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = await readBody(req);
    const auth = req.headers.authorization;
    const bearer = typeof auth === "string" && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
    const fr: FakeRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json: parseJson(body, req.headers["content-type"]),
      bearer,
    };
    const fault = faults.take(fr.method, fr.path);
    requests.push({ ...fr, fault: fault?.kind, at: Date.now() });
    if (fault?.kind === "reset") return void req.socket.destroy();
    if (fault?.kind === "hang") return;
    const early = fault && faultReply(fault);
    if (early) return send(res, fr, early);

    const isPublic = def.isPublic?.(fr) ?? false;
    if (bearer && !isPublic) faults.seenTokens.add(bearer);
    if (!isPublic && bearer && faults.revokedTokens.has(bearer)) return send(res, fr, def.unauthorized(fr));

    const contractReq: ContractRequest = {
      method: fr.method,
      path: fr.path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: fr.json,
    };
    if (def.contract && !isPublic) {
      const violation = def.contract.checkRequest(contractReq);
      if (violation) {
        violations.push(violation);
        return send(res, fr, def.contractRejection?.(violation) ?? { status: 400, body: violation });
      }
    }
    let reply = await def.route(fr);
    if (def.contract && !isPublic) {
      const parsed = reply.raw === undefined ? reply.body : undefined;
      const violation = def.contract.checkResponse(contractReq, reply.status, parsed);
      if (violation) {
        // the fake broke the vendor's contract: make the test fail loudly, not silently pass
        violations.push(violation);
        reply = { status: 500, body: { fakeContractViolation: violation } };
      }
    }
    if (fault?.kind === "resetAfterHandling") return void req.socket.destroy();
    return send(res, fr, reply, fault?.kind === "trickle" ? fault.chunkDelayMs : undefined);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ fakeError: String(err) }));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults,
    requests,
    violations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, ...(headers ? { headers } : {}) };
}
