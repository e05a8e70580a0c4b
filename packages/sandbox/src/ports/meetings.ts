import { createHash } from "node:crypto";
import type {
  Availability,
  CalendarPort,
  KnownPerson,
  MailPort,
  MeetingLog,
  MeetingLogWrite,
  MeetingQuery,
  MeetingRow,
  MeetingWrite,
  NewMeeting,
  OutboundEmail,
  SandboxChange,
  WriteOrigin,
} from "@revops/model";
import type { SqlDb } from "@revops/store";
import { journalChanges, sandboxNow } from "../changes.js";
import { num } from "./sql.js";

/** IANA zone per selling region (the sandbox's reps carry a region, not a zone). */
export const REGION_ZONES: Record<string, string> = {
  NA: "America/Chicago",
  EMEA: "Europe/Paris",
  APAC: "Asia/Singapore",
  LATAM: "America/Sao_Paulo",
};

/** Logged meetings have no end in the CRM: counted as half an hour. */
const HELD_MINUTES = 30;
const idOf = (prefix: string, key: string) =>
  `${prefix}_${createHash("sha256").update(key).digest("hex").slice(0, 20)}`;
const addMinutes = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString();
const parseList = (v: unknown): string[] => (typeof v === "string" ? (JSON.parse(v) as string[]) : []);

/** Meetings and sales email on the sandbox company: sb_meetings, sb_sales_emails and sb_activities, journalled. */
export class SandboxMeetings implements CalendarPort, MailPort {
  readonly source = "sandbox";
  constructor(private readonly db: SqlDb) {}

  async listMeetings(q: MeetingQuery): Promise<{ rows: MeetingRow[]; caveats: string[] }> {
    const filters = (cols: { owner: string; account: string; deal: string }) => {
      const where: string[] = [];
      const args: unknown[] = [];
      for (const [col, v] of [
        [cols.owner, q.ownerId],
        [cols.account, q.accountId],
        [cols.deal, q.dealId],
      ] as const)
        if (v) {
          where.push(`${col} = ?`);
          args.push(v);
        }
      return { sql: where.map((w) => ` AND ${w}`).join(""), args };
    };
    const held = filters({ owner: "a.owner_id", account: "a.account_id", deal: "a.deal_id" });
    const booked = filters({ owner: "m.owner_id", account: "m.account_id", deal: "m.deal_id" });
    const dir = q.order === "asc" ? "ASC" : "DESC";
    const [acts, meets] = await Promise.all([
      this.db.query<Record<string, unknown>>(
        `SELECT a.id, a.subject, a.occurred_at, a.owner_id, a.account_id, a.deal_id, c.email
         FROM sb_activities a LEFT JOIN sb_contacts c ON c.id = a.contact_id
         WHERE a.type = 'meeting' AND a.occurred_at >= ? AND a.occurred_at < ?${held.sql}
         ORDER BY a.occurred_at ${dir}, a.id ${dir} LIMIT ?`,
        [q.from, q.to, ...held.args, q.limit],
      ),
      this.db.query<Record<string, unknown>>(
        `SELECT m.id, m.title, m.start_at, m.end_at, m.owner_id, m.account_id, m.deal_id, m.attendees
         FROM sb_meetings m WHERE m.start_at >= ? AND m.start_at < ?${booked.sql}
         ORDER BY m.start_at ${dir}, m.id ${dir} LIMIT ?`,
        [q.from, q.to, ...booked.args, q.limit],
      ),
    ]);
    const rows = [...acts.map(heldRow), ...meets.map(bookedRow)].sort(
      (a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) * (q.order === "asc" ? 1 : -1),
    );
    return { rows: rows.slice(0, q.limit), caveats: [] };
  }

  async getMeeting(id: string): Promise<MeetingRow | undefined> {
    const m = await this.db.one<Record<string, unknown>>(
      "SELECT id, title, start_at, end_at, owner_id, account_id, deal_id, attendees FROM sb_meetings WHERE id = ?",
      [id],
    );
    if (m) return bookedRow(m);
    const a = await this.db.one<Record<string, unknown>>(
      `SELECT a.id, a.subject, a.occurred_at, a.owner_id, a.account_id, a.deal_id, c.email
       FROM sb_activities a LEFT JOIN sb_contacts c ON c.id = a.contact_id WHERE a.id = ? AND a.type = 'meeting'`,
      [id],
    );
    return a ? heldRow(a) : undefined;
  }

  /** The sandbox knows every calendar: busy = its scheduled meetings and held ones with that person. */
  async busy(emails: string[], from: string, to: string): Promise<Record<string, Availability>> {
    const out: Record<string, Availability> = {};
    for (const raw of emails) {
      const email = raw.toLowerCase();
      const [booked, held] = await Promise.all([
        this.db.query<{ start_at: string; end_at: string }>(
          `SELECT m.start_at, m.end_at FROM sb_meetings m LEFT JOIN sb_users u ON u.id = m.owner_id
           WHERE m.start_at < ? AND m.end_at > ? AND (lower(u.email) = ? OR m.attendees LIKE ?) ORDER BY m.start_at`,
          [to, from, email, `%"${email}"%`],
        ),
        this.db.query<{ occurred_at: string }>(
          `SELECT a.occurred_at FROM sb_activities a LEFT JOIN sb_contacts c ON c.id = a.contact_id
           LEFT JOIN sb_users u ON u.id = a.owner_id
           WHERE a.type = 'meeting' AND a.occurred_at < ? AND a.occurred_at >= ?
             AND (lower(c.email) = ? OR lower(u.email) = ?)`,
          [to, addMinutes(from, -HELD_MINUTES), email, email],
        ),
      ]);
      const busy = [
        ...booked.map((b) => ({ start: String(b.start_at), end: String(b.end_at) })),
        ...held.map((h) => ({
          start: String(h.occurred_at),
          end: addMinutes(String(h.occurred_at), HELD_MINUTES),
        })),
      ].sort((a, b) => (a.start < b.start ? -1 : 1));
      out[raw] = { status: "known", busy };
    }
    return out;
  }

  createMeeting(m: NewMeeting, origin: WriteOrigin): Promise<MeetingWrite> {
    const key = origin.idempotencyKey ?? `${m.ownerId}:${m.start}:${m.title}`;
    const id = idOf("mtg", key);
    return this.db.transaction(async (tx) => {
      const n = await tx.run(
        `INSERT INTO sb_meetings (id, title, start_at, end_at, time_zone, owner_id, account_id, deal_id, attendees,
           agenda, principal, plan_hash, idempotency_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          id,
          m.title,
          m.start,
          m.end,
          m.timeZone,
          m.ownerId,
          m.accountId,
          m.dealId,
          JSON.stringify(m.attendees.map((a) => a.toLowerCase())),
          m.agenda,
          origin.principal,
          origin.planHash ?? null,
          key,
          await sandboxNow(tx),
        ],
      );
      if (n === 0) return { system: "sandbox", id, created: false };
      await journalChanges(
        tx,
        [{ entity: "meeting", recordId: id, field: "attendees", before: null, after: m.attendees }],
        origin,
      );
      return { system: "sandbox", id, created: true };
    });
  }

  async sentSince(senderEmail: string, since: string): Promise<number> {
    const row = await this.db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_sales_emails WHERE sender_email = ? AND sent_at >= ?",
      [senderEmail.toLowerCase(), since],
    );
    return num(row?.n);
  }

  /** Records the message (the sandbox delivers nothing) and, on a deal, an email activity as its newest touch. */
  send(e: OutboundEmail, origin: WriteOrigin): Promise<MeetingWrite> {
    const key = origin.idempotencyKey ?? `${e.senderEmail}:${e.subject}:${Date.now()}`;
    const id = idOf("eml", key);
    return this.db.transaction(async (tx) => {
      const now = await sandboxNow(tx);
      const n = await tx.run(
        `INSERT INTO sb_sales_emails (id, sender_id, sender_email, recipients, subject, body, deal_id, account_id,
           sent_at, principal, plan_hash, idempotency_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
        mailRow(id, e, now, origin, key),
      );
      if (n === 0) return { system: "sandbox", id, created: false };
      if (e.dealId && e.accountId) {
        const contact = await tx.one<{ id: string }>("SELECT id FROM sb_contacts WHERE lower(email) = ?", [
          e.to[0]?.toLowerCase() ?? "",
        ]);
        await insertActivity(tx, {
          id: idOf("act", `${key}:email`),
          type: "email",
          subject: e.subject,
          body: e.body,
          at: now,
          accountId: e.accountId,
          contactId: contact?.id ?? null,
          dealId: e.dealId,
          ownerId: e.senderId,
        });
      }
      await journalChanges(
        tx,
        [{ entity: "sales_email", recordId: id, field: "recipients", before: null, after: e.to }],
        origin,
      );
      return { system: "sandbox", id, created: true };
    });
  }

  saveDraft(e: OutboundEmail, origin: WriteOrigin): Promise<MeetingWrite> {
    return saveSandboxDraft(this.db, e, origin);
  }
}

/** Draft rows of the sandbox mailbox, apart from sent mail so the daily send cap never counts them. */
export function saveSandboxDraft(db: SqlDb, e: OutboundEmail, origin: WriteOrigin): Promise<MeetingWrite> {
  const key = origin.idempotencyKey ?? `${e.senderEmail}:${e.subject}:${e.to.join(",")}`;
  const id = idOf("drf", key);
  return db.transaction(async (tx) => {
    const n = await tx.run(
      `INSERT INTO sb_sales_drafts (id, sender_id, sender_email, recipients, subject, body, deal_id, account_id,
         created_at, principal, plan_hash, idempotency_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
      mailRow(id, e, await sandboxNow(tx), origin, key),
    );
    if (n === 0) return { system: "sandbox", id, created: false };
    await journalChanges(
      tx,
      [{ entity: "sales_draft", recordId: id, field: "recipients", before: null, after: e.to }],
      origin,
    );
    return { system: "sandbox", id, created: true };
  });
}

/** One message's row, sent or drafted: the columns both mail tables share, in their order. */
const mailRow = (id: string, e: OutboundEmail, at: string, origin: WriteOrigin, key: string) => [
  id,
  e.senderId,
  e.senderEmail.toLowerCase(),
  JSON.stringify(e.to.map((t) => t.toLowerCase())),
  e.subject,
  e.body,
  e.dealId,
  e.accountId,
  at,
  origin.principal,
  origin.planHash ?? null,
  key,
];

interface ActivityRow {
  id: string;
  type: string;
  subject: string;
  body: string;
  at: string;
  accountId: string;
  contactId: string | null;
  dealId: string;
  ownerId: string;
}

async function insertActivity(tx: SqlDb, a: ActivityRow): Promise<void> {
  await tx.run(
    `INSERT INTO sb_activities (id, type, subject, body, occurred_at, account_id, contact_id, deal_id, owner_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [a.id, a.type, a.subject, a.body, a.at, a.accountId, a.contactId, a.dealId, a.ownerId],
  );
  await tx.run(
    "UPDATE sb_deals SET last_activity_at = ? WHERE id = ? AND (last_activity_at IS NULL OR last_activity_at < ?)",
    [a.at, a.dealId, a.at],
  );
}

const heldRow = (r: Record<string, unknown>): MeetingRow => ({
  id: String(r.id),
  title: String(r.subject ?? ""),
  start: String(r.occurred_at),
  end: addMinutes(String(r.occurred_at), HELD_MINUTES),
  ownerId: r.owner_id == null ? null : String(r.owner_id),
  accountId: r.account_id == null ? null : String(r.account_id),
  dealId: r.deal_id == null ? null : String(r.deal_id),
  attendees: r.email == null ? [] : [String(r.email)],
});

const bookedRow = (r: Record<string, unknown>): MeetingRow => ({
  id: String(r.id),
  title: String(r.title),
  start: String(r.start_at),
  end: String(r.end_at),
  ownerId: r.owner_id == null ? null : String(r.owner_id),
  accountId: r.account_id == null ? null : String(r.account_id),
  dealId: r.deal_id == null ? null : String(r.deal_id),
  attendees: parseList(r.attendees),
});

/** Contacts and reps with these addresses (lower-cased); addresses the CRM does not know are absent. */
export async function sandboxPeople(db: SqlDb, emails: string[]): Promise<KnownPerson[]> {
  const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
  if (wanted.length === 0) return [];
  const marks = wanted.map(() => "?").join(", ");
  const [contacts, users] = await Promise.all([
    db.query<Record<string, unknown>>(
      `SELECT id, name, lower(email) AS email, timezone, account_id, unsubscribed FROM sb_contacts WHERE lower(email) IN (${marks})`,
      wanted,
    ),
    db.query<Record<string, unknown>>(
      `SELECT name, lower(email) AS email, region FROM sb_users WHERE lower(email) IN (${marks})`,
      wanted,
    ),
  ]);
  return [
    ...users.map((u) => ({
      email: String(u.email),
      name: String(u.name),
      timeZone: REGION_ZONES[String(u.region)] ?? null,
      contactId: null,
      accountId: null,
      unsubscribed: false,
      internal: true,
    })),
    ...contacts.map((c) => ({
      email: String(c.email),
      name: String(c.name),
      timeZone: String(c.timezone),
      contactId: String(c.id),
      accountId: String(c.account_id),
      unsubscribed: num(c.unsubscribed) === 1,
      internal: false,
    })),
  ];
}

/**
 * Logs a meeting on a deal in one transaction: the notes as a meeting activity, each task as a "task" activity (due
 * date in its body), the next step; ids derive from the idempotency key, so a retry finds the log. Undefined: no deal.
 */
export function sandboxLogMeeting(
  db: SqlDb,
  log: MeetingLog,
  origin: WriteOrigin,
): Promise<MeetingLogWrite | undefined> {
  const key = origin.idempotencyKey ?? `${log.dealId}:${log.subject}:${Date.now()}`;
  const id = idOf("act", `${key}:meeting`);
  return db.transaction(async (tx) => {
    const deal = await tx.one<Record<string, unknown>>(
      "SELECT account_id, owner_id, next_step FROM sb_deals WHERE id = ?",
      [log.dealId],
    );
    if (!deal) return undefined;
    const taskIds = log.tasks.map((_, i) => idOf("act", `${key}:task:${i}`));
    if (await tx.one("SELECT id FROM sb_activities WHERE id = ?", [id]))
      return { system: "sandbox", id, activityIds: [id, ...taskIds], recovered: true };
    const now = await sandboxNow(tx);
    const base = {
      accountId: String(deal.account_id),
      contactId: null,
      dealId: log.dealId,
      ownerId: String(deal.owner_id),
    };
    await insertActivity(tx, {
      ...base,
      id,
      type: "meeting",
      subject: log.subject,
      body: log.notes,
      at: now,
    });
    for (const [i, t] of log.tasks.entries())
      await tx.run(
        `INSERT INTO sb_activities (id, type, subject, body, occurred_at, account_id, contact_id, deal_id, owner_id)
         VALUES (?, 'task', ?, ?, ?, ?, NULL, ?, ?)`,
        // dated now, the due date in the body: a future activity would read as the deal's newest touch
        [taskIds[i], t.subject, t.due ? `due ${t.due}` : "", now, base.accountId, log.dealId, base.ownerId],
      );
    const changes: SandboxChange[] = [
      { entity: "activity", recordId: id, field: "subject", before: null, after: log.subject },
      ...log.tasks.map((t, i) => ({
        entity: "activity",
        recordId: taskIds[i] as string,
        field: "task",
        before: null,
        after: t.subject,
      })),
    ];
    if (log.nextStep !== null && log.nextStep !== (deal.next_step ?? null)) {
      await tx.run("UPDATE sb_deals SET next_step = ? WHERE id = ?", [log.nextStep, log.dealId]);
      changes.push({
        entity: "deal",
        recordId: log.dealId,
        field: "next_step",
        before: deal.next_step ?? null,
        after: log.nextStep,
      });
    }
    await journalChanges(tx, changes, origin);
    return { system: "sandbox", id, activityIds: [id, ...taskIds], recovered: false };
  });
}
