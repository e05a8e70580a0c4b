import type {
  BulkType,
  RecordFields,
  RecordRow,
  RecordSelection,
  RecordsWrite,
  RecordType,
  WriteOrigin,
} from "@revops/model";
import type { SqlDb } from "@revops/store";
import { journalChanges, sandboxNow } from "../changes.js";
import { everyOf } from "../vocabulary.js";

/** CRM record types records_delete takes; records_bulk_update takes those in BULK_FIELDS. */
export const RECORD_TYPES = everyOf<RecordType>()(["deal", "contact", "lead", "account"]);

/** The fields a bulk update may set, per record type: ownership and progress, never amounts or identities. */
export const BULK_FIELDS = {
  deal: ["owner", "stage", "next_step"],
  contact: ["owner", "title"],
} as const satisfies Record<BulkType, readonly string[]>;

/** Where each system puts what records_delete deletes. */
export const RECYCLE_BIN = {
  sandbox: "the sandbox's recycle bin (`revops sandbox reset` restores the seed)",
  salesforce: "the Salesforce Recycle Bin (restorable for 15 days)",
  hubspot: "HubSpot's archive (restorable for 90 days)",
} as const;

const TABLE: Record<RecordType, string> = {
  deal: "sb_deals",
  contact: "sb_contacts",
  lead: "sb_leads",
  account: "sb_accounts",
};

/** Selection SQL per type: id, name and the bulk-editable fields under their tool names. */
const SELECT: Record<RecordType, string> = {
  deal: "SELECT d.id, d.name, d.owner_id AS owner, d.stage, d.next_step FROM sb_deals d",
  contact:
    "SELECT d.id, d.name, COALESCE(d.owner_id, a.owner_id) AS owner, d.title FROM sb_contacts d LEFT JOIN sb_accounts a ON a.id = d.account_id",
  lead: "SELECT d.id, d.name, d.owner_id AS owner FROM sb_leads d",
  account: "SELECT d.id, d.name, d.owner_id AS owner, d.industry FROM sb_accounts d",
};

/** Records of a type by ids or filter, id order, at most `limit`. */
export async function sandboxSelectRecords(
  db: SqlDb,
  type: RecordType,
  sel: RecordSelection,
  limit: number,
): Promise<RecordRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (sel.ids) {
    if (sel.ids.length === 0) return [];
    where.push(`d.id IN (${sel.ids.map(() => "?").join(", ")})`);
    args.push(...sel.ids);
  }
  if (sel.owner) {
    where.push(type === "contact" ? "COALESCE(d.owner_id, a.owner_id) = ?" : "d.owner_id = ?");
    args.push(sel.owner);
  }
  if (sel.stage) {
    where.push("d.stage = ?");
    args.push(sel.stage);
  }
  const rows = await db.query<Record<string, unknown>>(
    `${SELECT[type]}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY d.id LIMIT ?`,
    [...args, limit],
  );
  return rows.map(({ id, name, ...fields }) => ({
    id: String(id),
    name: String(name),
    fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v == null ? null : String(v)])),
  }));
}

/** Records journalled under this key: a plan that committed before, not to be applied again. */
export async function landedCount(db: SqlDb, key: string): Promise<number> {
  const r = await db.one<{ n: number }>(
    "SELECT COUNT(DISTINCT record_id) AS n FROM sb_changes WHERE idempotency_key = ?",
    [key],
  );
  return Number(r?.n ?? 0);
}

export const keyOf = (origin: WriteOrigin) => {
  if (!origin.idempotencyKey) throw new Error("A bulk write needs the confirmed plan's idempotency key.");
  return origin.idempotencyKey;
};

/**
 * Sets contact owner and title on every id in one transaction, each changed field journalled under the plan's key;
 * a key that already landed changes nothing again. RangeError "owner: …" for an unknown rep.
 */
export function sandboxUpdateContacts(
  db: SqlDb,
  ids: string[],
  f: RecordFields,
  origin: WriteOrigin,
): Promise<RecordsWrite> {
  const key = keyOf(origin);
  return db.transaction(async (tx) => {
    const done = await landedCount(tx, key);
    if (done > 0) return { system: "sandbox", count: done, recovered: true };
    if (f.owner !== undefined && !(await tx.one("SELECT id FROM sb_users WHERE id = ?", [f.owner])))
      throw new RangeError(`owner: no sales rep ${f.owner}.`);
    const want: [string, string, string | undefined][] = [
      ["owner", "owner_id", f.owner],
      ["title", "title", f.title],
    ];
    for (const row of await sandboxSelectRecords(tx, "contact", { ids }, ids.length)) {
      const next = want.filter(([field, , v]) => v !== undefined && row.fields[field] !== v);
      if (next.length === 0) continue;
      await tx.run(`UPDATE sb_contacts SET ${next.map(([, c]) => `${c} = ?`).join(", ")} WHERE id = ?`, [
        ...next.map(([, , v]) => v),
        row.id,
      ]);
      await journalChanges(
        tx,
        next.map(([field, , v]) => ({
          entity: "contact",
          recordId: row.id,
          field,
          before: row.fields[field],
          after: v,
        })),
        { ...origin, idempotencyKey: key },
      );
    }
    return { system: "sandbox", count: await landedCount(tx, key), recovered: false };
  });
}

/** An account still holding deals or contacts is not deleted (they would be left without one): RangeError "ids: …". */
async function refuseParents(tx: SqlDb, ids: string[]): Promise<void> {
  const marks = ids.map(() => "?").join(", ");
  const held = await tx.query<{ account_id: string }>(
    `SELECT account_id FROM sb_deals WHERE account_id IN (${marks}) UNION SELECT account_id FROM sb_contacts WHERE account_id IN (${marks})`,
    [...ids, ...ids],
  );
  if (held.length > 0)
    throw new RangeError(
      `ids: ${held.length} account(s) still have deals or contacts (${held
        .slice(0, 5)
        .map((h) => h.account_id)
        .join(", ")}); delete or move those first.`,
    );
}

/**
 * Moves the records into the recycle bin (the row kept whole, read tools no longer see it) in one transaction,
 * journalled under the plan's key; a key that already landed deletes nothing again.
 */
export function sandboxDeleteRecords(
  db: SqlDb,
  type: RecordType,
  ids: string[],
  origin: WriteOrigin,
): Promise<RecordsWrite> {
  const key = keyOf(origin);
  const bin = RECYCLE_BIN.sandbox;
  return db.transaction(async (tx) => {
    const done = await landedCount(tx, key);
    if (done > 0) return { system: "sandbox", count: done, recovered: true, bin };
    if (type === "account") await refuseParents(tx, ids);
    const at = await sandboxNow(tx);
    let count = 0;
    for (const id of ids) {
      const row = await tx.one<Record<string, unknown>>(`SELECT * FROM ${TABLE[type]} WHERE id = ?`, [id]);
      if (!row) continue;
      await tx.run(
        "INSERT INTO sb_recycle_bin (entity, record_id, name, row_json, deleted_at, principal, plan_hash, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [type, id, String(row.name), JSON.stringify(row), at, origin.principal, origin.planHash ?? null, key],
      );
      await tx.run(`DELETE FROM ${TABLE[type]} WHERE id = ?`, [id]);
      await journalChanges(
        tx,
        [{ entity: type, recordId: id, field: "deleted", before: String(row.name), after: "recycle_bin" }],
        { ...origin, idempotencyKey: key },
      );
      count++;
    }
    return { system: "sandbox", count, recovered: false, bin };
  });
}
