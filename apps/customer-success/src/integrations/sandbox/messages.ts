import { createHash, randomBytes } from "node:crypto";
import type {
  CsatStats,
  KeyedOrigin,
  MessageContact,
  OutboundMessage,
  SizeBand,
  SurveyAnswer,
  SurveyAnswerRecorded,
  SurveyType,
  WriteOrigin,
} from "@revops/model";
import { journalChanges, sandboxNow } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

export interface MessageLogged {
  id: string;
  /** The delivering vendor's id for it. */
  vendorId?: string;
  /** False when an earlier attempt under the same key had logged it: nothing was sent again. */
  created: boolean;
  recipients: number;
}

/** The answer scale of each survey kind (inclusive). */
export const SURVEY_SCALES: Record<SurveyType, readonly [number, number]> = { nps: [0, 10], csat: [1, 5] };

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
   * A survey answer as an NPS response (sb_nps_responses, what nps_summary reads) or a CSAT one (sb_csat_responses),
   * once per survey and contact: the first answer stands and a second is refused (`recorded: false` with the first's
   * time). Refused (RangeError) for a contact or account the survey did not go to, another kind, or a score off scale.
   */
  recordAnswer(a: SurveyAnswer, origin: WriteOrigin): Promise<SurveyAnswerRecorded> {
    return this.db.transaction(async (tx) => {
      const sent = await tx.one<{ account_id: string; survey_type: string | null }>(
        `SELECT c.account_id, m.survey_type FROM sb_cs_message_recipients r JOIN sb_cs_messages m ON m.id = r.message_id
         JOIN sb_contacts c ON c.id = r.contact_id WHERE m.id = ? AND m.kind = 'survey' AND r.contact_id = ?`,
        [a.surveyId, a.contactId],
      );
      if (!sent) throw new RangeError(`survey ${a.surveyId} did not go to contact ${a.contactId}.`);
      if (a.accountId !== undefined && a.accountId !== sent.account_id)
        throw new RangeError(`contact ${a.contactId} is not at account ${a.accountId}.`);
      const kind = sent.survey_type === "csat" ? "csat" : "nps";
      if (a.kind !== undefined && a.kind !== kind)
        throw new RangeError(`survey ${a.surveyId} is not ${a.kind}.`);
      const [lo, hi] = SURVEY_SCALES[kind];
      if (!Number.isInteger(a.score) || a.score < lo || a.score > hi)
        throw new RangeError(`score: ${a.score} is not a ${kind.toUpperCase()} score (${lo}–${hi}).`);
      const table = kind === "nps" ? "sb_nps_responses" : "sb_csat_responses";
      const id = hashed(kind, `${a.surveyId}:${a.contactId}`);
      const before = await tx.one<{ responded_at: string }>(
        `SELECT responded_at FROM ${table} WHERE id = ?`,
        [id],
      );
      if (before) return { id, kind, recorded: false, respondedAt: String(before.responded_at) };
      const at = await sandboxNow(tx);
      const row: [string, unknown][] = [
        ["id", id],
        ["account_id", sent.account_id],
        ["contact_id", a.contactId],
        ["score", a.score],
        ["comment", a.comment ?? null],
        ["responded_at", at],
        ...(kind === "csat" ? [["survey_id", a.surveyId] as [string, unknown]] : []),
      ];
      // the primary key makes the first answer win across replicas: a racing second insert fails the transaction
      await tx.run(
        `INSERT INTO ${table} (${row.map(([c]) => c).join(", ")}) VALUES (${row.map(() => "?").join(", ")})`,
        row.map(([, v]) => v),
      );
      const entity = `${kind}_response`;
      await journalChanges(
        tx,
        [
          { entity, recordId: id, field: "score", before: null, after: a.score },
          { entity, recordId: id, field: "survey", before: null, after: a.surveyId },
        ],
        origin,
      );
      return { id, kind, recorded: true, respondedAt: at };
    });
  }

  /** The random key survey links are signed with when no secret is configured: made once, shared by replicas. */
  async surveyKey(): Promise<string> {
    await this.db.run("INSERT INTO sb_survey_keys (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", [
      randomBytes(32).toString("base64url"),
    ]);
    const row = await this.db.one<{ secret: string }>("SELECT secret FROM sb_survey_keys WHERE id = 1");
    return String(row?.secret);
  }

  /** CSAT survey answers in [from, to] (days, inclusive): how many, their mean and the share satisfied (4–5). */
  async csatStats(q: { from: string; to: string }): Promise<CsatStats> {
    const r = await this.db.one<{ n: number; mean: number | null; satisfied: number | null }>(
      `SELECT COUNT(*) AS n, AVG(score * 1.0) AS mean, SUM(CASE WHEN score >= 4 THEN 1 ELSE 0 END) AS satisfied
       FROM sb_csat_responses WHERE responded_at >= ? AND responded_at < ?`,
      [q.from, `${q.to}T99`],
    );
    const n = Number(r?.n ?? 0);
    return {
      responses: n,
      average: n ? Math.round(Number(r?.mean) * 100) / 100 : null,
      satisfied: n ? Math.round((Number(r?.satisfied) / n) * 1000) / 1000 : null,
    };
  }
}
