import { createHmac, timingSafeEqual } from "node:crypto";
import type { SurveyType } from "../ports";

/** What a survey link grants: one answer by this contact, at this account, to this send, until `expires`. */
export interface SurveyClaims {
  survey: string;
  contact: string;
  account: string;
  kind: SurveyType;
  /** ISO time after which the link is refused (on the messaging clock: the sandbox's, or live). */
  expires: string;
}

export type LinkCheck =
  | { ok: true; claims: SurveyClaims }
  | { ok: false; reason: "malformed" | "forged" | "expired"; claims?: SurveyClaims };

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Derives the key of one purpose from a secret, so a survey link's MAC is never a plan token's or a form's. */
export const subKey = (secret: string, label: string) =>
  createHmac("sha256", secret).update(`revops ${label} v1`).digest();

/** Signed survey links: `<claims>.<HMAC-SHA256>` in base64url; the link is the answerer's only credential. */
export class SurveyLinks {
  private readonly key: Buffer;
  private readonly formKey: Buffer;

  constructor(secret: string) {
    this.key = subKey(secret, "survey-link");
    this.formKey = subKey(secret, "survey-form");
  }

  sign(c: SurveyClaims): string {
    const body = b64(JSON.stringify([c.survey, c.contact, c.account, c.kind, Date.parse(c.expires) / 1000]));
    return `${body}.${b64(createHmac("sha256", this.key).update(body).digest())}`;
  }

  /** Checks the MAC first (constant time), then the shape, then the expiry against `now`. */
  verify(token: string, now: string): LinkCheck {
    const [body, mac, extra] = token.split(".");
    if (!body || !mac || extra !== undefined || token.length > 512) return { ok: false, reason: "malformed" };
    const want = createHmac("sha256", this.key).update(body).digest();
    const got = Buffer.from(mac, "base64url");
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: "forged" };
    let claims: SurveyClaims;
    try {
      const [survey, contact, account, kind, exp] = JSON.parse(
        Buffer.from(body, "base64url").toString("utf8"),
      );
      if (![survey, contact, account].every((v) => typeof v === "string" && ID.test(v))) throw new Error();
      if ((kind !== "nps" && kind !== "csat") || typeof exp !== "number") throw new Error();
      claims = { survey, contact, account, kind, expires: new Date(exp * 1000).toISOString() };
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (Date.parse(now) >= Date.parse(claims.expires)) return { ok: false, reason: "expired", claims };
    return { ok: true, claims };
  }

  /** The answer form's anti-forgery field: bound to the link, so a form for one link never posts to another. */
  formToken(token: string): string {
    return b64(createHmac("sha256", this.formKey).update(token).digest());
  }

  formTokenOk(token: string, field: string | null): boolean {
    const want = Buffer.from(this.formToken(token));
    const got = Buffer.from(field ?? "");
    return got.length === want.length && timingSafeEqual(got, want);
  }
}
