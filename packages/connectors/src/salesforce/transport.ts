import type { Agent } from "node:http";
import { PassThrough } from "node:stream";
import { attemptContext, operationContext } from "../attempt-context";
import { requestOnce, throwIfHttpError } from "../request-once";
import type { Runtime } from "../runtime";
import { UnsafeUrlError } from "../url-safety";

interface JsforceRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface JsforceResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * Replaces jsforce's transport, whose fetch retries GETs up to 5 times on its own: each HTTP request
 * becomes one logical call of the resilience policy (one attempt per HTTP exchange, no redirects).
 */
export class ResilientTransport {
  constructor(
    private readonly runtime: Runtime,
    private readonly agentFor: (url: URL) => Agent,
  ) {}

  /** jsforce awaits the promise and asks it for a body stream, which the buffered answer never needs. */
  httpRequest(req: JsforceRequest): Promise<JsforceResponse> & { stream(): PassThrough } {
    return Object.assign(this.send(req), { stream: () => new PassThrough() });
  }

  private async send(req: JsforceRequest): Promise<JsforceResponse> {
    const url = new URL(req.url);
    const named = operationContext.getStore();
    const method = req.method.toUpperCase();
    const operation = `${named?.operation ?? "request"}${/\/query\/[\w-]+$/.test(url.pathname) ? ".more" : ""}`;
    const { value } = await this.runtime.caller.call(
      operation,
      ({ signal, attempt }) =>
        attemptContext.run({ signal, attempt }, async () => {
          const res = await requestOnce({
            url,
            method,
            headers: req.headers ?? {},
            ...(req.body === undefined ? {} : { body: req.body }),
            agent: this.agentFor(url),
            signal,
          });
          if (res.status >= 300 && res.status < 400) {
            throw new UnsafeUrlError(
              res.headers.location ?? "(none)",
              "Salesforce answered with a redirect, which is never followed",
            );
          }
          throwIfHttpError(res);
          return { statusCode: res.status, headers: res.headers, body: res.body };
        }),
      { idempotent: named?.idempotent ?? READ_METHODS.has(method) },
    );
    return value;
  }
}
