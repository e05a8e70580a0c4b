import { createHash } from "node:crypto";
import type {
  CampaignDraft,
  EmailAudience,
  EmailDraft,
  EmailPort,
  EmailSendRecord,
  EmailSendStats,
  NewCampaignDraft,
  WriteOrigin,
} from "@revops/model";
import { journalChanges, sqlNumber as num, Rng } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

const keyId = (prefix: string, idempotencyKey: string): string =>
  `${prefix}_${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 16)}`;
/** A send's id from its idempotency key: a retry finds the same row. */
export const emailSendId = (idempotencyKey: string): string => keyId("ems", idempotencyKey);

/**
 * Simulated engagement, deterministic from the sandbox seed, the content and the address: 2% hard-bounce; of
 * the delivered 35% open (1-3 times), a quarter of openers click (1-2 times), 0.5% unsubscribe, 0.1% report spam.
 * Test sends are delivered with no engagement.
 */
export function simulateDelivery(
  seed: number,
  contentHash: string,
  email: string,
  kind: "test" | "campaign",
): { bounced: number; opens: number; clicks: number; unsubscribed: number; spam: number } {
  if (kind === "test") return { bounced: 0, opens: 0, clicks: 0, unsubscribed: 0, spam: 0 };
  const r = new Rng(seed, `email:${contentHash}:${email.toLowerCase()}`);
  if (r.next() < 0.02) return { bounced: 1, opens: 0, clicks: 0, unsubscribed: 0, spam: 0 };
  const opens = r.next() < 0.35 ? r.int(1, 3) : 0;
  const clicks = opens > 0 && r.next() < 0.25 ? r.int(1, 2) : 0;
  return {
    bounced: 0,
    opens,
    clicks,
    unsubscribed: r.next() < 0.005 ? 1 : 0,
    spam: r.next() < 0.001 ? 1 : 0,
  };
}

type Row = Record<string, unknown>;

const toRecord = (r: Row): EmailSendRecord => ({
  id: String(r.id),
  kind: r.kind === "test" ? "test" : "campaign",
  listId: String(r.list_id),
  subject: String(r.subject),
  contentHash: String(r.content_hash),
  sendAt: String(r.send_at),
  recipients: num(r.recipients),
  createdAt: String(r.created_at),
});

const SEND_COLUMNS = "id, kind, list_id, subject, content_hash, send_at, recipients, created_at";
const DRAFT_COLUMNS = "id, list_id, subject, body, content_hash, status, created_at";

const toDraft = (r: Row): CampaignDraft => ({
  id: String(r.id),
  listId: String(r.list_id),
  subject: String(r.subject),
  body: String(r.body),
  contentHash: String(r.content_hash),
  status: String(r.status),
  createdAt: String(r.created_at),
});

/** Email sends on the sandbox company: sb_email_sends and sb_email_deliveries, journalled in sb_changes. */
export class SandboxEmail implements EmailPort {
  readonly source = "sandbox";
  readonly sender = "the sandbox company (simulated; nothing is delivered)";
  constructor(
    private readonly db: SqlDb,
    private readonly clock: () => Promise<string>,
  ) {}

  now(): Promise<string> {
    return this.clock();
  }

  async audience(listId: string): Promise<EmailAudience | undefined> {
    const list = await this.db.one<{ id: string; name: string }>(
      "SELECT id, name FROM sb_lists WHERE id = ?",
      [listId],
    );
    if (!list) return undefined;
    const rows = await this.db.query<Row>(
      `SELECT c.id, c.email, c.name, c.timezone, c.unsubscribed,
         EXISTS (SELECT 1 FROM sb_email_deliveries d WHERE d.email = c.email AND d.bounced = 1) AS bounced
       FROM sb_list_members m JOIN sb_contacts c ON c.id = m.contact_id WHERE m.list_id = ? ORDER BY c.id`,
      [listId],
    );
    return {
      listId: list.id,
      listName: list.name,
      size: rows.length,
      sampled: false,
      members: rows.map((r) => ({
        id: String(r.id),
        email: String(r.email),
        name: String(r.name),
        timeZone: String(r.timezone),
        unsubscribed: num(r.unsubscribed) === 1,
        bounced: num(r.bounced) === 1,
      })),
    };
  }

  async testSendOf(contentHash: string): Promise<EmailSendRecord | undefined> {
    const row = await this.db.one<Row>(
      `SELECT ${SEND_COLUMNS} FROM sb_email_sends WHERE content_hash = ? AND kind = 'test' ORDER BY created_at DESC LIMIT 1`,
      [contentHash],
    );
    return row ? toRecord(row) : undefined;
  }

  createDraft(d: NewCampaignDraft, origin: WriteOrigin): Promise<{ draft: CampaignDraft; created: boolean }> {
    const key = origin.idempotencyKey ?? `${d.contentHash}:draft:${Date.now()}`;
    return this.db.transaction(async (tx) => {
      const n = await tx.run(
        `INSERT INTO sb_email_drafts (id, list_id, subject, body, content_hash, content_item_id, status, send_id,
           principal, plan_hash, idempotency_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'draft', NULL, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          keyId("emd", key),
          d.listId,
          d.subject,
          d.body,
          d.contentHash,
          d.contentItemId ?? null,
          origin.principal,
          origin.planHash ?? null,
          key,
          await this.now(),
        ],
      );
      const row = await tx.one<Row>(
        `SELECT ${DRAFT_COLUMNS} FROM sb_email_drafts WHERE idempotency_key = ?`,
        [key],
      );
      if (!row) throw new Error("The email draft was not stored.");
      const draft = toDraft(row);
      if (n > 0)
        await journalChanges(
          tx,
          [{ entity: "email_draft", recordId: draft.id, field: "status", before: null, after: "draft" }],
          origin,
        );
      return { draft, created: n > 0 };
    });
  }

  async draft(id: string): Promise<CampaignDraft | undefined> {
    const row = await this.db.one<Row>(`SELECT ${DRAFT_COLUMNS} FROM sb_email_drafts WHERE id = ?`, [id]);
    return row ? toDraft(row) : undefined;
  }

  send(draft: EmailDraft, origin: WriteOrigin): Promise<{ send: EmailSendRecord; created: boolean }> {
    const key = origin.idempotencyKey ?? `${draft.contentHash}:${draft.kind}:${Date.now()}`;
    const id = emailSendId(key);
    const recipients = draft.waves.flatMap((w) => w.recipients.map((r) => ({ ...r, sendAt: w.sendAt })));
    return this.db.transaction(async (tx) => {
      const seed = num((await tx.one<Row>("SELECT seed FROM sb_meta WHERE id = 'sandbox'"))?.seed);
      const n = await tx.run(
        `INSERT INTO sb_email_sends (id, kind, list_id, subject, body, content_hash, send_at, batch_size, recipients,
           principal, plan_hash, idempotency_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          id,
          draft.kind,
          draft.listId,
          draft.subject,
          draft.body,
          draft.contentHash,
          draft.waves[0]?.sendAt ?? (await this.now()),
          draft.batchSize,
          recipients.length,
          origin.principal,
          origin.planHash ?? null,
          key,
          await this.now(),
        ],
      );
      const row = await tx.one<Row>(`SELECT ${SEND_COLUMNS} FROM sb_email_sends WHERE idempotency_key = ?`, [
        key,
      ]);
      if (!row) throw new Error("The email send was not stored.");
      const send = toRecord(row);
      if (n === 0) return { send, created: false };
      for (const [i, r] of recipients.entries()) {
        const d = simulateDelivery(seed, draft.contentHash, r.email, draft.kind);
        await tx.run(
          `INSERT INTO sb_email_deliveries (send_id, contact_id, email, batch, bounced, opens, clicks, unsubscribed, spam)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (send_id, email) DO NOTHING`,
          [
            send.id,
            r.id,
            r.email.toLowerCase(),
            Math.floor(i / draft.batchSize),
            d.bounced,
            d.opens,
            d.clicks,
            d.unsubscribed,
            d.spam,
          ],
        );
      }
      // the draft is sent once: a second send of it finds it no longer a draft
      const sent =
        draft.draftId &&
        (await tx.run(
          "UPDATE sb_email_drafts SET status = 'sent', send_id = ? WHERE id = ? AND status = 'draft'",
          [send.id, draft.draftId],
        ));
      await journalChanges(
        tx,
        [
          {
            entity: "email_send",
            recordId: send.id,
            field: "recipients",
            before: null,
            after: recipients.length,
          },
          ...(sent
            ? [
                {
                  entity: "email_draft",
                  recordId: draft.draftId as string,
                  field: "status",
                  before: "draft",
                  after: "sent",
                },
              ]
            : []),
        ],
        origin,
      );
      return { send, created: true };
    });
  }

  async stats(ids?: string[], limit = 20): Promise<EmailSendStats[]> {
    if (ids?.length === 0) return [];
    const where = ids ? `WHERE s.id IN (${ids.map(() => "?").join(", ")})` : "";
    const rows = await this.db.query<Row>(
      `SELECT s.id, s.kind, s.subject, s.send_at, s.created_at, COUNT(d.email) AS requests,
         COALESCE(SUM(1 - d.bounced), 0) AS delivered, COALESCE(SUM(d.bounced), 0) AS bounces,
         COALESCE(SUM(d.opens), 0) AS opens, COALESCE(SUM(CASE WHEN d.opens > 0 THEN 1 ELSE 0 END), 0) AS unique_opens,
         COALESCE(SUM(d.clicks), 0) AS clicks, COALESCE(SUM(CASE WHEN d.clicks > 0 THEN 1 ELSE 0 END), 0) AS unique_clicks,
         COALESCE(SUM(d.unsubscribed), 0) AS unsubscribes, COALESCE(SUM(d.spam), 0) AS spam
       FROM sb_email_sends s LEFT JOIN sb_email_deliveries d ON d.send_id = s.id ${where}
       GROUP BY s.id, s.kind, s.subject, s.send_at, s.created_at ORDER BY s.created_at DESC, s.id LIMIT ?`,
      [...(ids ?? []), limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      kind: r.kind === "test" ? "test" : "campaign",
      subject: String(r.subject),
      sendAt: String(r.send_at),
      requests: num(r.requests),
      delivered: num(r.delivered),
      bounces: num(r.bounces),
      opens: num(r.opens),
      uniqueOpens: num(r.unique_opens),
      clicks: num(r.clicks),
      uniqueClicks: num(r.unique_clicks),
      unsubscribes: num(r.unsubscribes),
      spamReports: num(r.spam),
    }));
  }
}
