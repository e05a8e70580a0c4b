import { createHash } from "node:crypto";
import type { ContactDetail, ContactFields, ContactWrite, WriteOrigin } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { journalChanges, sandboxNow } from "../changes.js";

/** 1 C-level, 2 VP, 3 director or head, 4 manager or lead, 5 individual contributor (sb_contacts.seniority). */
export function titleSeniority(title: string): number {
  const t = title.toLowerCase();
  if (/\bchief\b|\bc[erfmot]o\b/.test(t)) return 1;
  if (/\bvp\b|vice president/.test(t)) return 2;
  if (/\bdirector\b|\bhead\b/.test(t)) return 3;
  if (/\bmanager\b|\blead\b/.test(t)) return 4;
  return 5;
}

const COLUMNS = [
  ["name", "name"],
  ["title", "title"],
  ["phone", "phone"],
  ["accountId", "account_id"],
] as const;

/** The contact with this email (case-insensitive), or undefined. */
export async function sandboxContactByEmail(db: SqlDb, email: string): Promise<ContactDetail | undefined> {
  const r = await db.one<Record<string, unknown>>(
    `SELECT c.id, c.name, c.title, c.email, c.phone, c.account_id, a.name AS account_name
     FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id WHERE lower(c.email) = ? ORDER BY c.id LIMIT 1`,
    [email.trim().toLowerCase()],
  );
  return (
    r && {
      id: String(r.id),
      name: String(r.name),
      title: String(r.title),
      email: String(r.email),
      phone: String(r.phone),
      accountId: String(r.account_id),
      accountName: String(r.account_name),
    }
  );
}

/**
 * Creates the contact when no contact has the email, else changes the given fields, in one transaction with every
 * field journalled. The new id derives from the email, so a retried create finds its contact. With `expected` (the
 * plan's "before") nothing is written when the contact no longer holds it: RangeError "conflict: …"; RangeError
 * "name: …" / "account_id: …" when a create lacks them or the account is unknown.
 */
export function sandboxUpsertContact(
  db: SqlDb,
  email: string,
  f: ContactFields,
  origin: WriteOrigin,
  expected?: ContactFields | null,
): Promise<ContactWrite> {
  const address = email.trim().toLowerCase();
  return db.transaction(async (tx) => {
    const cur = await sandboxContactByEmail(tx, address);
    if (expected === null && cur) {
      // the planned create already landed (a retry of the same plan): found, not made again
      if (COLUMNS.every(([k]) => f[k] === undefined || f[k] === cur[k]))
        return { system: "sandbox", id: cur.id, created: true, contact: cur, recovered: true };
      throw new RangeError(`conflict: a contact with ${address} was created meanwhile (${cur.id}).`);
    }
    if (f.accountId && !(await tx.one("SELECT id FROM sb_accounts WHERE id = ?", [f.accountId])))
      throw new RangeError(`account_id: no account ${f.accountId}.`);
    if (!cur) {
      if (!f.name?.trim()) throw new RangeError("name: a new contact needs a name.");
      if (!f.accountId) throw new RangeError("account_id: a new contact needs an account.");
      const id = `con_${createHash("sha256").update(address).digest("hex").slice(0, 16)}`;
      const account = await tx.one<{ timezone: string }>("SELECT timezone FROM sb_accounts WHERE id = ?", [
        f.accountId,
      ]);
      const [first, ...rest] = f.name.trim().split(/\s+/);
      await tx.run(
        `INSERT INTO sb_contacts (id, account_id, first_name, last_name, name, title, seniority, email, phone, timezone,
           unsubscribed, created_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
        [
          id,
          f.accountId,
          first ?? "",
          rest.join(" "),
          f.name.trim(),
          f.title ?? "",
          titleSeniority(f.title ?? ""),
          address,
          f.phone ?? "",
          account?.timezone ?? "UTC",
          (await sandboxNow(tx)).slice(0, 10),
        ],
      );
      const set: [string, unknown][] = [
        ["email", address],
        ...COLUMNS.map(([k, c]) => [c, f[k] ?? null] as [string, unknown]),
      ];
      await journalChanges(
        tx,
        set
          .filter(([, v]) => v !== null)
          .map(([field, after]) => ({ entity: "contact", recordId: id, field, before: null, after })),
        origin,
      );
      const contact = await sandboxContactByEmail(tx, address);
      if (!contact) throw new Error(`contact ${id} vanished inside its own transaction`);
      return { system: "sandbox", id, created: true, contact };
    }
    const stale = COLUMNS.filter(([k]) => expected?.[k] !== undefined && expected[k] !== cur[k]).map(
      ([k]) => `${k} is now ${JSON.stringify(cur[k])}, the plan said ${JSON.stringify(expected?.[k])}`,
    );
    if (stale.length)
      throw new RangeError(`conflict: contact ${cur.id} changed meanwhile (${stale.join("; ")}).`);
    const next = COLUMNS.filter(([k]) => f[k] !== undefined && f[k] !== cur[k]);
    if (next.length) {
      const values = next.map(([k]) => (k === "name" ? (f.name ?? "").trim() : f[k]));
      const extra = f.title !== undefined ? ", seniority = ?" : "";
      await tx.run(
        `UPDATE sb_contacts SET ${next.map(([, c]) => `${c} = ?`).join(", ")}${extra} WHERE id = ?`,
        [...values, ...(extra ? [titleSeniority(f.title ?? "")] : []), cur.id],
      );
      await journalChanges(
        tx,
        next.map(([k, c], i) => ({
          entity: "contact",
          recordId: cur.id,
          field: c,
          before: cur[k],
          after: values[i],
        })),
        origin,
      );
    }
    const contact = await sandboxContactByEmail(tx, address);
    return {
      system: "sandbox",
      id: cur.id,
      created: false,
      contact: contact ?? cur,
      recovered: next.length === 0,
    };
  });
}
