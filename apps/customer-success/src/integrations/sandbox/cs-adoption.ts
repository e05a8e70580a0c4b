import type { FeatureUse } from "@revops/model";
import { dayOf, isoDay, sqlNumber as num, sandboxToday } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

/** Per current customer: one range read of its daily usage on the (account, day) key. */
export async function featureUse(db: SqlDb): Promise<FeatureUse[]> {
  const t = dayOf(await sandboxToday(db));
  const range = "FROM sb_usage_daily x WHERE x.account_id = a.id AND x.day >= ? AND x.day < ?";
  const w = [isoDay(t - 30), isoDay(t)];
  const rows = await db.query<Record<string, unknown>>(
    `SELECT a.id, (SELECT SUM(x.events) ${range}) AS events, (SELECT SUM(x.key_feature_uses) ${range}) AS key_uses,
       (SELECT COUNT(*) ${range} AND x.key_feature_uses > 0) AS key_days
     FROM sb_accounts a WHERE a.lifecycle = 'customer' ORDER BY a.id`,
    [...w, ...w, ...w],
  );
  return rows.map((r) => ({
    accountId: String(r.id),
    events: num(r.events),
    keyFeatureUses: num(r.key_uses),
    keyFeatureDays: num(r.key_days),
  }));
}
