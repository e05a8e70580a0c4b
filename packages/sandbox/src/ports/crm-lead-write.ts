import { createHash } from "node:crypto";
import type {
  ConversionWrite,
  LeadChanges,
  LeadConversion,
  LeadDetail,
  LeadWrite,
  NewDeal,
  WriteOrigin,
} from "@revops/model";
import type { SqlDb } from "@revops/store";
import { journalChanges, sandboxNow } from "../changes.js";
import { sizeBandOf } from "../generate/accounts.js";

import { sandboxUpsertContact } from "./crm-contact-write.js";
import { num } from "./sql.js";

/** Lead statuses lead_update may set on the sandbox ("converted" only through lead_convert). */
export const SANDBOX_LEAD_STATUSES = ["new", "working", "mql", "sql", "disqualified"] as const;
export const LEAD_RATINGS = ["hot", "warm", "cold"] as const;

const LEAD_SELECT = `SELECT l.id, l.name, l.email, l.company, l.title, l.status, l.score, l.rating,
    l.converted_deal_id, COALESCE(l.owner_id, h.owner_id, d.owner_id) AS owner_id, u.name AS owner_name,
    c.account_id AS conv_account, c.contact_id AS conv_contact, c.deal_id AS conv_deal
  FROM sb_leads l
  LEFT JOIN sb_lead_handoffs h ON h.lead_id = l.id
  LEFT JOIN sb_deals d ON d.id = l.converted_deal_id
  LEFT JOIN sb_lead_conversions c ON c.lead_id = l.id
  LEFT JOIN sb_users u ON u.id = COALESCE(l.owner_id, h.owner_id, d.owner_id)
  WHERE l.id = ?`;

const str = (v: unknown) => (v == null ? null : String(v));

/** The lead as stored now, or undefined. */
export async function sandboxLead(db: SqlDb, id: string): Promise<LeadDetail | undefined> {
  const r = await db.one<Record<string, unknown>>(LEAD_SELECT, [id]);
  if (!r) return undefined;
  const converted = r.status === "converted" || r.converted_deal_id != null || r.conv_deal != null;
  return {
    id: String(r.id),
    name: String(r.name),
    email: String(r.email),
    company: String(r.company),
    title: String(r.title),
    status: String(r.status),
    ownerId: str(r.owner_id),
    ownerName: str(r.owner_name),
    score: r.score == null ? null : num(r.score),
    rating: str(r.rating),
    converted,
    conversion: converted
      ? {
          accountId: str(r.conv_account),
          contactId: str(r.conv_contact),
          dealId: str(r.conv_deal ?? r.converted_deal_id),
        }
      : null,
  };
}

const LEAD_FIELDS = [
  ["status", "status"],
  ["ownerId", "owner_id"],
  ["score", "score"],
  ["rating", "rating"],
] as const;

/** RangeError "field: …" for a value the sandbox refuses. */
async function checkLeadChanges(tx: SqlDb, c: LeadChanges): Promise<void> {
  if (c.status !== undefined && !(SANDBOX_LEAD_STATUSES as readonly string[]).includes(c.status))
    throw new RangeError(
      `status: one of ${SANDBOX_LEAD_STATUSES.join(", ")} (converting is lead_convert's job).`,
    );
  if (c.rating !== undefined && !(LEAD_RATINGS as readonly string[]).includes(c.rating))
    throw new RangeError(`rating: one of ${LEAD_RATINGS.join(", ")}.`);
  if (c.score !== undefined && !(Number.isInteger(c.score) && c.score >= 0 && c.score <= 100))
    throw new RangeError("score: a whole number from 0 to 100.");
  if (c.ownerId !== undefined && !(await tx.one("SELECT id FROM sb_users WHERE id = ?", [c.ownerId])))
    throw new RangeError(`owner: no sales rep ${c.ownerId}.`);
}

/**
 * Changes a lead in one transaction, every changed field journalled. Undefined when there is no such lead. With
 * `expected` (the plan's "before") nothing is written when the lead no longer holds it: RangeError "conflict: …";
 * a converted lead is refused: RangeError "lead_id: …".
 */
export function sandboxUpdateLead(
  db: SqlDb,
  id: string,
  changes: LeadChanges,
  origin: WriteOrigin,
  expected: LeadChanges = {},
): Promise<LeadWrite | undefined> {
  return db.transaction(async (tx) => {
    const cur = await sandboxLead(tx, id);
    if (!cur) return undefined;
    if (cur.converted) throw new RangeError(`lead_id: lead ${id} is converted; change its contact or deal.`);
    const stale = LEAD_FIELDS.filter(([k]) => expected[k] !== undefined && expected[k] !== cur[k]).map(
      ([k]) => `${k} is now ${JSON.stringify(cur[k])}, the plan said ${JSON.stringify(expected[k])}`,
    );
    const next = LEAD_FIELDS.filter(([k]) => changes[k] !== undefined && changes[k] !== cur[k]);
    // a retry of a write that landed finds every value already set: nothing to do, nothing stale
    if (stale.length && next.length)
      throw new RangeError(`conflict: lead ${id} changed meanwhile (${stale.join("; ")}).`);
    await checkLeadChanges(tx, changes);
    if (next.length) {
      await tx.run(`UPDATE sb_leads SET ${next.map(([, c]) => `${c} = ?`).join(", ")} WHERE id = ?`, [
        ...next.map(([k]) => changes[k]),
        id,
      ]);
      await journalChanges(
        tx,
        next.map(([k, c]) => ({ entity: "lead", recordId: id, field: c, before: cur[k], after: changes[k] })),
        origin,
      );
    }
    const lead = (await sandboxLead(tx, id)) ?? cur;
    return { system: "sandbox", id, lead, recovered: next.length === 0 };
  });
}

/** The conversion this key already made, if it committed. */
async function landedConversion(db: SqlDb, key: string): Promise<ConversionWrite | undefined> {
  const r = await db.one<Record<string, unknown>>(
    `SELECT c.lead_id, c.account_id, a.name AS account_name, c.account_created, c.contact_id, ct.name AS contact_name,
       c.contact_created, c.deal_id, d.name AS deal_name
     FROM sb_lead_conversions c JOIN sb_accounts a ON a.id = c.account_id JOIN sb_contacts ct ON ct.id = c.contact_id
       JOIN sb_deals d ON d.id = c.deal_id WHERE c.idempotency_key = ?`,
    [key],
  );
  return (
    r && {
      system: "sandbox",
      leadId: String(r.lead_id),
      account: {
        id: String(r.account_id),
        name: String(r.account_name),
        created: num(r.account_created) === 1,
      },
      contact: {
        id: String(r.contact_id),
        name: String(r.contact_name),
        created: num(r.contact_created) === 1,
      },
      deal: { id: String(r.deal_id), name: String(r.deal_name) },
      recovered: true,
    }
  );
}

/** Creates the account a conversion needs, its id derived from the plan's key; journalled. */
async function createAccount(tx: SqlDb, conv: LeadConversion, key: string, origin: WriteOrigin) {
  const id = `acc_${createHash("sha256").update(`lead-convert:${key}`).digest("hex").slice(0, 16)}`;
  const owner = await tx.one<{ region: string }>("SELECT region FROM sb_users WHERE id = ?", [
    conv.deal.ownerId,
  ]);
  if (!owner) throw new RangeError(`owner: no sales rep ${conv.deal.ownerId}.`);
  const created = (await sandboxNow(tx)).slice(0, 10);
  await tx.run(
    `INSERT INTO sb_accounts (id, name, domain, industry, employees, size_band, region, country, timezone, owner_id,
       arr, lifecycle, created_date) VALUES (?, ?, ?, 'Unknown', 0, ?, ?, '', 'UTC', ?, 0, 'prospect', ?)`,
    [id, conv.accountName, conv.domain, sizeBandOf(0), owner.region, conv.deal.ownerId, created],
  );
  const fields: [string, unknown][] = [
    ["name", conv.accountName],
    ["domain", conv.domain],
    ["owner_id", conv.deal.ownerId],
    ["lifecycle", "prospect"],
  ];
  await journalChanges(
    tx,
    fields.map(([field, after]) => ({ entity: "account", recordId: id, field, before: null, after })),
    origin,
  );
  return id;
}

/**
 * Converts a lead in one transaction: the account (reused or created), the contact (reused or created from the
 * lead), the deal, and the lead marked converted, every field journalled. Once per idempotency key: the same plan
 * again finds its conversion. RangeError "lead_id: …" for an unknown or already converted lead, "account_id: …",
 * "contact_id: …" or "owner: …" for a record the plan named that is gone.
 */
export function sandboxConvertLead(
  db: SqlDb,
  createDeal: (tx: SqlDb, deal: NewDeal, origin: WriteOrigin) => Promise<{ id: string }>,
  leadId: string,
  conv: LeadConversion,
  origin: WriteOrigin,
): Promise<ConversionWrite> {
  const key = origin.idempotencyKey;
  if (!key) throw new Error("A lead conversion needs the confirmed plan's idempotency key.");
  return db.transaction(async (tx) => {
    const done = await landedConversion(tx, key);
    if (done) return done;
    const lead = await sandboxLead(tx, leadId);
    if (!lead) throw new RangeError(`lead_id: no lead ${leadId}.`);
    if (lead.converted)
      throw new RangeError(
        `lead_id: lead ${leadId} is already converted${lead.conversion?.dealId ? ` (deal ${lead.conversion.dealId})` : ""}.`,
      );
    let accountId = conv.accountId;
    if (accountId && !(await tx.one("SELECT id FROM sb_accounts WHERE id = ?", [accountId])))
      throw new RangeError(`account_id: no account ${accountId}.`);
    if (!accountId) accountId = await createAccount(tx, conv, key, origin);
    let contactId = conv.contactId;
    if (contactId) {
      if (!(await tx.one("SELECT id FROM sb_contacts WHERE id = ?", [contactId])))
        throw new RangeError(`contact_id: no contact ${contactId}.`);
    } else {
      const c = await sandboxUpsertContact(
        tx,
        lead.email,
        { name: lead.name, title: lead.title, accountId },
        origin,
        null,
      );
      contactId = c.id;
    }
    const deal = await createDeal(tx, { ...conv.deal, accountId }, origin);
    const at = await sandboxNow(tx);
    await tx.run("UPDATE sb_leads SET status = 'converted', converted_deal_id = ? WHERE id = ?", [
      deal.id,
      leadId,
    ]);
    await journalChanges(
      tx,
      [
        { entity: "lead", recordId: leadId, field: "status", before: lead.status, after: "converted" },
        { entity: "lead", recordId: leadId, field: "converted_deal_id", before: null, after: deal.id },
      ],
      origin,
    );
    await tx.run(
      `INSERT INTO sb_lead_conversions (lead_id, account_id, contact_id, deal_id, account_created, contact_created,
         converted_at, principal, plan_hash, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        leadId,
        accountId,
        contactId,
        deal.id,
        conv.accountId ? 0 : 1,
        conv.contactId ? 0 : 1,
        at,
        origin.principal,
        origin.planHash ?? null,
        key,
      ],
    );
    const made = await landedConversion(tx, key);
    if (!made) throw new Error(`conversion of ${leadId} vanished inside its own transaction`);
    return { ...made, recovered: false };
  });
}
