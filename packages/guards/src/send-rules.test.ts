import { afterEach, describe, expect, it } from "vitest";
import { type Setup, setup } from "../test/setup";
import { inQuietHours, localHour } from "./index";
import { SendRules } from "./send-rules";

let s: Setup;
afterEach(async () => {
  await s?.close();
});

const send = (...emails: (string | { email: string; time_zone: string })[]) => ({
  to: emails.map((e) => (typeof e === "string" ? { email: e } : e)),
  subject: "Hi",
});
const phrase = (s: Setup) =>
  s.h.answerWith((p) => ({
    action: "accept",
    content: { confirmation: /type: (.*)$/.exec(p.message)?.[1] ?? "" },
  }));

describe("quiet hours", () => {
  it("computes the local hour with Intl and falls back on unknown zones", () => {
    const at = new Date("2025-03-10T03:00:00Z");
    expect(localHour(at, "UTC", "UTC")).toBe(3);
    expect(localHour(at, "Asia/Tokyo", "UTC")).toBe(12);
    expect(localHour(at, "America/New_York", "UTC")).toBe(23);
    expect(localHour(at, "Mars/Olympus", "UTC")).toBe(3);
  });

  it("wraps midnight and can be turned off", () => {
    expect(inQuietHours(22, "20-8")).toBe(true);
    expect(inQuietHours(7, "20-8")).toBe(true);
    expect(inQuietHours(12, "20-8")).toBe(false);
    expect(inQuietHours(13, "12-14")).toBe(true);
    expect(inQuietHours(15, "12-14")).toBe(false);
    expect(inQuietHours(3, "off")).toBe(false);
    expect(inQuietHours(3, "5-5")).toBe(false);
  });

  it("refuses a send while it is night where the recipient is", async () => {
    s = await setup({ elicitation: true, at: "2025-03-10T03:00:00Z" });
    phrase(s);
    const night = await s.h.call(
      "email_send",
      send({ email: "ny@example.com", time_zone: "America/New_York" }),
    );
    expect(night.text).toContain("quiet hours (20-8 local time) for ny@example.com");
    const day = await s.h.call("email_send", send({ email: "tokyo@example.com", time_zone: "Asia/Tokyo" }));
    expect(day.data).toEqual({ sent: 1 });
  });
});

describe("simulated deliveries", () => {
  it("judge quiet hours on the sandbox's clock, not the wall clock", async () => {
    s = await setup({ elicitation: true, at: "2025-03-10T03:00:00Z", simulatedAt: "2025-03-10T15:00:00Z" });
    phrase(s);
    const ny = { email: "ny@example.com", time_zone: "America/New_York" };
    expect((await s.h.call("email_send", { ...send(ny), simulated: true })).data).toEqual({ sent: 1 });
    expect((await s.h.call("email_send", send(ny))).text).toContain("quiet hours (20-8 local time)");
  });
});

describe("scheduled sends", () => {
  it("judge quiet hours when the send lands, not now", async () => {
    s = await setup({ at: "2025-03-10T03:00:00Z" });
    const state = s.state;
    const rules = new SendRules({
      db: state.db,
      kv: state.deps.kv,
      config: () => state.config,
      now: state.now,
      sandbox: false,
    });
    const ny = { email: "ny@example.com", time_zone: "America/New_York" };
    expect((await rules.check([ny])).refusals.join()).toContain("quiet hours");
    expect((await rules.check([{ ...ny, send_at: "2025-03-10T14:00:00Z" }])).refusals).toEqual([]);
  });
});

describe("send rules", () => {
  it("refuses suppressed recipients and caps messages per recipient and day", async () => {
    s = await setup({ elicitation: true, config: { GUARD_SEND_MAX_PER_RECIPIENT_PER_DAY: 1 } });
    phrase(s);
    await s.state.suppressions.add("Gone@Example.com", "unsubscribed");
    expect(await s.state.suppressions.has("gone@example.com")).toBe(true);
    expect((await s.h.call("email_send", send("gone@example.com"))).text).toContain(
      "gone@example.com unsubscribed",
    );
    await s.state.suppressions.remove("gone@example.com");
    expect((await s.h.call("email_send", send("gone@example.com"))).isError).toBe(false);
    expect((await s.h.call("email_send", send("gone@example.com"))).text).toContain(
      "already got 1 messages today",
    );
    expect(s.ports.outbox).toHaveLength(1);
  });

  it("counts nothing when the send fails", async () => {
    s = await setup({ elicitation: true, config: { GUARD_SEND_MAX_PER_RECIPIENT_PER_DAY: 1 } });
    phrase(s);
    s.ports.failNext = true;
    expect((await s.h.call("email_send", send("a@example.com"))).isError).toBe(true);
    expect((await s.h.call("email_send", send("a@example.com"))).isError).toBe(false);
  });

  it("allows only allowlisted domains against the sandbox", async () => {
    s = await setup({ elicitation: true, sandbox: true });
    const r = await s.h.call("email_send", send("ceo@realcustomer.com", "a@example.com"));
    expect(r.text).toContain("not ceo@realcustomer.com");
    expect(s.h.elicited).toHaveLength(0);
  });

  it("lets the sandbox record mail to any domain when it delivers nothing (delivery: simulated)", async () => {
    s = await setup({ elicitation: true, sandbox: true });
    phrase(s);
    const r = await s.h.call("email_send", { ...send("ceo@realcustomer.com"), simulated: true });
    expect(r.data).toEqual({ sent: 1 });
  });

  it("sends big audiences and strangers to the approval queue even when the client can elicit", async () => {
    s = await setup({
      elicitation: true,
      config: { GUARD_OUTBOUND_APPROVAL_OVER: 2, GUARD_OWN_DOMAINS: ["ourco.com"] },
      isKnownContact: async (e) => e.startsWith("known"),
    });
    phrase(s);
    const big = await s.h.call("email_send", send("a@ourco.com", "b@ourco.com", "c@ourco.com"));
    expect(big.text).toContain("3 recipients is over the 2");
    expect(big.text).toMatch(/apr_/);
    const stranger = await s.h.call("email_send", send("known@example.com", "who@example.com"));
    expect(stranger.text).toContain("who@example.com are neither in your own domains nor known contacts");
    expect(s.h.elicited).toHaveLength(0);
    expect((await s.h.call("email_send", send("known@example.com", "me@ourco.com"))).data).toEqual({
      sent: 2,
    });
  });

  it("lists at most five addresses in a refusal", async () => {
    s = await setup({ sandbox: true });
    const many = Array.from({ length: 8 }, (_, i) => `x${i}@elsewhere.io`);
    expect((await s.h.call("email_send", send(...many))).text).toContain("and 3 more");
  });
});
