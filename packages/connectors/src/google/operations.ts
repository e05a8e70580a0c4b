import { createHash } from "node:crypto";
import type { calendar_v3 } from "@googleapis/calendar";
import type { gmail_v1 } from "@googleapis/gmail";
import { isVendorError, type MaybeStale, unitsFor, writeOnce } from "@revops/resilience";
import type { KeyValue } from "@revops/store";
import type { ResilienceSetup, VaultTokenSetup } from "../connection";
import { SendUncertainError } from "../sendgrid/operations";
import { createGoogleSdk, type GoogleConnection, type GoogleSdk } from "./client";
import { availabilityOf, type CalendarAvailability } from "./free-busy";

export interface GoogleSetup extends ResilienceSetup, VaultTokenSetup {
  /** Where Gmail send idempotency keys live (Redis across replicas). */
  kv: KeyValue;
  /** How long a key blocks a resend; default 7 days. */
  idempotencyTtlMs?: number;
}

export interface TimeRange {
  /** RFC 3339 timestamps; `to` is exclusive. */
  from: string;
  to: string;
}

export interface MessagePage {
  messages: { id: string; threadId: string }[];
  resultSizeEstimate: number;
  nextPageToken?: string;
}

export interface GmailSendResult {
  id: string | undefined;
  threadId: string | undefined;
  /** True when an earlier call with the same key already sent it: nothing was sent now. */
  deduplicated: boolean;
}

export interface GmailDraftResult {
  id: string;
  messageId: string;
  /** True when an earlier attempt had saved it (found by its Message-ID): no second draft was made. */
  recovered: boolean;
}

export interface CreateEventResult {
  event: calendar_v3.Schema$Event;
  /** True when the event already existed under the id derived from the idempotency key. */
  existed: boolean;
}

export interface GoogleConnector {
  readonly sdk: GoogleSdk;
  listMessages(
    query: string,
    opts?: { pageToken?: string; maxResults?: number },
  ): Promise<MaybeStale<MessagePage>>;
  getThread(id: string): Promise<MaybeStale<gmail_v1.Schema$Thread>>;
  /** `raw`: the RFC 2822 message, base64url; sent at most once per idempotency key. */
  sendMessage(raw: string, opts: { idempotencyKey: string; threadId?: string }): Promise<GmailSendResult>;
  /**
   * Saves `raw` (RFC 2822, base64url, carrying the Message-ID `messageId`) as a draft once: an earlier draft with
   * that Message-ID is looked up first and after an ambiguous failure, so a retry never makes a second draft.
   */
  createDraft(raw: string, opts: { messageId: string }): Promise<GmailDraftResult>;
  listEvents(
    range: TimeRange,
    opts?: { calendarId?: string },
  ): Promise<MaybeStale<calendar_v3.Schema$Event[]>>;
  /** Busy periods per calendar; a calendar Google could not read is `unknown`, never free. */
  freeBusy(
    range: TimeRange,
    opts?: { calendars?: string[] },
  ): Promise<MaybeStale<Record<string, CalendarAvailability>>>;
  /**
   * Inserts under an event id derived from the key, so a retry can never create a second event. Google emails
   * the invitation only when asked (`sendUpdates`): `inviteAttendees` defaults to true when there are attendees.
   */
  createEvent(
    event: calendar_v3.Schema$Event,
    opts: { idempotencyKey: string; calendarId?: string; inviteAttendees?: boolean },
  ): Promise<CreateEventResult>;
}

interface KeyRecord {
  state: "sending" | "sent" | "uncertain";
  id?: string;
  threadId?: string;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_PAGES = 20;

/** Calendar's client-supplied ids: base32hex characters (a-v, 0-9), 5 to 1024 long. */
export function calendarEventId(connectionId: string, idempotencyKey: string): string {
  const digest = createHash("sha256").update(`${connectionId}\n${idempotencyKey}`).digest();
  const alphabet = "0123456789abcdefghijklmnopqrstuv";
  let out = "";
  for (const byte of digest.subarray(0, 20)) out += alphabet[byte % 32];
  return `revops${out}`;
}

export async function createGoogleConnector(
  connection: GoogleConnection,
  setup: GoogleSetup,
): Promise<GoogleConnector> {
  const sdk = await createGoogleSdk(connection, setup);
  const { runtime, gmail, calendar, call } = sdk;
  const ttlMs = setup.idempotencyTtlMs ?? WEEK_MS;
  const keyOf = (key: string) => `google:gmail-idem:${connection.id}:${key}`;
  const gmailUnits = (op: string) => ({ units: unitsFor("gmail", op) });

  return {
    sdk,
    listMessages: (query, { pageToken, maxResults } = {}) =>
      runtime.read(`messages:${query}:${pageToken ?? ""}:${maxResults ?? ""}`, async () => {
        const res = await call(
          "messages.list",
          () =>
            gmail.users.messages.list({
              userId: "me",
              q: query,
              maxResults: Math.min(Math.max(1, maxResults ?? 50), 500),
              ...(pageToken ? { pageToken } : {}),
            }),
          gmailUnits("messages.list"),
        );
        return {
          messages: (res.data.messages ?? []).map((m) => ({ id: m.id ?? "", threadId: m.threadId ?? "" })),
          resultSizeEstimate: res.data.resultSizeEstimate ?? 0,
          ...(res.data.nextPageToken ? { nextPageToken: res.data.nextPageToken } : {}),
        };
      }),
    getThread: (id) =>
      runtime.read(`thread:${id}`, async () => {
        const res = await call(
          "threads.get",
          () => gmail.users.threads.get({ userId: "me", id, format: "metadata" }),
          gmailUnits("threads.get"),
        );
        return res.data;
      }),
    async sendMessage(raw, { idempotencyKey, threadId }) {
      const key = keyOf(idempotencyKey);
      const claimed = await setup.kv.setIfAbsent(
        key,
        JSON.stringify({ state: "sending" } satisfies KeyRecord),
        { ttlMs },
      );
      if (!claimed) {
        const prior = JSON.parse((await setup.kv.get(key)) ?? "{}") as Partial<KeyRecord>;
        if (prior.state === "sent") return { id: prior.id, threadId: prior.threadId, deduplicated: true };
        throw new SendUncertainError(
          `A Gmail message with idempotency key ${idempotencyKey} ${prior.state === "uncertain" ? "may already have been sent (the connection dropped mid-send)" : "is being sent right now"}; check the Sent folder before sending it again with a new key.`,
        );
      }
      try {
        const res = await call(
          "messages.send",
          () =>
            gmail.users.messages.send({
              userId: "me",
              requestBody: { raw, ...(threadId ? { threadId } : {}) },
            }),
          { idempotent: false, ...gmailUnits("messages.send") },
        );
        const record: KeyRecord = {
          state: "sent",
          id: res.data.id ?? undefined,
          threadId: res.data.threadId ?? undefined,
        };
        await setup.kv.set(key, JSON.stringify(record), { ttlMs });
        return { id: record.id, threadId: record.threadId, deduplicated: false };
      } catch (err) {
        // only a refusal Gmail surely did not act on frees the key for another try
        const refused = isVendorError(err) && err.status !== undefined && err.status < 500;
        if (refused) await setup.kv.del(key);
        else await setup.kv.set(key, JSON.stringify({ state: "uncertain" } satisfies KeyRecord), { ttlMs });
        throw err;
      }
    },
    async createDraft(raw, { messageId }) {
      const lookup = async () => {
        // Gmail search finds a message by its RFC 822 Message-ID header (rfc822msgid:, without the brackets)
        const res = await call(
          "drafts.list",
          () => gmail.users.drafts.list({ userId: "me", q: `rfc822msgid:${messageId}`, maxResults: 1 }),
          { idempotent: true, ...gmailUnits("drafts.list") },
        );
        const d = res.data.drafts?.[0];
        return d?.id ? { id: d.id, messageId: d.message?.id ?? "" } : undefined;
      };
      const { value, recovered } = await writeOnce({
        lookupFirst: true,
        lookup,
        write: async () => {
          const res = await call(
            "drafts.create",
            () => gmail.users.drafts.create({ userId: "me", requestBody: { message: { raw } } }),
            { idempotent: false, ...gmailUnits("drafts.create") },
          );
          return { id: res.data.id ?? "", messageId: res.data.message?.id ?? "" };
        },
      });
      return { ...value, recovered };
    },
    listEvents: (range, { calendarId = "primary" } = {}) =>
      runtime.read(`events:${calendarId}:${range.from}:${range.to}`, async () => {
        const items: calendar_v3.Schema$Event[] = [];
        let pageToken: string | undefined;
        for (let i = 0; i < MAX_PAGES; i++) {
          const res = await call("events.list", () =>
            calendar.events.list({
              calendarId,
              timeMin: range.from,
              timeMax: range.to,
              singleEvents: true,
              orderBy: "startTime",
              maxResults: 250,
              ...(pageToken ? { pageToken } : {}),
            }),
          );
          items.push(...(res.data.items ?? []));
          pageToken = res.data.nextPageToken ?? undefined;
          if (!pageToken) break;
        }
        return items;
      }),
    freeBusy: (range, { calendars = ["primary"] } = {}) =>
      runtime.read(`freebusy:${calendars.join(",")}:${range.from}:${range.to}`, async () => {
        // a query, not a write: POST here is safe to retry
        const res = await call(
          "freebusy.query",
          () =>
            calendar.freebusy.query({
              requestBody: { timeMin: range.from, timeMax: range.to, items: calendars.map((id) => ({ id })) },
            }),
          { idempotent: true },
        );
        return availabilityOf(calendars, res.data);
      }),
    async createEvent(event, { idempotencyKey, calendarId = "primary", inviteAttendees }) {
      const id = calendarEventId(connection.id, idempotencyKey);
      const invite = inviteAttendees ?? (event.attendees?.length ?? 0) > 0;
      try {
        // the id makes the insert idempotent: a retry after a lost answer gets 409, never a second event
        const res = await call(
          "events.insert",
          () =>
            calendar.events.insert({
              calendarId,
              sendUpdates: invite ? "all" : "none",
              requestBody: { ...event, id },
            }),
          { idempotent: true },
        );
        return { event: res.data, existed: false };
      } catch (err) {
        if (!(isVendorError(err) && err.status === 409)) throw err;
        const res = await call("events.get", () => calendar.events.get({ calendarId, eventId: id }));
        return { event: res.data, existed: true };
      }
    },
  };
}
