import type { WriteOrigin } from "./writes.js";

/** One meeting: held (a logged activity or a past event) or scheduled on the calendar. */
export interface MeetingRow {
  id: string;
  title: string;
  start: string;
  end: string;
  ownerId: string | null;
  accountId: string | null;
  dealId: string | null;
  /** Attendee email addresses (the rep's own may be absent). */
  attendees: string[];
}

export interface MeetingQuery {
  /** RFC 3339 instants; `to` exclusive. */
  from: string;
  to: string;
  ownerId?: string;
  accountId?: string;
  dealId?: string;
  /** Newest first for past meetings, soonest first for upcoming ones. */
  order: "asc" | "desc";
  limit: number;
}

export interface NewMeeting {
  title: string;
  start: string;
  end: string;
  /** The organiser's IANA zone, for the event's display. */
  timeZone: string;
  ownerId: string;
  ownerEmail: string;
  accountId: string | null;
  dealId: string | null;
  attendees: string[];
  agenda: string | null;
}

/** Where a write landed; `created` false when an earlier attempt under the same key had made it. */
export interface MeetingWrite {
  system: string;
  id: string;
  created: boolean;
}

export type Availability =
  | { status: "known"; busy: { start: string; end: string }[] }
  | { status: "unknown"; reasons: string[] };

/** A calendar: the sandbox's own, or Google Calendar. */
export interface CalendarPort {
  readonly source: string;
  listMeetings(q: MeetingQuery): Promise<{ rows: MeetingRow[]; caveats: string[] }>;
  getMeeting(id: string): Promise<MeetingRow | undefined>;
  /** Busy periods per address in [from, to); a calendar that cannot be read is unknown, never free. */
  busy(emails: string[], from: string, to: string): Promise<Record<string, Availability>>;
  /** Once per `origin.idempotencyKey`: a retry finds the event instead of inviting twice. */
  createMeeting(m: NewMeeting, origin: WriteOrigin): Promise<MeetingWrite>;
}

export interface OutboundEmail {
  senderId: string;
  senderEmail: string;
  to: string[];
  subject: string;
  body: string;
  dealId: string | null;
  accountId: string | null;
}

/** A mailbox that sends as the rep: the sandbox records, Gmail sends. */
export interface MailPort {
  readonly source: string;
  /** Messages this sender sent since the instant (for the daily cap per sender). */
  sentSince(senderEmail: string, since: string): Promise<number>;
  send(e: OutboundEmail, origin: WriteOrigin): Promise<MeetingWrite>;
  /** Saves the message in the sender's Drafts, sending nothing; once per `origin.idempotencyKey`. */
  saveDraft(e: OutboundEmail, origin: WriteOrigin): Promise<MeetingWrite>;
}

/** A person the CRM knows by email: contact (with its account and zone) or one of the selling team. */
export interface KnownPerson {
  email: string;
  name: string;
  timeZone: string | null;
  contactId: string | null;
  accountId: string | null;
  unsubscribed: boolean;
  internal: boolean;
}

/** What meeting_log writes: the notes as a meeting activity, follow-up tasks, and the deal's next step. */
export interface MeetingLog {
  dealId: string;
  subject: string;
  notes: string;
  nextStep: string | null;
  tasks: { subject: string; due: string | null }[];
  /** When it was logged (the ports' now); the sandbox dates it by its own clock. */
  at?: string;
}

export interface MeetingLogWrite {
  system: string;
  id: string;
  activityIds: string[];
  recovered: boolean;
}

/** A task for a person about an account (and optionally one deal), from a save play or a hand-off. */
export interface NewTask {
  ownerId: string;
  accountId: string;
  dealId?: string | null;
  subject: string;
  dueDate: string;
  /** What created it (`save_play:adoption`, `handoff_churn_risk`): one open task per account and source. */
  source: string;
}

export interface TaskRow extends Required<NewTask> {
  id: string;
  status: "open" | "done";
  createdAt: string;
}

export type TouchpointChannel = "call" | "email" | "meeting" | "qbr";

/** A conversation with a customer: logged after it happened (`done`) or planned by a save play. */
export interface NewTouchpoint {
  accountId: string;
  channel: TouchpointChannel;
  status: "planned" | "done";
  day: string;
  subject: string;
  notes?: string | null;
  source: string;
}

export interface TouchpointRow extends Required<NewTouchpoint> {
  id: string;
  createdAt: string;
}
