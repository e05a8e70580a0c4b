import type { KeyValue, SqlDb } from "@revops/store";
import { type GoogleState, googleQuotaFault, type RunningFake, startGoogleFake } from "@revops/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  calendarEventId,
  createGoogleConnector,
  createGoogleSdk,
  type GoogleConnector,
  SendUncertainError,
} from "../src/index";
import { FAST_POLICY, ledgerOn, ledgerRows, memoryKv, sqlite, timed } from "./helpers";

const RAW = Buffer.from("To: lead@example.com\r\nSubject: Tuesday?\r\n\r\nShall we talk?").toString(
  "base64url",
);
const RANGE = { from: "2025-01-20T00:00:00Z", to: "2025-01-21T00:00:00Z" };

let fake: RunningFake<GoogleState>;
let db: SqlDb;
let kv: KeyValue;

async function connector(policy = {}, extra = {}, id = "acme-google"): Promise<GoogleConnector> {
  return createGoogleConnector(
    {
      id,
      vendor: "google",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { accessToken: "ya29.test" },
    },
    { policy: { ...FAST_POLICY, ...policy }, ledger: await ledgerOn(db), kv, ...extra },
  );
}
const hits = (path: string | RegExp) =>
  fake.requests.filter((r) => (typeof path === "string" ? r.path === path : path.test(r.path)));
const SEND = "/gmail/v1/users/me/messages/send";
const EVENTS = "/calendar/v3/calendars/primary/events";

beforeAll(async () => {
  db = await sqlite();
});
beforeEach(async () => {
  kv = await memoryKv();
  fake = await startGoogleFake({
    messages: [
      { from: "lee@example.com", subject: "Renewal", snippet: "About the renewal", threadId: "t1" },
      { from: "rep@acme.test", subject: "Re: Renewal", snippet: "Sure", threadId: "t1" },
      { from: "other@example.com", subject: "Invoice", snippet: "Invoice attached" },
    ],
    events: [
      { summary: "Standup", start: "2025-01-20T09:00:00Z", end: "2025-01-20T09:15:00Z" },
      { summary: "Demo", start: "2025-01-20T14:00:00Z", end: "2025-01-20T15:00:00Z" },
      { summary: "Later", start: "2025-02-01T14:00:00Z", end: "2025-02-01T15:00:00Z" },
    ],
  });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});
afterAll(async () => {
  await db.close();
});

describe("Gmail + Calendar connector over @googleapis, checked against Google's OpenAPI files", () => {
  it("lists, reads threads, sends, lists events, checks free/busy and creates events within the contract", async () => {
    const g = await connector();
    const list = await g.listMessages("subject:renewal");
    expect(list.value.messages.map((m) => m.threadId)).toEqual(["t1", "t1"]);
    expect(list.stale).toBe(false);
    const thread = await g.getThread("t1");
    expect(thread.value.messages).toHaveLength(2);
    expect(await g.sendMessage(RAW, { idempotencyKey: "s1" })).toMatchObject({ deduplicated: false });
    expect(fake.state.sent).toEqual([{ raw: RAW }]);
    expect(hits(SEND)[0]?.headers.authorization).toBe("Bearer ya29.test");
    const events = await g.listEvents(RANGE);
    expect(events.value.map((e) => e.summary)).toEqual(["Standup", "Demo"]);
    expect((await g.freeBusy(RANGE)).value).toEqual({
      primary: {
        status: "known",
        busy: [
          { start: "2025-01-20T09:00:00Z", end: "2025-01-20T09:15:00Z" },
          { start: "2025-01-20T14:00:00Z", end: "2025-01-20T15:00:00Z" },
        ],
      },
    });
    const created = await g.createEvent(
      {
        summary: "Kick-off",
        start: { dateTime: "2025-01-22T10:00:00Z" },
        end: { dateTime: "2025-01-22T11:00:00Z" },
      },
      { idempotencyKey: "deal-42-kickoff" },
    );
    expect(created).toMatchObject({
      existed: false,
      event: { id: calendarEventId("acme-google", "deal-42-kickoff") },
    });
  });

  it("makes exactly one HTTP exchange per attempt (gaxios retries off) and honours Retry-After", async () => {
    const g = await connector({ deadlineMs: 3000 });
    fake.faults.next(
      { kind: "status", status: 429, retryAfter: "1" },
      { path: "/gmail/v1/users/me/messages" },
    );
    const { ms, result } = await timed(() => g.listMessages("renewal"));
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(hits("/gmail/v1/users/me/messages")).toHaveLength(2);
    fake.faults.always({ kind: "status", status: 503 }, { path: "/gmail/v1/users/me/messages" });
    await expect(g.listMessages("x")).rejects.toMatchObject({ kind: "unavailable", attempts: 3 });
    expect(hits("/gmail/v1/users/me/messages")).toHaveLength(5);
  });

  it("reads Google's 403 quota reasons as limits: rate limits are retried, a spent daily quota is named", async () => {
    const g = await connector();
    const LIST = "/gmail/v1/users/me/messages";
    fake.faults.next(googleQuotaFault("userRateLimitExceeded"), { path: LIST });
    expect((await g.listMessages("renewal")).value.messages).toHaveLength(2);
    expect(hits(LIST)).toHaveLength(2);
    // refused, so never sent: a send is retried too, and lands once
    fake.faults.next(googleQuotaFault("rateLimitExceeded", 429), { path: SEND });
    fake.faults.next(googleQuotaFault("rateLimitExceeded"), { path: SEND });
    expect(await g.sendMessage(RAW, { idempotencyKey: "q1" })).toMatchObject({ deduplicated: false });
    expect(fake.state.sent).toHaveLength(1);
    expect(hits(SEND)).toHaveLength(3);
    fake.faults.always(googleQuotaFault("dailyLimitExceeded"), { path: LIST });
    const err = await g.listMessages("x").catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "quota_exhausted", status: 403, attempts: 1 });
    expect((err as Error).message).toMatch(
      /acme-google: Google says the daily API quota is used up \(dailyLimitExceeded\)/,
    );
    expect((err as Error).message).not.toMatch(/scope|permission/i);
  });

  it("never sends a Gmail message twice with one key, even when the answer is lost", async () => {
    const g = await connector();
    await g.sendMessage(RAW, { idempotencyKey: "k" });
    expect(await g.sendMessage(RAW, { idempotencyKey: "k" })).toMatchObject({ deduplicated: true });
    expect(fake.state.sent).toHaveLength(1);
    fake.faults.next({ kind: "resetAfterHandling" }, { path: SEND });
    await expect(g.sendMessage(RAW, { idempotencyKey: "k2" })).rejects.toMatchObject({ kind: "unavailable" });
    await expect(g.sendMessage(RAW, { idempotencyKey: "k2" })).rejects.toBeInstanceOf(SendUncertainError);
    expect(fake.state.sent).toHaveLength(2);
    expect(hits(SEND)).toHaveLength(2);
    // a 5xx is not retried for a send either: Gmail may have sent it
    fake.faults.next({ kind: "status", status: 500 }, { path: SEND });
    await expect(g.sendMessage(RAW, { idempotencyKey: "k3" })).rejects.toMatchObject({ attempts: 1 });
    expect(hits(SEND)).toHaveLength(3);
  });

  it("creates one calendar event per key: a retry after a lost answer finds it by its id", async () => {
    const g = await connector();
    const event = {
      summary: "QBR",
      start: { dateTime: "2025-01-23T10:00:00Z" },
      end: { dateTime: "2025-01-23T11:00:00Z" },
    };
    fake.faults.next({ kind: "resetAfterHandling" }, { path: EVENTS, method: "POST" });
    const first = await g.createEvent(event, { idempotencyKey: "qbr" });
    expect(first).toMatchObject({ existed: true, event: { summary: "QBR" } });
    expect(await g.createEvent(event, { idempotencyKey: "qbr" })).toMatchObject({ existed: true });
    expect(fake.state.events.get("primary")?.filter((e) => e.summary === "QBR")).toHaveLength(1);
    expect(hits(EVENTS).filter((r) => r.method === "POST")).toHaveLength(3);
  });

  it("asks Google to email invitations when the event has attendees, and says none otherwise", async () => {
    const g = await connector();
    const slot = {
      start: { dateTime: "2025-01-24T10:00:00+01:00" },
      end: { dateTime: "2025-01-24T11:00:00+01:00" },
    };
    await g.createEvent(
      { summary: "Demo", ...slot, attendees: [{ email: "lee@example.com" }] },
      { idempotencyKey: "i1" },
    );
    await g.createEvent({ summary: "Focus", ...slot }, { idempotencyKey: "i2" });
    await g.createEvent(
      { summary: "Quiet", ...slot, attendees: [{ email: "lee@example.com" }] },
      { idempotencyKey: "i3", inviteAttendees: false },
    );
    expect(fake.state.inserts.map((i) => [i.body.summary, i.sendUpdates])).toEqual([
      ["Demo", "all"],
      ["Focus", "none"],
      ["Quiet", "none"],
    ]);
    expect(hits(EVENTS)[0]?.query.get("sendUpdates")).toBe("all");
  });

  it("reports a calendar Google could not read as unknown, never as free, and compares times as instants", async () => {
    await fake.close();
    fake = await startGoogleFake({
      events: [
        { summary: "Offsite", start: "2025-01-20T10:00:00+02:00", end: "2025-01-20T11:00:00+02:00" },
        { summary: "Holiday", calendarId: "lee@example.com", start: "2025-01-20", end: "2025-01-21" },
      ],
    });
    const g = await connector();
    const window = { from: "2025-01-20T07:30:00Z", to: "2025-01-20T08:30:00Z" };
    expect(
      (await g.freeBusy(window, { calendars: ["primary", "lee@example.com", "gone@example.com"] })).value,
    ).toEqual({
      primary: { status: "known", busy: [{ start: "2025-01-20T08:00:00Z", end: "2025-01-20T09:00:00Z" }] },
      "lee@example.com": {
        status: "known",
        busy: [{ start: "2025-01-20T00:00:00Z", end: "2025-01-21T00:00:00Z" }],
      },
      "gone@example.com": { status: "unknown", reasons: ["notFound"] },
    });
  });

  it("ends hung calls within the deadline + 250 ms (scheduling slack on a loaded machine), trips the breaker and serves stale reads meanwhile", async () => {
    const g = await connector(
      { attemptTimeoutMs: 300, deadlineMs: 700 },
      { staleCache: { cache: kv, maxAgeMs: 60_000 } },
    );
    expect((await g.listEvents(RANGE)).stale).toBe(false);
    fake.faults.always({ kind: "hang" });
    const hung = await timed(() => g.listEvents(RANGE));
    expect(hung.ms).toBeLessThan(950);
    expect(hung.result).toMatchObject({ status: "fulfilled", value: { stale: true } });
    fake.faults.clear();
    fake.faults.always({ kind: "status", status: 503 });
    await g.listEvents(RANGE);
    await g.listEvents(RANGE);
    expect(g.sdk.runtime.policy.circuitState).toBe("open");
    const seen = fake.requests.length;
    expect((await g.listEvents(RANGE)).stale).toBe(true);
    expect(fake.requests).toHaveLength(seen);
    fake.faults.clear();
    await new Promise((r) => setTimeout(r, 320));
    expect((await g.listEvents(RANGE)).stale).toBe(false);
  });

  it("names the connection when Google rejects the token, uses a refreshed one, and keeps an exact ledger", async () => {
    const local = await sqlite();
    const g = await createGoogleConnector(
      {
        id: "ledger-google",
        vendor: "google",
        baseUrl: fake.url,
        allowInsecureTestBaseUrl: true,
        credentials: { accessToken: "ya29.a" },
      },
      { policy: FAST_POLICY, ledger: await ledgerOn(local), kv },
    );
    await g.listMessages("renewal");
    fake.faults.expireTokens();
    const err = await g.getThread("t1").catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "Google rejected the token for connection ledger-google: sign in with Google again in Settings → Connections (the grant may have been revoked or expired).",
    );
    g.sdk.setAccessToken("ya29.b");
    await g.sendMessage(RAW, { idempotencyKey: "l1" });
    expect(await ledgerRows(local)).toEqual([
      { operation: "messages.list", attempts: 1, outcome: "ok" },
      { operation: "threads.get", attempts: 1, outcome: "auth" },
      { operation: "messages.send", attempts: 1, outcome: "ok" },
    ]);
    await local.close();
  });

  it("refuses rootUrl overrides off Google's hosts, plain http, private addresses and redirects", async () => {
    const base = { id: "u", vendor: "google" as const, credentials: { accessToken: "t" } };
    const publicDns = async () => ["142.250.1.1"];
    await expect(
      createGoogleSdk({ ...base, baseUrl: "https://evil.example.com" }, { resolve: publicDns }),
    ).rejects.toThrow(/not one of/);
    await expect(
      createGoogleSdk({ ...base, baseUrl: "http://gmail.googleapis.com" }, { resolve: publicDns }),
    ).rejects.toThrow(/only https/);
    await expect(
      createGoogleSdk(
        { ...base, baseUrl: "https://gmail.googleapis.com" },
        { resolve: async () => ["10.0.0.8"] },
      ),
    ).rejects.toThrow(/private/);
    await expect(createGoogleSdk({ ...base, baseUrl: "https://10.0.0.8" })).rejects.toThrow(/private/);
    const ok = await createGoogleSdk(
      { ...base, baseUrl: "https://eu-gmail.googleapis.com" },
      { resolve: publicDns },
    );
    expect(ok.gmailRoot.href).toBe("https://eu-gmail.googleapis.com/");
    const defaults = await createGoogleSdk(base);
    expect([defaults.gmailRoot.href, defaults.calendarRoot.href]).toEqual([
      "https://gmail.googleapis.com/",
      "https://www.googleapis.com/",
    ]);
    // SDK calls outside an operation are refused, and a redirect is never followed
    await expect(defaults.gmail.users.messages.list({ userId: "me" })).rejects.toThrow(
      /outside the resilience policy/,
    );
    const g = await connector();
    fake.faults.next({ kind: "redirect", location: "http://169.254.169.254/latest" });
    await expect(g.getThread("t1")).rejects.toMatchObject({ kind: "invalid" });
    expect(hits(/169/)).toHaveLength(0);
  });
});
