import { createHash } from "node:crypto";
import type { GoogleConnector } from "@revops/connectors";
import type {
  Availability,
  CalendarPort,
  MailPort,
  MeetingQuery,
  MeetingRow,
  MeetingWrite,
  NewMeeting,
  OutboundEmail,
  WriteOrigin,
} from "@revops/model";
import { isVendorError } from "@revops/resilience";

type Event = Parameters<GoogleConnector["createEvent"]>[0];

/** Where our ids ride on a Google event (private extended properties: only this calendar's apps see them). */
const DEAL = "revops_deal_id";
const ACCOUNT = "revops_account_id";
const OWNER = "revops_owner_id";

const keyOf = (origin: WriteOrigin, fallback: string) => origin.idempotencyKey ?? fallback;

function rowOf(e: Event): MeetingRow {
  const p = e.extendedProperties?.private ?? {};
  return {
    id: e.id ?? "",
    title: e.summary ?? "",
    start: e.start?.dateTime ?? e.start?.date ?? "",
    end: e.end?.dateTime ?? e.end?.date ?? "",
    ownerId: p[OWNER] ?? null,
    accountId: p[ACCOUNT] ?? null,
    dealId: p[DEAL] ?? null,
    attendees: (e.attendees ?? []).map((a) => (a.email ?? "").toLowerCase()).filter(Boolean),
  };
}

/** RFC 2822 plain-text message, base64url, as users.messages.send takes it; header values stripped of newlines. */
export function rfc2822(e: OutboundEmail, messageId?: string): string {
  const h = (v: string) => v.replace(/[\r\n]+/g, " ");
  const subject = `=?UTF-8?B?${Buffer.from(h(e.subject)).toString("base64")}?=`;
  const text = [
    `From: ${h(e.senderEmail)}`,
    `To: ${e.to.map(h).join(", ")}`,
    `Subject: ${subject}`,
    ...(messageId ? [`Message-ID: <${messageId}>`] : []),
    "MIME-Version: 1.0",
    'Content-Type: text/plain; charset="UTF-8"',
    "",
    e.body,
  ].join("\r\n");
  return Buffer.from(text).toString("base64url");
}

/** Google Calendar (the connected user's primary calendar) and Gmail, through googleapis. */
export class GoogleCalendar implements CalendarPort, MailPort {
  readonly source = "google";
  constructor(private readonly google: GoogleConnector) {}

  async listMeetings(q: MeetingQuery): Promise<{ rows: MeetingRow[]; caveats: string[] }> {
    const events = await this.google.listEvents({ from: q.from, to: q.to });
    const rows = events.value
      .filter((e) => e.status !== "cancelled")
      .map(rowOf)
      .filter(
        (r) =>
          (!q.dealId || r.dealId === q.dealId) &&
          (!q.accountId || r.accountId === q.accountId) &&
          (!q.ownerId || r.ownerId === null || r.ownerId === q.ownerId),
      );
    if (q.order === "desc") rows.reverse();
    const caveats = [
      "Google Calendar: the connected user's primary calendar; events not booked here carry no deal or account.",
      ...(events.stale
        ? [`Cached ${Math.round(events.ageMs / 60_000)} min ago: Google is unreachable.`]
        : []),
    ];
    return { rows: rows.slice(0, q.limit), caveats };
  }

  async getMeeting(id: string): Promise<MeetingRow | undefined> {
    const { sdk } = this.google;
    try {
      const res = await sdk.call("events.get", () =>
        sdk.calendar.events.get({ calendarId: "primary", eventId: id }),
      );
      return rowOf(res.data);
    } catch (err) {
      if (isVendorError(err) && err.status === 404) return undefined;
      throw err;
    }
  }

  async busy(emails: string[], from: string, to: string): Promise<Record<string, Availability>> {
    const answer = await this.google.freeBusy({ from, to }, { calendars: emails });
    return answer.value;
  }

  async createMeeting(m: NewMeeting, origin: WriteOrigin): Promise<MeetingWrite> {
    const event: Event = {
      summary: m.title,
      ...(m.agenda ? { description: m.agenda } : {}),
      start: { dateTime: m.start, timeZone: m.timeZone },
      end: { dateTime: m.end, timeZone: m.timeZone },
      attendees: m.attendees.map((email) => ({ email })),
      extendedProperties: {
        private: {
          [OWNER]: m.ownerId,
          ...(m.dealId ? { [DEAL]: m.dealId } : {}),
          ...(m.accountId ? { [ACCOUNT]: m.accountId } : {}),
        },
      },
    };
    // the event id derives from the key: after a lost answer the insert meets 409 and the event is read back
    const { event: made, existed } = await this.google.createEvent(event, {
      idempotencyKey: keyOf(origin, `${m.ownerId}:${m.start}:${m.title}`),
    });
    return { system: "google", id: made.id ?? "", created: !existed };
  }

  async sentSince(_senderEmail: string, since: string): Promise<number> {
    // Gmail's own search: the connected mailbox is the sender's; after: takes epoch seconds
    const q = `in:sent after:${Math.floor(Date.parse(since) / 1000)}`;
    const page = await this.google.listMessages(q, { maxResults: 500 });
    return page.value.messages.length;
  }

  async send(e: OutboundEmail, origin: WriteOrigin): Promise<MeetingWrite> {
    const sent = await this.google.sendMessage(rfc2822(e), {
      idempotencyKey: keyOf(origin, `${e.senderEmail}:${e.subject}:${e.to.join(",")}`),
    });
    return { system: "gmail", id: sent.id ?? "", created: !sent.deduplicated };
  }

  async saveDraft(e: OutboundEmail, origin: WriteOrigin): Promise<MeetingWrite> {
    // the Message-ID derives from the plan's key: Gmail search finds an earlier draft by it before a retry saves one
    const key = keyOf(origin, `${e.senderEmail}:${e.subject}:${e.to.join(",")}`);
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 32);
    const messageId = `revops.${hash}@${e.senderEmail.split("@")[1] ?? "revops.invalid"}`;
    const draft = await this.google.createDraft(rfc2822(e, messageId), { messageId });
    return { system: "gmail", id: draft.id, created: !draft.recovered };
  }
}
