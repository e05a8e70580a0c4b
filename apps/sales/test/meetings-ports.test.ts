import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { CalendarPort, MailPort, NewMeeting, OutboundEmail } from "@revops/model";
import { ensureSandboxLoaded, SandboxMeetings } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { type GoogleState, type RunningFake, startGoogleFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSalesCalendarConfig } from "../src/integrations/config";
import { rfc2822 } from "../src/integrations/google/calendar";
import { vendorCalendar } from "../src/integrations/vendor-ports";

// ---------------------------------------------------------------------------------------------------------------
// One contract for CalendarPort and MailPort, the same assertions on the sandbox and on Google (googleapis + fake).

const REP = "rep@example.com";
const GUEST = "guest@example.com";
const BUSY = { start: "2027-03-02T15:00:00.000Z", end: "2027-03-02T16:00:00.000Z" };

type Kind = "event" | "message" | "draft";

interface Provider {
  calendar: CalendarPort;
  mail: MailPort;
  system: { calendar: string; mail: string };
  /** Books BUSY for REP outside the port (the calendar as someone else left it). */
  seedBusy(): Promise<void>;
  /** Events / messages the system holds with this title / subject. */
  events(title: string): Promise<number>;
  messages(subject: string): Promise<number>;
  drafts(subject: string): Promise<number>;
  /** The next create/send is applied, then its answer is lost. */
  loseNextAnswer(kind: Kind): void;
  close(): Promise<void>;
}

const meeting = (title: string, start: string): NewMeeting => ({
  title,
  start,
  end: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
  timeZone: "America/Chicago",
  ownerId: "usr_02",
  ownerEmail: REP,
  accountId: "acc_0001",
  dealId: "deal_0001",
  attendees: [GUEST],
  agenda: null,
});
const email = (subject: string): OutboundEmail => ({
  senderId: "usr_02",
  senderEmail: REP,
  to: [GUEST],
  subject,
  body: "Thanks for today.",
  dealId: null,
  accountId: null,
});

function describeMeetingsContract(name: string, setup: () => Promise<Provider>) {
  describe(`CalendarPort + MailPort contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
      await p.seedBusy();
    }, 60_000);
    afterAll(async () => p?.close());

    it("createMeeting books once per key and listMeetings finds it by deal, soonest first", async () => {
      const origin = { principal: "ann", idempotencyKey: "mk-1" };
      const w = await p.calendar.createMeeting(meeting("Contract call", "2027-03-03T15:00:00Z"), origin);
      expect(w).toMatchObject({ system: p.system.calendar, created: true });
      const again = await p.calendar.createMeeting(meeting("Contract call", "2027-03-03T15:00:00Z"), origin);
      expect(again).toMatchObject({ id: w.id, created: false });
      expect(await p.events("Contract call")).toBe(1);
      const { rows } = await p.calendar.listMeetings({
        from: "2027-03-01T00:00:00Z",
        to: "2027-03-10T00:00:00Z",
        dealId: "deal_0001",
        order: "asc",
        limit: 10,
      });
      expect(rows.map((r) => r.id)).toContain(w.id);
      expect(rows.find((r) => r.id === w.id)).toMatchObject({
        title: "Contract call",
        dealId: "deal_0001",
        accountId: "acc_0001",
        attendees: [GUEST],
      });
      expect(await p.calendar.getMeeting(w.id)).toMatchObject({ id: w.id, dealId: "deal_0001" });
      expect(await p.calendar.getMeeting("nosuchmeeting0")).toBeUndefined();
    });

    it("looks a booking up after an ambiguous failure instead of inviting twice", async () => {
      p.loseNextAnswer("event");
      const origin = { principal: "ann", idempotencyKey: "mk-2" };
      const w = await p.calendar.createMeeting(meeting("Ambiguous call", "2027-03-04T15:00:00Z"), origin);
      expect(w.id).toBeTruthy();
      expect(await p.events("Ambiguous call")).toBe(1);
    });

    it("busy reports a known calendar's busy periods in the window", async () => {
      const a = await p.calendar.busy([REP], "2027-03-02T00:00:00Z", "2027-03-03T00:00:00Z");
      expect(a[REP]?.status).toBe("known");
      const busy = a[REP]?.status === "known" ? a[REP].busy : [];
      expect(busy.map((b) => [Date.parse(b.start), Date.parse(b.end)])).toContainEqual([
        Date.parse(BUSY.start),
        Date.parse(BUSY.end),
      ]);
    });

    it("send delivers once per key, counts toward sentSince, and never twice after a lost answer", async () => {
      const before = await p.mail.sentSince(REP, "2020-01-01T00:00:00Z");
      const w = await p.mail.send(email("Contract hello"), { principal: "ann", idempotencyKey: "ek-1" });
      expect(w).toMatchObject({ system: p.system.mail, created: true });
      const again = await p.mail.send(email("Contract hello"), { principal: "ann", idempotencyKey: "ek-1" });
      expect(again).toMatchObject({ id: w.id, created: false });
      expect(await p.messages("Contract hello")).toBe(1);
      expect(await p.mail.sentSince(REP, "2020-01-01T00:00:00Z")).toBe(before + 1);

      p.loseNextAnswer("message");
      const key = { principal: "ann", idempotencyKey: "ek-2" };
      await p.mail.send(email("Lost answer"), key).catch(() => undefined);
      // a retry under the same key finds it (sandbox) or refuses to send blind (Gmail): one message either way
      await p.mail.send(email("Lost answer"), key).catch((err: Error) => {
        expect(err.message).toMatch(/may already have been sent/);
      });
      expect(await p.messages("Lost answer")).toBe(1);
    });

    it("saveDraft saves once per key, sends nothing, and finds the draft after a lost answer", async () => {
      const before = await p.mail.sentSince(REP, "2020-01-01T00:00:00Z");
      const key = { principal: "ann", idempotencyKey: "dk-1" };
      const w = await p.mail.saveDraft(email("Draft hello"), key);
      expect(w).toMatchObject({ system: p.system.mail, created: true });
      expect(await p.mail.saveDraft(email("Draft hello"), key)).toMatchObject({ id: w.id, created: false });
      expect(await p.drafts("Draft hello")).toBe(1);
      expect(await p.messages("Draft hello")).toBe(0);
      expect(await p.mail.sentSince(REP, "2020-01-01T00:00:00Z")).toBe(before);

      p.loseNextAnswer("draft");
      const lost = await p.mail.saveDraft(email("Lost draft"), { principal: "ann", idempotencyKey: "dk-2" });
      expect(lost.id).toBeTruthy();
      expect(await p.drafts("Lost draft")).toBe(1);
    });
  });
}

describeMeetingsContract("sandbox on SQLite", async () => {
  const db = await openSql({ dataDir: tempDataDir("meetings-ports") });
  await ensureSandboxLoaded(db, { scale: 0.05 });
  const port = new SandboxMeetings(db);
  let lose: Kind | undefined;
  // the sandbox's write is a transaction: "applied, answer lost" is the same write run a second time
  const twice =
    <A extends unknown[], R>(kind: Kind, fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      if (lose === kind) {
        lose = undefined;
        await fn(...a);
      }
      return fn(...a);
    };
  const count = async (sql: string, v: string) => Number((await db.one<{ n: number }>(sql, [v]))?.n);
  const calendar: CalendarPort = {
    source: port.source,
    listMeetings: (q) => port.listMeetings(q),
    getMeeting: (id) => port.getMeeting(id),
    busy: (e, f, t) => port.busy(e, f, t),
    createMeeting: twice("event", (m, o) => port.createMeeting(m, o)),
  };
  const mail: MailPort = {
    source: port.source,
    sentSince: (s, since) => port.sentSince(s, since),
    send: twice("message", (e, o) => port.send(e, o)),
    saveDraft: twice("draft", (e, o) => port.saveDraft(e, o)),
  };
  return {
    calendar,
    mail,
    system: { calendar: "sandbox", mail: "sandbox" },
    seedBusy: async () => {
      await port.createMeeting(
        { ...meeting("Someone else's", BUSY.start), end: BUSY.end, attendees: [REP] },
        { principal: "other", idempotencyKey: "seed-busy" },
      );
    },
    events: (title) => count("SELECT COUNT(*) AS n FROM sb_meetings WHERE title = ?", title),
    messages: (subject) => count("SELECT COUNT(*) AS n FROM sb_sales_emails WHERE subject = ?", subject),
    drafts: (subject) => count("SELECT COUNT(*) AS n FROM sb_sales_drafts WHERE subject = ?", subject),
    loseNextAnswer: (kind) => {
      lose = kind;
    },
    close: () => db.close(),
  };
});

describeMeetingsContract("Google Calendar + Gmail (googleapis) over the fake", async () => {
  const fake: RunningFake<GoogleState> = await startGoogleFake({
    events: [{ calendarId: REP, summary: "Busy", start: BUSY.start, end: BUSY.end }],
  });
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("meetings-google") }),
    createLogger("silent", "test"),
  );
  const config = loadSalesCalendarConfig({
    SALES_CALENDAR: "google",
    GOOGLE_ACCESS_TOKEN: "ya29.test",
    REVOPS_TEST_GOOGLE_BASE_URL: fake.url,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  });
  if (config.calendar !== "google") throw new Error("expected the Google config");
  const google = await vendorCalendar(rt, config);
  const subjectOf = (raw: string) => {
    const header = /^Subject: =\?UTF-8\?B\?([^?]+)\?=/m.exec(Buffer.from(raw, "base64url").toString());
    return header ? Buffer.from(header[1] as string, "base64").toString() : "";
  };
  return {
    calendar: google,
    mail: google,
    system: { calendar: "google", mail: "gmail" },
    seedBusy: async () => {},
    events: async (title) =>
      (fake.state.events.get("primary") ?? []).filter((e) => e.summary === title).length,
    messages: async (subject) => fake.state.sent.filter((m) => subjectOf(m.raw) === subject).length,
    // the fake shows headers decoded, as Gmail does
    drafts: async (subject) =>
      fake.state.drafts.filter((d) => d.message.payload.headers.some((h) => h.value === subject)).length,
    loseNextAnswer: (kind) => {
      const path = {
        event: "/calendar/v3/calendars/primary/events",
        message: "/gmail/v1/users/me/messages/send",
        draft: "/gmail/v1/users/me/drafts",
      }[kind];
      fake.faults.next({ kind: "resetAfterHandling" }, { path, method: "POST" });
    },
    close: async () => {
      expect(fake.violations).toEqual([]);
      await rt.close(1000);
      await fake.close();
    },
  };
});

describe("Google adapter details", () => {
  it("writes an RFC 2822 message whose headers cannot be split by the subject", () => {
    const raw = Buffer.from(
      rfc2822({ ...email("Hi\r\nBcc: evil@example.com"), to: ["a@example.com", "b@example.com"] }),
      "base64url",
    ).toString();
    expect(raw).toMatch(
      /^From: rep@example.com\r\nTo: a@example.com, b@example.com\r\nSubject: =\?UTF-8\?B\?/,
    );
    expect(raw).not.toMatch(/^Bcc:/m);
  });

  it("refuses a test base URL without the insecure switch, and Google without a token", () => {
    expect(() =>
      loadSalesCalendarConfig({
        SALES_CALENDAR: "google",
        GOOGLE_ACCESS_TOKEN: "t",
        REVOPS_TEST_GOOGLE_BASE_URL: "http://127.0.0.1:9",
      }),
    ).toThrow(/REVOPS_TEST_GOOGLE_BASE_URL/);
    expect(() => loadSalesCalendarConfig({ SALES_CALENDAR: "google" })).toThrow(/GOOGLE_ACCESS_TOKEN/);
    expect(loadSalesCalendarConfig({})).toEqual({ calendar: "sandbox", dailyCap: 50 });
  });
});
