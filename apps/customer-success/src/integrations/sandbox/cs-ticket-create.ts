import { createHash, randomUUID } from "node:crypto";
import type { NewTicket, TicketCreateResult, TicketRequester, WriteOrigin } from "@revops/model";
import { journalChanges, sandboxNow } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { TicketWriteError } from "./support";

/**
 * The account's contact with this email (any case), or without one its most senior contact (seniority, then id);
 * undefined when the account is unknown or has no such contact. `accountName` is empty when the account is unknown.
 */
export async function sandboxTicketRequester(
  db: SqlDb,
  accountId: string,
  email?: string,
): Promise<TicketRequester | undefined> {
  const row = await db.one<Record<string, string>>(
    `SELECT c.id, c.name, c.email, c.timezone, a.id AS account_id, a.name AS account_name
     FROM sb_accounts a JOIN sb_contacts c ON c.account_id = a.id
     WHERE a.id = ? ${email ? "AND lower(c.email) = lower(?)" : ""}
     ORDER BY c.seniority, c.id LIMIT 1`,
    email ? [accountId, email] : [accountId],
  );
  if (!row) return undefined;
  return {
    id: row.id as string,
    name: String(row.name),
    email: String(row.email),
    ...(row.timezone ? { timeZone: String(row.timezone) } : {}),
    accountId: String(row.account_id),
    accountName: String(row.account_name),
  };
}

/**
 * One transaction: the ticket, its first comment and the journal. The id derives from the idempotency key, so a
 * retry of the same confirmed plan finds the ticket instead of opening a second one.
 */
export function sandboxCreateTicket(
  db: SqlDb,
  t: NewTicket,
  origin: WriteOrigin,
): Promise<TicketCreateResult> {
  const id = origin.idempotencyKey
    ? `tkt_${createHash("sha256").update(origin.idempotencyKey).digest("hex").slice(0, 20)}`
    : `tkt_${randomUUID()}`;
  return db.transaction(async (tx) => {
    const existing = await tx.one<{ status: string }>("SELECT status FROM sb_tickets WHERE id = ?", [id]);
    if (existing) {
      const c = await tx.one<{ id: string }>(
        "SELECT id FROM sb_ticket_comments WHERE ticket_id = ? ORDER BY created_at, id LIMIT 1",
        [id],
      );
      return {
        system: "sandbox",
        id,
        status: existing.status,
        ...(c ? { commentId: c.id } : {}),
        recovered: true,
      };
    }
    const contact = await tx.one("SELECT id FROM sb_contacts WHERE id = ? AND account_id = ?", [
      t.requesterId,
      t.accountId,
    ]);
    if (!contact)
      throw new TicketWriteError(
        "invalid",
        `No contact ${t.requesterId} at account ${t.accountId}.`,
        "requester_email",
      );
    const now = await sandboxNow(tx);
    // an API-made ticket, like Zendesk's via.channel "api"; no first response until an agent answers
    await tx.run(
      `INSERT INTO sb_tickets (id, account_id, contact_id, subject, priority, status, channel, created_at, solved_at,
         first_response_minutes, csat, csat_comment, tags, assignee_id)
       VALUES (?, ?, ?, ?, ?, 'open', 'api', ?, NULL, NULL, NULL, NULL, ?, NULL)`,
      [id, t.accountId, t.requesterId, t.subject, t.priority, now, t.tags.join(",")],
    );
    const commentId = `cmt_${randomUUID()}`;
    await tx.run(
      "INSERT INTO sb_ticket_comments (id, ticket_id, author_id, public, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      [commentId, id, origin.principal, t.comment.visibility === "public" ? 1 : 0, t.comment.body, now],
    );
    const fields: [string, unknown][] = [
      ["account_id", t.accountId],
      ["requester", t.requesterId],
      ["subject", t.subject],
      ["priority", t.priority],
      ["status", "open"],
      ["tags", t.tags],
      ["comment", { id: commentId, visibility: t.comment.visibility }],
    ];
    await journalChanges(
      tx,
      fields.map(([field, after]) => ({ entity: "ticket", recordId: id, field, before: null, after })),
      origin,
    );
    return { system: "sandbox", id, status: "open", commentId, recovered: false };
  });
}
