import { type LookupAddress, lookup } from "node:dns";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { isIP, type Socket } from "node:net";
import { attemptContext } from "./attempt-context";
import { isPrivateAddress, UnsafeUrlError } from "./url-safety";

export interface GuardedAgentOptions {
  protocol: "http:" | "https:";
  /** Only for fakes on 127.0.0.1 (allowInsecureTestBaseUrl). */
  allowPrivate: boolean;
  vendor: string;
}

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/** Resolves, then refuses private answers: checked at connect time, so DNS rebinding cannot slip by. */
function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  lookup(hostname, { all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad || addresses.length === 0) {
      return callback(
        new UnsafeUrlError(`//${hostname}`, "host resolves into a private or loopback network"),
        [],
      );
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
}

type CreateConnection = (
  options: Record<string, unknown>,
  cb?: (err: Error | null, s: Socket) => void,
) => Socket;

/**
 * An agent for SDKs that take one (HubSpot, and our own request helper): no keep-alive, so each
 * socket belongs to one request, which the attempt's abort signal destroys; requests made outside a
 * resilient attempt are refused, so nothing bypasses the policy.
 */
export function createGuardedAgent(opts: GuardedAgentOptions): HttpAgent {
  const agent =
    opts.protocol === "https:"
      ? new HttpsAgent({ keepAlive: false, ...(opts.allowPrivate ? {} : { lookup: guardedLookup }) })
      : new HttpAgent({ keepAlive: false });
  const original = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, cb) => {
    const ctx = attemptContext.getStore();
    const host = String(options.host ?? "");
    const refusal = !ctx
      ? new Error(
          `${opts.vendor} request made outside the resilience policy; use the connector's operations.`,
        )
      : !opts.allowPrivate && isIP(host) && isPrivateAddress(host)
        ? new UnsafeUrlError(`//${host}`, "it points into a private or loopback network")
        : undefined;
    const socket = original(options, cb);
    if (refusal) {
      socket.destroy(refusal);
      return socket;
    }
    const signal = ctx?.signal;
    const onAbort = () => socket.destroy(new DOMException("The attempt was aborted", "AbortError"));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("close", () => signal?.removeEventListener("abort", onAbort));
    return socket;
  };
  return agent;
}
