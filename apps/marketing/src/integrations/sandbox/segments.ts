import type { ContactList, SegmentPreview, SegmentRules, WriteOrigin } from "@revops/model";
import { journalChanges, sqlNumber as num, sandboxNow, SqlWhere as Where } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

export const SANDBOX_SEGMENT_NOTE =
  "Sandbox: firmographics and lifecycle are the contact's account's; engagement is an email open or click touch.";

function whereOf(r: SegmentRules): Where {
  const w = new Where();
  if (r.industry?.length) w.in("a.industry", r.industry);
  if (r.employeeBand?.length) w.in("a.size_band", r.employeeBand);
  if (r.region?.length) w.in("a.region", r.region);
  if (r.lifecycle?.length) w.in("a.lifecycle", r.lifecycle);
  w.opt("a.arr", ">=", r.minArr);
  if (r.campaignId)
    w.add(
      "EXISTS (SELECT 1 FROM sb_campaign_touches t WHERE t.contact_id = c.id AND t.campaign_id = ?)",
      r.campaignId,
    );
  if (r.engagedSince)
    w.add(
      "EXISTS (SELECT 1 FROM sb_campaign_touches t WHERE t.contact_id = c.id AND t.touch_type IN ('open', 'click') AND t.occurred_at >= ?)",
      r.engagedSince,
    );
  return w;
}

const FROM = "FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id";

export async function sandboxSegmentPreview(
  db: SqlDb,
  rules: SegmentRules,
  opts: { sample: number; cap: number },
): Promise<SegmentPreview> {
  const w = whereOf(rules);
  const regions = await db.query<{ region: string; n: number; subscribed: number }>(
    `SELECT a.region, COUNT(*) AS n, SUM(CASE WHEN c.unsubscribed = 0 THEN 1 ELSE 0 END) AS subscribed
     ${FROM} ${w.sql()} GROUP BY a.region ORDER BY a.region`,
    w.params,
  );
  const sample = await db.query<Record<string, unknown>>(
    `SELECT c.id, c.name, c.email, c.unsubscribed ${FROM} ${w.sql()} ORDER BY c.id LIMIT ?`,
    [...w.params, opts.sample],
  );
  const members = await db.query<{ id: string }>(
    `SELECT c.id ${FROM} ${w.sql(["c.unsubscribed = 0"])} ORDER BY c.id LIMIT ?`,
    [...w.params, opts.cap],
  );
  return {
    total: regions.reduce((s, r) => s + num(r.n), 0),
    subscribed: regions.reduce((s, r) => s + num(r.subscribed), 0),
    byRegion: regions.map((r) => ({ region: String(r.region), contacts: num(r.n) })),
    sample: sample.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      email: String(r.email),
      unsubscribed: num(r.unsubscribed) === 1,
    })),
    memberIds: members.map((m) => String(m.id)),
  };
}

/** The static list of this name, created once: a retry (or a second save) finds the first. */
export function sandboxCreateStaticList(
  db: SqlDb,
  name: string,
  origin: WriteOrigin,
): Promise<{ list: ContactList; created: boolean }> {
  return db.transaction(async (tx) => {
    const size = "(SELECT COUNT(*) FROM sb_list_members m WHERE m.list_id = l.id)";
    const found = await tx.one<{ id: string; name: string; size: number }>(
      `SELECT l.id, l.name, ${size} AS size FROM sb_lists l WHERE l.kind = 'static' AND LOWER(l.name) = LOWER(?) ORDER BY l.id`,
      [name],
    );
    if (found)
      return {
        list: { id: found.id, name: found.name, kind: "static", size: num(found.size) },
        created: false,
      };
    const last = await tx.one<{ id: string }>("SELECT id FROM sb_lists ORDER BY id DESC LIMIT 1");
    const id = `lst_${String(Number(String(last?.id ?? "lst_0000").slice(4)) + 1).padStart(4, "0")}`;
    await tx.run("INSERT INTO sb_lists (id, name, kind, created_at) VALUES (?, ?, 'static', ?)", [
      id,
      name,
      await sandboxNow(tx),
    ]);
    await journalChanges(
      tx,
      [{ entity: "list", recordId: id, field: "name", before: null, after: name }],
      origin,
    );
    return { list: { id, name, kind: "static", size: 0 }, created: true };
  });
}
