/** A misbehaviour a fake can show instead of (or after) its normal answer. */
export type Fault =
  | { kind: "status"; status: number; retryAfter?: string; body?: unknown; headers?: Record<string, string> }
  /** Destroys the socket before the request is handled (the vendor never saw it). */
  | { kind: "reset" }
  /** Handles the request (state changes), then destroys the socket instead of answering. */
  | { kind: "resetAfterHandling" }
  /** Never answers. */
  | { kind: "hang" }
  /** Handles the request, then sends the body one byte every `chunkDelayMs`. */
  | { kind: "trickle"; chunkDelayMs: number }
  /** 200 with a body that is not JSON. */
  | { kind: "malformed" }
  | { kind: "redirect"; location: string; status?: number };

export interface FaultTarget {
  /** Exact path (without query) or a pattern; every path when omitted. */
  path?: string | RegExp;
  method?: string;
  /** How many matching requests get the fault; default 1. */
  times?: number;
}

interface Rule {
  fault: Fault;
  remaining: number;
  path: string | RegExp | undefined;
  method: string | undefined;
}

/** Per-path or global fault switches, each for the next N matching requests. */
export class FaultSwitch {
  private rules: Rule[] = [];
  /** Bearer tokens the fake now answers with 401 (expired), until a new one is issued. */
  readonly revokedTokens = new Set<string>();
  /** Every bearer token the fake has seen, so `expireTokens()` can revoke the ones in use. */
  readonly seenTokens = new Set<string>();

  /** Queues a fault for the next `times` matching requests (rules apply in the order added). */
  next(fault: Fault, target: FaultTarget = {}): this {
    this.rules.push({
      fault,
      remaining: target.times ?? 1,
      path: target.path,
      method: target.method?.toUpperCase(),
    });
    return this;
  }

  /** Same fault for every matching request until cleared. */
  always(fault: Fault, target: Omit<FaultTarget, "times"> = {}): this {
    return this.next(fault, { ...target, times: Number.POSITIVE_INFINITY });
  }

  /** Answers 401 to every token seen so far (or the given one) until the client gets a new token. */
  expireTokens(token?: string): this {
    for (const t of token ? [token] : this.seenTokens) this.revokedTokens.add(t);
    return this;
  }

  clear(): void {
    this.rules = [];
    this.revokedTokens.clear();
  }

  /** The fault for this request, consuming one use of its rule. */
  take(method: string, path: string): Fault | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r, method, path));
    if (!rule) return undefined;
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule.fault;
  }
}

function matches(rule: Rule, method: string, path: string): boolean {
  if (rule.method && rule.method !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === "string" ? rule.path === path : rule.path.test(path);
}
