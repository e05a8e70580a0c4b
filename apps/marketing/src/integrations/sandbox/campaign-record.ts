import type {
  CampaignFields,
  CampaignRecord,
  CampaignSaveResult,
  CampaignStatus,
  WriteOrigin,
} from "@revops/model";
import { journalChanges, sqlNumber as num } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { CampaignWriteError } from "../campaign-write-error";

export const SANDBOX_ASSETS_NOTE =
  "The sandbox links no assets (emails, forms, pages) to campaigns; HubSpot does.";

const COLUMN: Record<keyof CampaignFields, string> = {
  name: "name",
  channel: "channel",
  status: "status",
  startDate: "start_date",
  endDate: "end_date",
  budget: "budget",
  ownerId: "owner_id",
};

const SELECT = `SELECT c.id, c.name, c.channel, c.status, c.start_date, c.end_date, c.budget, c.spend, c.owner_id,
  u.name AS owner_name FROM sb_campaigns c LEFT JOIN sb_users u ON u.id = c.owner_id`;

/** The campaign read fresh from the sandbox tables, with its touches by type. */
export async function sandboxCampaign(db: SqlDb, id: string): Promise<CampaignRecord | undefined> {
  const r = await db.one<Record<string, unknown>>(`${SELECT} WHERE c.id = ?`, [id]);
  if (!r) return undefined;
  const touches = await db.query<{ touch_type: string; n: number }>(
    `SELECT touch_type, COUNT(*) AS n FROM sb_campaign_touches WHERE campaign_id = ?
     GROUP BY touch_type ORDER BY COUNT(*) DESC, touch_type`,
    [id],
  );
  return {
    id: String(r.id),
    name: String(r.name),
    channel: String(r.channel),
    status: r.status as CampaignStatus,
    startDate: String(r.start_date),
    endDate: String(r.end_date),
    budget: num(r.budget),
    spend: num(r.spend),
    ownerId: r.owner_id == null ? null : String(r.owner_id),
    ownerName: r.owner_name == null ? null : String(r.owner_name),
    currency: "USD",
    touches: touches.map((t) => ({ type: String(t.touch_type), count: num(t.n) })),
    assets: [],
    notes: [SANDBOX_ASSETS_NOTE],
  };
}

/** A user who may own campaigns, by id. */
export async function sandboxCampaignOwner(
  db: SqlDb,
  id: string,
): Promise<{ id: string; name: string } | undefined> {
  const u = await db.one<{ id: string; name: string }>("SELECT id, name FROM sb_users WHERE id = ?", [id]);
  return u ? { id: String(u.id), name: String(u.name) } : undefined;
}

async function nextCampaignId(tx: SqlDb): Promise<string> {
  const rows = await tx.query<{ id: string }>(
    "SELECT id FROM sb_campaigns WHERE id LIKE 'cmp\\_%' ESCAPE '\\'",
  );
  const max = rows.reduce((m, r) => Math.max(m, Number(String(r.id).slice(4)) || 0), 0);
  return `cmp_${String(max + 1).padStart(4, "0")}`;
}

/**
 * Creates (no id) or changes a campaign in one transaction with its journal; the same idempotency key again
 * finds the write that committed and changes nothing more. Names are unique (case-insensitive), as at HubSpot.
 */
export function sandboxSaveCampaign(
  db: SqlDb,
  change: { id?: string; fields: CampaignFields },
  origin: WriteOrigin,
): Promise<CampaignSaveResult> {
  return db.transaction(async (tx) => {
    const key = origin.idempotencyKey;
    if (key) {
      const landed = await tx.one<{ record_id: string }>(
        "SELECT record_id FROM sb_changes WHERE idempotency_key = ? AND entity = 'campaign' ORDER BY at, id LIMIT 1",
        [key],
      );
      const earlier = landed && (await sandboxCampaign(tx, landed.record_id));
      if (earlier) return { campaign: earlier, created: !change.id, recovered: true };
    }
    const f = change.fields;
    if (f.name !== undefined) {
      const clash = await tx.one<{ id: string }>(
        "SELECT id FROM sb_campaigns WHERE lower(name) = lower(?) AND id <> ?",
        [f.name, change.id ?? ""],
      );
      if (clash)
        throw new CampaignWriteError(
          `Campaign ${clash.id} is already named "${f.name}".`,
          "name",
          "Pick another name, or update that campaign with its campaign_id.",
        );
    }
    if (f.ownerId !== undefined && !(await sandboxCampaignOwner(tx, f.ownerId)))
      throw new CampaignWriteError(
        `There is no user ${f.ownerId}.`,
        "owner_id",
        "Use a user id such as usr_01.",
      );
    const before = change.id ? await sandboxCampaign(tx, change.id) : undefined;
    if (change.id && !before)
      throw new CampaignWriteError(
        `There is no campaign ${change.id}.`,
        "campaign_id",
        "Get ids from campaigns_list.",
      );
    const id = change.id ?? (await nextCampaignId(tx));
    const next = { ...(before ?? {}), ...f } as Required<CampaignFields>;
    if (next.startDate > next.endDate)
      throw new CampaignWriteError(
        `The end date ${next.endDate} is before the start ${next.startDate}.`,
        "end_date",
        "Set end_date on or after start_date.",
      );
    if (!before) {
      await tx.run(
        `INSERT INTO sb_campaigns (id, name, channel, status, start_date, end_date, budget, spend, owner_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`,
        [
          id,
          next.name,
          next.channel,
          next.status,
          next.startDate,
          next.endDate,
          next.budget,
          next.ownerId ?? null,
        ],
      );
    }
    const changed = (Object.keys(f) as (keyof CampaignFields)[]).filter(
      (k) => f[k] !== undefined && (!before || before[k] !== f[k]),
    );
    if (before && changed.length > 0)
      await tx.run(
        `UPDATE sb_campaigns SET ${changed.map((k) => `${COLUMN[k]} = ?`).join(", ")} WHERE id = ?`,
        [...changed.map((k) => f[k]), id],
      );
    // a no-change update still journals one row, so a retry under its key finds it
    const rows = changed.length
      ? changed.map((k) => ({ field: COLUMN[k], before: before ? before[k] : null, after: f[k] }))
      : [{ field: "unchanged", before: null, after: null }];
    await journalChanges(
      tx,
      rows.map((r) => ({ entity: "campaign", recordId: id, ...r })),
      origin,
    );
    const campaign = await sandboxCampaign(tx, id);
    if (!campaign) throw new Error(`Campaign ${id} was not stored.`);
    return { campaign, created: !before, recovered: false };
  });
}
