import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import {
  type IntercomState,
  type RunningFake,
  type SendGridState,
  startIntercomFake,
  startSendGridFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { MessagingPort, OutboundMessage } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";

// message_send's and survey_send's port on SendGrid and Intercom, through their real SDKs against the fakes,
// whose traffic is checked against the published contracts. Contacts come from the sandbox's account book.
const JONAS = { contactId: "con_0005", email: "jonas.nakamura@cedarlinesolutions.de" };
const MEI = { contactId: "con_0004", email: "mei.brooks@cedarlinesolutions.de" };
const GONE = "erik.andersson@cedarlinesolutions.de";
const AT = "2026-12-03T15:00:00.000Z";
let sendgrid: RunningFake<SendGridState>;
let intercom: RunningFake<IntercomState>;
let port: MessagingPort;
let keys = 0;
const origin = () => ({
  principal: "contract",
  planHash: "plan-m",
  idempotencyKey: `msg-${++keys}-${Date.now()}`,
});
const message = (channel: "email" | "intercom", to = [JONAS, MEI]): OutboundMessage => ({
  kind: "message",
  channel,
  subject: "Your renewal",
  body: "Hi,\nshall we talk about your renewal & next steps?",
  recipients: to.map((r) => ({ ...r, sendAt: AT })),
});

beforeAll(async () => {
  sendgrid = await startSendGridFake({ unsubscribes: [GONE] });
  intercom = await startIntercomFake({
    contacts: [
      { name: "Jonas Nakamura", email: JONAS.email },
      { name: "Mei Brooks", email: MEI.email },
    ],
  });
  vi.stubEnv("CS_EMAIL", "sendgrid");
  vi.stubEnv("SENDGRID_API_KEY", "SG.test");
  vi.stubEnv("SENDGRID_FROM_EMAIL", "cs@northwind-analytics.com");
  vi.stubEnv("CS_CONVERSATIONS", "intercom");
  vi.stubEnv("INTERCOM_ACCESS_TOKEN", "ic-test");
  vi.stubEnv("INTERCOM_ADMIN_ID", "991");
  vi.stubEnv("CS_SURVEY_URL", "https://survey.northwind-analytics.com/answer");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", `sendgrid=${sendgrid.url},intercom=${intercom.url}`);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("cs-messages"), SANDBOX_SCALE: "0.05" }),
    createLogger("silent", "test"),
  );
  port = (await createCustomerSuccessServer({ now: () => new Date(AT) }).ports(rt)).messages;
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await sendgrid?.close();
  await intercom?.close();
});

describe("SendGrid", () => {
  // once per key, the system named and suppressions read: messaging-port.test.ts (the same on every provider)
  it("sends one request per send time, each recipient tagged", async () => {
    const o = origin();
    const first = await port.send(message("email"), o);
    expect(first).toMatchObject({ system: "sendgrid", created: true, recipients: 2 });
    expect(sendgrid.state.messages).toHaveLength(1);
    const body = sendgrid.state.messages[0]?.body as {
      personalizations: { to: { email: string }[]; custom_args: Record<string, string> }[];
      send_at: number;
    };
    expect(body.personalizations.map((p) => p.to[0]?.email)).toEqual([JONAS.email, MEI.email]);
    expect(body.personalizations[0]?.custom_args).toEqual({
      revops_message: port.idOf(o.idempotencyKey),
      revops_kind: "message",
      contact_id: JONAS.contactId,
    });
    expect(body.send_at).toBe(Date.parse(AT) / 1000);
    expect(sendgrid.violations).toEqual([]);
  });

  it("reads SendGrid's own unsubscribes by address (the filter the fake now honours)", async () => {
    await port.suppressed("email", [JONAS.email, GONE]);
    expect(sendgrid.requests.some((r) => r.path === "/v3/suppression/unsubscribes")).toBe(true);
  });

  it("a survey goes in waves by send time, each link (our page's signed token) filled per contact", async () => {
    const before = sendgrid.state.messages.length;
    const survey: OutboundMessage = {
      kind: "survey",
      channel: "email",
      surveyType: "nps",
      subject: "Would you recommend us?",
      body: '<p>How likely?</p><a href="https://x/survey/{{survey_token}}?score=9">9</a>',
      recipients: [
        { ...JONAS, sendAt: AT, vars: { survey_token: "tok-jonas" } },
        { ...MEI, sendAt: "2026-12-04T07:00:00.000Z" },
      ],
    };
    const r = await port.send(survey, origin());
    expect(r.recipients).toBe(2);
    const sent = sendgrid.state.messages.slice(before).map((m) => m.body as Record<string, unknown>);
    expect(sent).toHaveLength(2);
    expect(sent.map((b) => (b.personalizations as { substitutions: object }[])[0]?.substitutions)).toEqual([
      // the SDK wraps each key as the body writes it
      { "{{survey_token}}": "tok-jonas", "{{contact_id}}": JONAS.contactId },
      { "{{contact_id}}": MEI.contactId },
    ]);
    expect(sendgrid.violations).toEqual([]);
  });

  it("shows SendGrid dropping a suppressed recipient (accepted, not delivered)", async () => {
    const before = sendgrid.state.dropped.length;
    await port.send(message("email", [{ contactId: "con_0006", email: GONE }]), origin());
    expect(sendgrid.state.dropped.slice(before)).toEqual([
      expect.objectContaining({ email: GONE, reason: "unsubscribed" }),
    ]);
  });
});

describe("Intercom", () => {
  it("sends one admin-initiated email per contact, stored as HTML", async () => {
    const o = origin();
    const first = await port.send(message("intercom"), o);
    expect(first).toMatchObject({ system: "intercom", created: true, recipients: 2 });
    expect(intercom.state.messages).toHaveLength(2);
    expect(intercom.state.messages[0]).toMatchObject({
      message_type: "email",
      from: { type: "admin", id: 991 },
    });
    const opened = [...intercom.state.conversations.values()].map((c) => (c.source as { body: string }).body);
    expect(opened[0]).toBe("<p>Hi,</p><p>shall we talk about your renewal &amp; next steps?</p>");
    expect(intercom.violations).toEqual([]);
  });

  it("after a reset that hid a sent message, finds it (HTML-stored body) instead of sending twice", async () => {
    const before = intercom.state.messages.length;
    intercom.faults.next({ kind: "resetAfterHandling" }, { path: "/messages" });
    const r = await port.send(message("intercom", [JONAS]), origin());
    expect(r.recipients).toBe(1);
    expect(intercom.state.messages.length - before).toBe(1);
  });

  it("sends nothing when a recipient is not in Intercom", async () => {
    const before = intercom.state.messages.length;
    await expect(
      port.send(message("intercom", [JONAS, { contactId: "con_0006", email: GONE }]), origin()),
    ).rejects.toThrow(/not in Intercom/);
    expect(intercom.state.messages.length).toBe(before);
  });
});
