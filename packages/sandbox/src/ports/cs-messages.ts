import { createHash } from "node:crypto";
import type { SqlDb } from "@revops/store";
import { journalChanges, sandboxNow, type WriteOrigin } from "../changes.js";
import type { SizeBand } from "../generate/types.js";

/** A customer contact a message or survey may go to, with the zone quiet hours are judged in. */
export interface MessageContact {
  id: string;
  accountId: string;
  accountName: string;
  name: string;
  email: string;
  /** The contact's zone, else its account's. */
  timeZone: string | null;
  unsubscribed: boolean;
}

export type MessageChannel = "email" | "intercom";
export type SurveyType = "nps" | "csat";

/** One confirmed send: a message to a few contacts or a survey to many, each recipient at its own time. */
export interface OutboundMessage {
  kind: "message" | "survey";
  channel: MessageChannel;
  subject: string;
  body: string;
  surveyType?: SurveyType;
  recipients: { contactId: string; email: string; sendAt: string }[];
}

export interface MessageLogged {
  id: string;
  /** The delivering vendor's id for it. */
  vendorId?: string;
  /** False when an earlier attempt under the same key had logged it: nothing was sent again. */
  created: boolean;
  recipients: number;
}

export interface SurveyAnswer {
  surveyId: string;
  contactId: string;
  score: number;
  comment?: string | null;
}

type KeyedOrigin = WriteOrigin & { idempotencyKey: string };

const hashed = (prefix: string, key: string) =>
  `${prefix}_${createHash("sha256").update(key).digest("hex").slice(0, 20)}`;

/** The id a send gets from its idempotency key: a vendor adapter names its delivery with it before logging. */
export const messageIdOf = (idempotencyKey: string) => hashed("msg", idempotencyKey);

const CONTACT_SQL = `SELECT c.id, c.account_id, a.name AS account_name, c.name, c.email,
  COALESCE(c.timezone, a.timezone) AS tz, c.unsubscribed
  FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id`;

const toContact = (r: Record<string, unknown>): MessageContact => ({
  id: String(r.id),
  accountId: String(r.account_id),
  accountName: String(r.account_name),
  name: String(r.name),
  email: String(r.email),
  timeZone: r.tz ? String(r.tz) : null,
  unsubscribed: Number(r.unsubscribed) === 1,
});

/** Customer messages and surveys in our database (sb_cs_messages), every send and answer journalled in sb_changes. */
export class SandboxMessages {
  constructor(private readonly db: SqlDb) {}

  /** The contacts with these addresses (any case); addresses nobody has are left out. */
  async contactsByEmail(emails: readonly string[]): Promise<MessageContact[]> {
    if (emails.length === 0) return [];
    const rows = await this.db.query<Record<string, unknown>>(
      `${CONTACT_SQL} WHERE lower(c.email) IN (${emails.map(() => "?").join(", ")}) ORDER BY c.id`,
      emails.map((e) => e.toLowerCase()),
    );
    return rows.map(toContact);
  }

  /** Contacts of current customers, of some accounts or one size band (every customer when neither is given). */
  async customerContacts(q: {
    accountIds?: readonly string[];
    sizeBand?: SizeBand;
  }): Promise<MessageContact[]> {
    const where = ["a.lifecycle = 'customer'", "c.email IS NOT NULL", "c.email <> ''"];
    const params: unknown[] = [];
    if (q.accountIds) {
      if (q.accountIds.length === 0) return [];
      where.push(`a.id IN (${q.accountIds.map(() => "?").join(", ")})`);
      params.push(...q.accountIds);
    }
    if (q.sizeBand) {
      where.push("a.size_band = ?");
      params.push(q.sizeBand);
    }
    const rows = await this.db.query<Record<string, unknown>>(
      `${CONTACT_SQL} WHERE ${where.join(" AND ")} ORDER BY a.id, c.id`,
      params,
    );
    return rows.map(toContact);
  }

  /** Contacts sent a survey at or after `since` (ISO), with their latest survey time. */
  async surveyedSince(since: string): Promise<Map<string, string>> {
    const rows = await this.db.query<{ contact_id: string; at: string }>(
      `SELECT r.contact_id, MAX(r.send_at) AS at FROM sb_cs_message_recipients r
       JOIN sb_cs_messages m ON m.id = r.message_id WHERE m.kind = 'survey' AND r.send_at >= ? GROUP BY r.contact_id`,
      [since],
    );
    return new Map(rows.map((r) => [r.contact_id, r.at]));
  }

  /** The send logged under this idempotency key, if one was. */
  async logged(idempotencyKey: string): Promise<MessageLogged | undefined> {
    const id = messageIdOf(idempotencyKey);
    const row = await this.db.one<{ recipients: number; vendor_id: string | null }>(
      "SELECT recipients, vendor_id FROM sb_cs_messages WHERE id = ?",
      [id],
    );
    if (!row) return undefined;
    return {
      id,
      ...(row.vendor_id ? { vendorId: row.vendor_id } : {}),
      created: false,
      recipients: Number(row.recipients),
    };
  }

  /** Logs the send once per idempotency key (`system` delivered it; "sandbox" delivers nothing). */
  log(m: OutboundMessage, origin: KeyedOrigin, delivery: { system: string; vendorId?: string }) {
    const id = messageIdOf(origin.idempotencyKey);
    return this.db.transaction(async (tx): Promise<MessageLogged> => {
      const had = await tx.one<{ recipients: number }>("SELECT recipients FROM sb_cs_messages WHERE id = ?", [
        id,
      ]);
      if (had) return { id, created: false, recipients: Number(had.recipients) };
      await tx.run(
        `INSERT INTO sb_cs_messages (id, kind, channel, system, vendor_id, subject, body, survey_type, recipients, sent_at,
           principal, plan_hash, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          m.kind,
          m.channel,
          delivery.system,
          delivery.vendorId ?? null,
          m.subject,
          m.body,
          m.surveyType ?? null,
          m.recipients.length,
          await sandboxNow(tx),
          origin.principal,
          origin.planHash ?? null,
          origin.idempotencyKey,
        ],
      );
      for (const r of m.recipients)
        await tx.run(
          "INSERT INTO sb_cs_message_recipients (message_id, contact_id, email, send_at) VALUES (?, ?, ?, ?)",
          [id, r.contactId, r.email, r.sendAt],
        );
      const fields: [string, unknown][] = [
        ["kind", m.kind],
        ["channel", m.channel],
        ["system", delivery.system],
        ["subject", m.subject],
        ["recipients", m.recipients.length],
        ...(m.surveyType ? [["survey_type", m.surveyType] as [string, unknown]] : []),
      ];
      await journalChanges(
        tx,
        fields.map(([field, after]) => ({ entity: m.kind, recordId: id, field, before: null, after })),
        origin,
      );
      return { id, created: true, recipients: m.recipients.length };
    });
  }

  /**
   * A survey answer as an NPS response (what nps_summary reads), once per survey and contact: a second answer
   * replaces the first. Refused (RangeError) for a contact the survey did not go to.
   */
  recordAnswer(a: SurveyAnswer, origin: WriteOrigin): Promise<{ id: string; replaced: boolean }> {
    const id = hashed("nps", `${a.surveyId}:${a.contactId}`);
    return this.db.transaction(async (tx) => {
      const sent = await tx.one<{ account_id: string; survey_type: string | null }>(
        `SELECT c.account_id, m.survey_type FROM sb_cs_message_recipients r JOIN sb_cs_messages m ON m.id = r.message_id
         JOIN sb_contacts c ON c.id = r.contact_id WHERE m.id = ? AND m.kind = 'survey' AND r.contact_id = ?`,
        [a.surveyId, a.contactId],
      );
      if (!sent) throw new RangeError(`survey ${a.surveyId} did not go to contact ${a.contactId}.`);
      // NPS answers only: sb_nps_responses holds 0–10 scores (a CSAT answer has no table yet)
      if (sent.survey_type !== "nps") throw new RangeError(`survey ${a.surveyId} is not an NPS survey.`);
      if (!Number.isInteger(a.score) || a.score < 0 || a.score > 10)
        throw new RangeError(`score: ${a.score} is not an NPS score (0–10).`);
      const before = await tx.one<{ score: number; comment: string | null }>(
        "SELECT score, comment FROM sb_nps_responses WHERE id = ?",
        [id],
      );
      const at = await sandboxNow(tx);
      if (before)
        await tx.run("UPDATE sb_nps_responses SET score = ?, comment = ?, responded_at = ? WHERE id = ?", [
          a.score,
          a.comment ?? null,
          at,
          id,
        ]);
      else
        await tx.run(
          "INSERT INTO sb_nps_responses (id, account_id, contact_id, score, comment, responded_at) VALUES (?, ?, ?, ?, ?, ?)",
          [id, sent.account_id, a.contactId, a.score, a.comment ?? null, at],
        );
      await journalChanges(
        tx,
        [
          {
            entity: "nps_response",
            recordId: id,
            field: "score",
            before: before?.score ?? null,
            after: a.score,
          },
          { entity: "nps_response", recordId: id, field: "survey", before: null, after: a.surveyId },
        ],
        origin,
      );
      return { id, replaced: before !== undefined };
    });
  }
}
