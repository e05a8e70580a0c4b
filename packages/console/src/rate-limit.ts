import type { KeyValue } from "@revops/store";

export interface SignInLimits {
  /** Failed sign-ins per email per window (default 5). */
  perEmail: number;
  /** Sign-in attempts per client address per window (default 20). */
  perIp: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: SignInLimits = Object.freeze({ perEmail: 5, perIp: 20, windowMs: 15 * 60_000 });

/** Counters in the runtime's key-value store: Redis when several replicas must agree, memory otherwise. */
export class SignInLimiter {
  constructor(
    private readonly kv: () => Promise<KeyValue>,
    private readonly limits: SignInLimits,
  ) {}

  private key = (kind: "email" | "ip", value: string) => `console:signin:${kind}:${value}`;

  /** Counts this attempt against the address; the seconds to wait when either limit is reached. No email: a sign-in at the organisation's provider. */
  async attempt(email: string | undefined, ip: string): Promise<number | undefined> {
    const kv = await this.kv();
    const byIp = await kv.incr(this.key("ip", ip), 1, { ttlMs: this.limits.windowMs });
    const byEmail = email === undefined ? 0 : Number((await kv.get(this.key("email", email))) ?? 0);
    if (byIp > this.limits.perIp || byEmail >= this.limits.perEmail)
      return Math.ceil(this.limits.windowMs / 1000);
    return undefined;
  }

  async failed(email: string): Promise<void> {
    await (await this.kv()).incr(this.key("email", email), 1, { ttlMs: this.limits.windowMs });
  }

  async succeeded(email: string): Promise<void> {
    await (await this.kv()).del(this.key("email", email));
  }
}
