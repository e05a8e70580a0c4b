import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { throwIfNotOk } from "../src/index";

/** One scripted answer of the test vendor. */
export type Fault =
  | { ok: unknown; headers?: Record<string, string> }
  | { status: number; headers?: Record<string, string>; body?: string }
  | { reset: true }
  | { hang: true }
  | { trickle: { chunks: number; everyMs: number } }
  | { malformed: true };

export interface FaultServer {
  readonly url: string;
  /** Requests received since the last plan(). */
  readonly hits: number;
  /** Answers in order; the last one repeats. */
  plan(...faults: Fault[]): void;
  close(): Promise<void>;
}

export async function startFaultServer(): Promise<FaultServer> {
  let script: Fault[] = [{ ok: { hello: "world" } }];
  let hits = 0;
  const timers = new Set<NodeJS.Timeout>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const fault = script[Math.min(hits, script.length - 1)] ?? { ok: null };
    hits++;
    if ("reset" in fault) {
      req.socket.destroy();
      return;
    }
    if ("hang" in fault) return;
    if ("malformed" in fault) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"id": 1, "name": ');
      return;
    }
    if ("trickle" in fault) {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[");
      let sent = 0;
      const tick = () => {
        if (res.destroyed) return;
        sent++;
        if (sent >= fault.trickle.chunks) {
          res.end("0]");
          return;
        }
        res.write("0,");
        const t = setTimeout(tick, fault.trickle.everyMs);
        timers.add(t);
      };
      timers.add(setTimeout(tick, fault.trickle.everyMs));
      return;
    }
    if ("ok" in fault) {
      res.writeHead(200, { "content-type": "application/json", ...fault.headers });
      res.end(JSON.stringify(fault.ok));
      return;
    }
    res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
    res.end(fault.body ?? JSON.stringify({ error: `status ${fault.status}` }));
  };

  const server: Server = createServer(handle);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return hits;
    },
    plan(...faults) {
      script = faults;
      hits = 0;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The operation every test wraps: GET + status check + JSON, aborted through the signal. */
export function getJson(url: string) {
  return async ({ signal }: { signal: AbortSignal }) => {
    const res = await throwIfNotOk(await fetch(url, { signal }));
    return (await res.json()) as unknown;
  };
}
