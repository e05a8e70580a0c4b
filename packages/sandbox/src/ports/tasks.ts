import { createHash } from "node:crypto";
import type {
  KeyedOrigin,
  NewTask,
  NewTouchpoint,
  TaskRow,
  TouchpointChannel,
  TouchpointRow,
} from "@revops/model";
import type { SqlDb } from "@revops/store";
import { journalChanges, sandboxNow } from "../changes.js";
import { everyOf } from "../vocabulary.js";

export const TOUCHPOINT_CHANNELS = everyOf<TouchpointChannel>()(["call", "email", "meeting", "qbr"]);

/** A write the store refused: an unknown account or owner (the field is named first). */
export class TaskWriteError extends RangeError {}

// the id derives from the idempotency key, so the same confirmed plan run twice finds its row
const idOf = (prefix: string, key: string) =>
  `${prefix}_${createHash("sha256").update(key).digest("hex").slice(0, 20)}`;

const TASK_COLUMNS = "id, owner_id, account_id, deal_id, subject, due_date, status, source, created_at";
const TOUCH_COLUMNS = "id, account_id, channel, status, day, subject, notes, source, created_at";

const toTask = (r: Record<string, unknown>): TaskRow => ({
  id: String(r.id),
  ownerId: String(r.owner_id),
  accountId: String(r.account_id),
  dealId: r.deal_id === null || r.deal_id === undefined ? null : String(r.deal_id),
  subject: String(r.subject),
  dueDate: String(r.due_date),
  status: r.status === "done" ? "done" : "open",
  source: String(r.source),
  createdAt: String(r.created_at),
});

const toTouchpoint = (r: Record<string, unknown>): TouchpointRow => ({
  id: String(r.id),
  accountId: String(r.account_id),
  channel: String(r.channel) as TouchpointChannel,
  status: r.status === "planned" ? "planned" : "done",
  day: String(r.day),
  subject: String(r.subject),
  notes: r.notes === null || r.notes === undefined ? null : String(r.notes),
  source: String(r.source),
  createdAt: String(r.created_at),
});

/** Tasks and touchpoints in our database (sb_tasks, sb_touchpoints), every write journalled in sb_changes. */
export class SandboxTasks {
  constructor(private readonly db: SqlDb) {}

  /** Creates the task once per idempotency key; TaskWriteError for an unknown account, owner or deal. */
  createTask(t: NewTask, origin: KeyedOrigin): Promise<{ task: TaskRow; recovered: boolean }> {
    const id = idOf("task", origin.idempotencyKey);
    return this.db.transaction(async (tx) => {
      const had = await tx.one<Record<string, unknown>>(`SELECT ${TASK_COLUMNS} FROM sb_tasks WHERE id = ?`, [
        id,
      ]);
      if (had) return { task: toTask(had), recovered: true };
      if (!(await tx.one("SELECT id FROM sb_accounts WHERE id = ?", [t.accountId])))
        throw new TaskWriteError(`account_id: no account ${t.accountId}.`);
      const owner =
        (await tx.one("SELECT id FROM sb_users WHERE id = ?", [t.ownerId])) ??
        (await tx.one("SELECT id FROM sb_cs_managers WHERE id = ?", [t.ownerId]));
      if (!owner) throw new TaskWriteError(`owner: no user or CS manager ${t.ownerId}.`);
      if (t.dealId && !(await tx.one("SELECT id FROM sb_deals WHERE id = ?", [t.dealId])))
        throw new TaskWriteError(`deal_id: no deal ${t.dealId}.`);
      await tx.run(
        `INSERT INTO sb_tasks (id, owner_id, account_id, deal_id, subject, due_date, status, source, principal, plan_hash,
           idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
        [
          id,
          t.ownerId,
          t.accountId,
          t.dealId ?? null,
          t.subject,
          t.dueDate,
          t.source,
          origin.principal,
          origin.planHash ?? null,
          origin.idempotencyKey,
          await sandboxNow(tx),
        ],
      );
      const fields: [string, unknown][] = [
        ["owner_id", t.ownerId],
        ["account_id", t.accountId],
        ["deal_id", t.dealId ?? null],
        ["subject", t.subject],
        ["due_date", t.dueDate],
        ["source", t.source],
      ];
      await journalChanges(
        tx,
        fields.map(([field, after]) => ({ entity: "task", recordId: id, field, before: null, after })),
        origin,
      );
      const row = await tx.one<Record<string, unknown>>(`SELECT ${TASK_COLUMNS} FROM sb_tasks WHERE id = ?`, [
        id,
      ]);
      if (!row) throw new Error(`task ${id} vanished inside its own transaction`);
      return { task: toTask(row), recovered: false };
    });
  }

  /** Logs the touchpoint once per idempotency key; TaskWriteError for an unknown account. */
  logTouchpoint(
    t: NewTouchpoint,
    origin: KeyedOrigin,
  ): Promise<{ touchpoint: TouchpointRow; recovered: boolean }> {
    const id = idOf("tp", origin.idempotencyKey);
    return this.db.transaction(async (tx) => {
      const read = () =>
        tx.one<Record<string, unknown>>(`SELECT ${TOUCH_COLUMNS} FROM sb_touchpoints WHERE id = ?`, [id]);
      const had = await read();
      if (had) return { touchpoint: toTouchpoint(had), recovered: true };
      if (!(await tx.one("SELECT id FROM sb_accounts WHERE id = ?", [t.accountId])))
        throw new TaskWriteError(`account_id: no account ${t.accountId}.`);
      await tx.run(
        `INSERT INTO sb_touchpoints (id, account_id, channel, status, day, subject, notes, source, principal, plan_hash,
           idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          t.accountId,
          t.channel,
          t.status,
          t.day,
          t.subject,
          t.notes ?? null,
          t.source,
          origin.principal,
          origin.planHash ?? null,
          origin.idempotencyKey,
          await sandboxNow(tx),
        ],
      );
      const fields: [string, unknown][] = [
        ["account_id", t.accountId],
        ["channel", t.channel],
        ["status", t.status],
        ["day", t.day],
        ["subject", t.subject],
      ];
      await journalChanges(
        tx,
        fields.map(([field, after]) => ({ entity: "touchpoint", recordId: id, field, before: null, after })),
        origin,
      );
      const row = await read();
      if (!row) throw new Error(`touchpoint ${id} vanished inside its own transaction`);
      return { touchpoint: toTouchpoint(row), recovered: false };
    });
  }

  /** Open tasks of some accounts (all when omitted), optionally from sources starting with `sourcePrefix`. */
  async openTasks(q: { accountIds?: readonly string[]; sourcePrefix?: string } = {}): Promise<TaskRow[]> {
    if (q.accountIds?.length === 0) return [];
    const where = ["status = 'open'"];
    const params: unknown[] = [];
    if (q.accountIds) {
      where.push(`account_id IN (${q.accountIds.map(() => "?").join(", ")})`);
      params.push(...q.accountIds);
    }
    if (q.sourcePrefix) {
      where.push("source LIKE ?");
      params.push(`${q.sourcePrefix}%`);
    }
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT ${TASK_COLUMNS} FROM sb_tasks WHERE ${where.join(" AND ")} ORDER BY due_date, id`,
      params,
    );
    return rows.map(toTask);
  }

  /** An account's touchpoints, newest day first. */
  async touchpoints(accountId: string): Promise<TouchpointRow[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT ${TOUCH_COLUMNS} FROM sb_touchpoints WHERE account_id = ? ORDER BY day DESC, id`,
      [accountId],
    );
    return rows.map(toTouchpoint);
  }
}
