import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { KeyValue } from "@revops/store";
import { sha256 } from "./canonical";

/** What a plan token is bound to: nothing else can be done with it. */
export interface TokenBinding {
  principal: string;
  tool: string;
  /** Canonical JSON of the arguments. */
  args: string;
  planHash: string;
}

interface TokenPayload {
  v: 1;
  id: string;
  p: string;
  t: string;
  a: string;
  h: string;
  exp: number;
}

export type RedeemResult =
  | { ok: true }
  | { ok: false; reason: "forged" | "expired" | "mismatch" | "used"; detail: string };

/** Sealed single-use plan tokens: HMAC-SHA256 over the binding and expiry; the KV entry makes them single-use. */
export class PlanTokens {
  constructor(
    private readonly kv: () => Promise<KeyValue>,
    readonly secret: string,
    private readonly ttlSeconds: () => number,
    private readonly now: () => Date,
    /** Keeps kinds apart in the key-value store (plan tokens, confirmation-card secrets). */
    private readonly kind = "token",
  ) {}

  private key(id: string): string {
    return `guards:${this.kind}:${id}`;
  }

  private sign(body: string): string {
    return createHmac("sha256", this.secret).update(body).digest("base64url");
  }

  async issue(b: TokenBinding): Promise<{ token: string; expiresAt: Date }> {
    const exp = this.now().getTime() + this.ttlSeconds() * 1000;
    const payload: TokenPayload = {
      v: 1,
      id: randomBytes(12).toString("base64url"),
      p: b.principal,
      t: b.tool,
      a: sha256(b.args),
      h: b.planHash,
      exp,
    };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    // Stored so that any replica can redeem it and `take` lets exactly one redemption through.
    await (await this.kv()).set(this.key(payload.id), b.planHash, { ttlMs: this.ttlSeconds() * 1000 + 1000 });
    return { token: `${body}.${this.sign(body)}`, expiresAt: new Date(exp) };
  }

  async redeem(token: string, b: TokenBinding): Promise<RedeemResult> {
    const payload = this.open(token);
    if (!payload) return { ok: false, reason: "forged", detail: "the token's signature is not valid" };
    if (payload.exp <= this.now().getTime())
      return { ok: false, reason: "expired", detail: "the token expired; preview the plan again" };
    const mismatch = [
      payload.p !== b.principal && "caller",
      payload.t !== b.tool && "tool",
      payload.a !== sha256(b.args) && "arguments",
      payload.h !== b.planHash && "plan (the data changed since the preview)",
    ].filter(Boolean);
    if (mismatch.length > 0)
      return {
        ok: false,
        reason: "mismatch",
        detail: `the token was issued for a different ${mismatch.join(", ")}`,
      };
    const stored = await (await this.kv()).take(this.key(payload.id));
    if (stored !== b.planHash) return { ok: false, reason: "used", detail: "the token was already used" };
    return { ok: true };
  }

  private open(token: string): TokenPayload | undefined {
    const [body, sig, extra] = token.split(".");
    if (!body || !sig || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenPayload;
      return payload.v === 1 ? payload : undefined;
    } catch {
      return undefined;
    }
  }
}
