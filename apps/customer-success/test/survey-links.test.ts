import { describe, expect, it } from "vitest";
import type { CsMessagingConfig } from "../src/integrations/config";
import { answerPageOf } from "../src/integrations/messaging-setup";
import { SurveyLinks } from "../src/survey/links";

const sendgrid = {
  email: "sendgrid",
  connectionId: "default",
  apiKey: "k",
  fromEmail: "cs@example.com",
  staleMaxAgeMs: 0,
  allowInsecureTestBaseUrl: false,
} as const;
const cfg = (o: Partial<CsMessagingConfig>): CsMessagingConfig => ({
  defaultChannel: "email",
  email: { email: "sandbox" },
  surveyLinkDays: 30,
  ...o,
});
const LOCAL = "http://127.0.0.1:3103/mcp";

describe("where survey links point", () => {
  it("prefers the customer's page, then ours (setting, PUBLIC_URL, bound address), then the sandbox placeholder", () => {
    expect(answerPageOf(cfg({ surveyUrl: "https://acme.example/s" }), LOCAL)).toEqual({
      kind: "customer",
      url: "https://acme.example/s",
    });
    expect(answerPageOf(cfg({ surveyPageUrl: "https://cs.example/survey" }), undefined)).toEqual({
      kind: "ours",
      base: "https://cs.example/survey",
    });
    expect(answerPageOf(cfg({ publicUrl: "https://revops.example/mcp" }), LOCAL)).toEqual({
      kind: "ours",
      base: "https://revops.example/survey",
    });
    expect(answerPageOf(cfg({}), LOCAL)).toEqual({ kind: "ours", base: "http://127.0.0.1:3103/survey" });
    expect(answerPageOf(cfg({}), undefined)?.kind).toBe("placeholder");
  });

  it("never sends real email with links to a loopback address", () => {
    expect(answerPageOf(cfg({ email: sendgrid }), LOCAL)).toBeUndefined();
    expect(answerPageOf(cfg({ email: sendgrid }), undefined)).toBeUndefined();
    expect(answerPageOf(cfg({ email: sendgrid, publicUrl: "https://revops.example/mcp" }), LOCAL)?.kind).toBe(
      "ours",
    );
  });
});

describe("signed survey links", () => {
  const links = new SurveyLinks("a-test-secret-0123456789abcdef0123456789");
  const claims = {
    survey: "msg_1",
    contact: "con_1",
    account: "acc_1",
    kind: "nps" as const,
    expires: "2026-12-01T00:00:00.000Z",
  };
  it("round-trips its claims until they expire", () => {
    const t = links.sign(claims);
    expect(links.verify(t, "2026-11-30T23:59:59.000Z")).toEqual({ ok: true, claims });
    expect(links.verify(t, "2026-12-01T00:00:00.000Z")).toMatchObject({ ok: false, reason: "expired" });
  });
  it("refuses another key's link and any changed claim", () => {
    const other = new SurveyLinks("another-secret-0123456789abcdef0123456789").sign(claims);
    expect(links.verify(other, "2026-11-01T00:00:00.000Z")).toEqual({ ok: false, reason: "forged" });
    const [, mac] = links.sign(claims).split(".");
    const body = Buffer.from(JSON.stringify(["msg_1", "con_2", "acc_1", "nps", 1795996800])).toString(
      "base64url",
    );
    expect(links.verify(`${body}.${mac}`, "2026-11-01T00:00:00.000Z")).toEqual({
      ok: false,
      reason: "forged",
    });
    expect(links.verify("x.y.z", "2026-11-01T00:00:00.000Z")).toEqual({ ok: false, reason: "malformed" });
  });
  it("binds the form field to its link", () => {
    const a = links.sign(claims);
    const b = links.sign({ ...claims, contact: "con_2" });
    expect(links.formTokenOk(a, links.formToken(a))).toBe(true);
    expect(links.formTokenOk(a, links.formToken(b))).toBe(false);
    expect(links.formTokenOk(a, null)).toBe(false);
  });
});
