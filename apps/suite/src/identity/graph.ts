import type { SqlDb } from "@revops/store";
import { AccountIndex, type AnchorAccount, type ForeignCompany, proposeLink } from "./match";
import { fingerprint, IdentityStore, type LinkStatus } from "./store";

/** Links at or above this confidence are used; below it a human confirms them first (`identity_review`). */
export const DEFAULT_LINK_THRESHOLD = 0.8;

export interface RebuildStats {
  records: number;
  /** Records matched again: new, changed, or the CRM's accounts changed. */
  matched: number;
  unchanged: number;
  removed: number;
  /** Human decisions dropped because the record changed under them. */
  reopened: number;
}

const statusOf = (confidence: number, accountId: string | null, threshold: number): LinkStatus =>
  accountId === null
    ? confidence > 0
      ? "review"
      : "unmatched"
    : confidence >= threshold
      ? "auto"
      : "review";

/**
 * Brings the stored graph up to date: a record is matched again only when it is new or changed, or when the CRM's
 * accounts changed (and no human decided it); a human's confirm or split stands until the record itself changes.
 */
export async function rebuildIdentityGraph(
  db: SqlDb,
  accounts: readonly AnchorAccount[],
  records: readonly ForeignCompany[],
  o: { threshold?: number; at: string },
): Promise<RebuildStats> {
  const threshold = o.threshold ?? DEFAULT_LINK_THRESHOLD;
  const store = new IdentityStore(db);
  const accountsFp = fingerprint(
    accounts.map((a) => [a.id, a.name, a.domain]),
    threshold,
  );
  const stored = new Map((await store.all()).map((l) => [`${l.system}\u0000${l.externalId}`, l]));
  let index: AccountIndex | undefined;
  const stats: RebuildStats = { records: records.length, matched: 0, unchanged: 0, removed: 0, reopened: 0 };
  await db.transaction(async (tx) => {
    for (const r of records) {
      const key = `${r.system}\u0000${r.externalId}`;
      const before = stored.get(key);
      stored.delete(key);
      const recordFp = fingerprint(r.name, r.domain, r.crmRef);
      const human = before?.status === "confirmed" || before?.status === "rejected";
      if (before && before.recordFp === recordFp && (human || before.matchFp === accountsFp)) {
        stats.unchanged++;
        continue;
      }
      if (human) stats.reopened++;
      index ??= new AccountIndex(accounts);
      const link = proposeLink(r, index);
      if (human) link.evidence.push("the record changed since a human reviewed it");
      await store.put(
        tx,
        link,
        statusOf(link.confidence, link.accountId, threshold),
        { record: recordFp, match: accountsFp },
        o.at,
      );
      stats.matched++;
    }
    // what the systems no longer have
    for (const gone of stored.values()) {
      await store.remove(tx, gone.system, gone.externalId);
      stats.removed++;
    }
  });
  return stats;
}
