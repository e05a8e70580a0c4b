import { type Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { HttpError } from "@revops/resilience";

export interface OnceRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  agent: Agent;
  signal: AbortSignal;
}

export interface OnceResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** One HTTP exchange, no redirects followed, no retries: the resilience policy decides what happens next. */
export function requestOnce(req: OnceRequest): Promise<OnceResponse> {
  const send = req.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(
      req.url,
      { method: req.method, headers: req.headers, agent: req.agent, signal: req.signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: flatten(res.headers),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(req.body);
  });
}

/** Non-2xx answers become HttpError, so the classifier sees status, headers (Retry-After) and body. */
export function throwIfHttpError(res: OnceResponse): OnceResponse {
  if (res.status >= 200 && res.status < 300) return res;
  throw new HttpError(res.status, new Headers(res.headers), res.body.slice(0, 2048));
}
