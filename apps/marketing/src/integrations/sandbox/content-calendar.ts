import { randomUUID } from "node:crypto";
import type {
  ContentItem,
  ContentMove,
  ContentStatus,
  ContentType,
  NewContentItem,
  SandboxChange,
  WriteOrigin,
} from "@revops/model";
import { journalChanges } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

type Row = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

const toItem = (r: Row): ContentItem => ({
  id: String(r.id),
  title: String(r.title),
  type: String(r.type) as ContentType,
  channel: String(r.channel),
  status: String(r.status) as ContentStatus,
  day: String(r.day),
  publishAt: str(r.publish_at),
  owner: String(r.owner),
  campaignId: str(r.campaign_id),
  body: str(r.body),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

const SELECT =
  "SELECT id, title, type, channel, status, day, publish_at, owner, campaign_id, body, created_at, updated_at FROM sb_content_items";

const COLUMN: Record<keyof ContentMove, string> = {
  day: "day",
  status: "status",
  owner: "owner",
  publishAt: "publish_at",
};

/** The content calendar in our own SQL store (sb_content_items), journalled like every sandbox write. */
export class SqlContentCalendar {
  constructor(
    private readonly db: SqlDb,
    private readonly now: () => Promise<string>,
    /** Journal into sb_changes: on the sandbox, where `revops sandbox status` lists what changed. */
    private readonly journal = true,
  ) {}

  /** Items dated within [from, to] (YYYY-MM-DD, inclusive), by day then id. */
  async items(q: { from: string; to: string }): Promise<ContentItem[]> {
    const rows = await this.db.query<Row>(`${SELECT} WHERE day >= ? AND day <= ? ORDER BY day, id`, [
      q.from,
      q.to,
    ]);
    return rows.map(toItem);
  }

  async item(id: string): Promise<ContentItem | undefined> {
    const row = await this.db.one<Row>(`${SELECT} WHERE id = ?`, [id]);
    return row ? toItem(row) : undefined;
  }

  /** Adds one item; the same idempotency key again returns the first and adds nothing. */
  add(a: NewContentItem, origin: WriteOrigin): Promise<{ item: ContentItem; created: boolean }> {
    const key = origin.idempotencyKey ?? randomUUID();
    return this.db.transaction(async (tx) => {
      const at = await this.now();
      const id = `cnt_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      const n = await tx.run(
        `INSERT INTO sb_content_items (id, title, type, channel, status, day, publish_at, owner, campaign_id, body,
           principal, plan_hash, idempotency_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          id,
          a.title,
          a.type,
          a.channel,
          a.status,
          a.day,
          a.publishAt ?? null,
          a.owner,
          a.campaignId ?? null,
          a.body ?? null,
          origin.principal,
          origin.planHash ?? null,
          key,
          at,
          at,
        ],
      );
      const row = await tx.one<Row>(`${SELECT} WHERE idempotency_key = ?`, [key]);
      if (!row) throw new Error("The calendar item was not stored.");
      const item = toItem(row);
      if (n > 0 && this.journal)
        await journalChanges(
          tx,
          [{ entity: "content_item", recordId: item.id, field: "status", before: null, after: item.status }],
          origin,
        );
      return { item, created: n > 0 };
    });
  }

  /** Changes an item's day, status, owner or time once per idempotency key: a retry changes nothing more. */
  move(
    id: string,
    change: ContentMove,
    origin: WriteOrigin,
  ): Promise<{ item: ContentItem; changed: boolean }> {
    const key = origin.idempotencyKey ?? randomUUID();
    return this.db.transaction(async (tx) => {
      const at = await this.now();
      const logged = await tx.run(
        `INSERT INTO sb_content_moves (idempotency_key, item_id, changes, principal, plan_hash, at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
        [key, id, JSON.stringify(change), origin.principal, origin.planHash ?? null, at],
      );
      const before = await tx.one<Row>(`${SELECT} WHERE id = ?`, [id]);
      if (!before) throw new Error(`There is no calendar item ${id}.`);
      const item = toItem(before);
      const fields = (Object.keys(change) as (keyof ContentMove)[]).filter(
        (f) => change[f] !== undefined && change[f] !== item[f],
      );
      if (logged === 0 || fields.length === 0) return { item, changed: false };
      await tx.run(
        `UPDATE sb_content_items SET ${fields.map((f) => `${COLUMN[f]} = ?`).join(", ")}, updated_at = ? WHERE id = ?`,
        [...fields.map((f) => change[f] ?? null), at, id],
      );
      const changes: SandboxChange[] = fields.map((f) => ({
        entity: "content_item",
        recordId: id,
        field: COLUMN[f],
        before: item[f],
        after: change[f],
      }));
      if (this.journal) await journalChanges(tx, changes, origin);
      return { item: toItem((await tx.one<Row>(`${SELECT} WHERE id = ?`, [id])) as Row), changed: true };
    });
  }
}
