import type { SqlDb } from "@revops/store";
import {
  AccountIndex,
  type AnchorAccount,
  type ForeignCompany,
  type ProposedLink,
  proposeLink,
} from "./match";
import { type AnchorContact, ContactIndex, type ForeignPerson, proposePersonLink } from "./people";
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

const statusOf = (confidence: number, targetId: string | null, threshold: number): LinkStatus =>
  targetId === null ? (confidence > 0 ? "review" : "unmatched") : confidence >= threshold ? "auto" : "review";

interface Rebuild<R> {
  records: readonly R[];
  /** What the records are matched against (accounts, contacts and the company links they depend on). */
  anchorsFp: string;
  recordFp: (r: R) => string;
  /** Built lazily: an unchanged graph never indexes the CRM. */
  proposer: () => (r: R) => ProposedLink;
  threshold: number;
  at: string;
}

/**
 * Brings one stored graph up to date: a record is matched again only when it is new or changed, or when what it is
 * matched against changed (and no human decided it); a human's confirm or split stands until the record changes.
 */
async function rebuildLinks<R extends { system: string; externalId: string }>(
  store: IdentityStore,
  o: Rebuild<R>,
): Promise<RebuildStats> {
  const stored = new Map((await store.all()).map((l) => [`${l.system}\u0000${l.externalId}`, l]));
  let propose: ((r: R) => ProposedLink) | undefined;
  const stats: RebuildStats = {
    records: o.records.length,
    matched: 0,
    unchanged: 0,
    removed: 0,
    reopened: 0,
  };
  await store.db.transaction(async (tx) => {
    for (const r of o.records) {
      const key = `${r.system}\u0000${r.externalId}`;
      const before = stored.get(key);
      stored.delete(key);
      const recordFp = o.recordFp(r);
      const human = before?.status === "confirmed" || before?.status === "rejected";
      if (before && before.recordFp === recordFp && (human || before.matchFp === o.anchorsFp)) {
        stats.unchanged++;
        continue;
      }
      if (human) stats.reopened++;
      propose ??= o.proposer();
      const link = propose(r);
      if (human) link.evidence.push("the record changed since a human reviewed it");
      const target = store.graph === "people" ? (link.contactId ?? null) : link.accountId;
      await store.put(
        tx,
        link,
        statusOf(link.confidence, target, o.threshold),
        { record: recordFp, match: o.anchorsFp },
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

/** Other systems' companies linked to the CRM's accounts. */
export function rebuildIdentityGraph(
  db: SqlDb,
  accounts: readonly AnchorAccount[],
  records: readonly ForeignCompany[],
  o: { threshold?: number; at: string },
): Promise<RebuildStats> {
  const threshold = o.threshold ?? DEFAULT_LINK_THRESHOLD;
  return rebuildLinks(new IdentityStore(db), {
    records,
    anchorsFp: fingerprint(
      accounts.map((a) => [a.id, a.name, a.domain]),
      threshold,
    ),
    recordFp: (r) => fingerprint(r.name, r.domain, r.crmRef),
    proposer: () => {
      const index = new AccountIndex(accounts);
      return (r) => proposeLink(r, index);
    },
    threshold,
    at: o.at,
  });
}

/**
 * Other systems' people linked to the CRM's contacts, after the company graph: a name alone counts only inside the
 * account the person's company is linked to and used (auto or confirmed), so a company link that changes rematches.
 */
export async function rebuildPersonGraph(
  db: SqlDb,
  contacts: readonly AnchorContact[],
  people: readonly ForeignPerson[],
  o: { threshold?: number; at: string },
): Promise<RebuildStats> {
  const threshold = o.threshold ?? DEFAULT_LINK_THRESHOLD;
  const companyAccount = new Map(
    (await new IdentityStore(db).all())
      .filter((l) => l.accountId !== null && l.status !== "rejected")
      .map((l) => [
        `${l.system}\u0000${l.externalId}`,
        { accountId: l.accountId as string, used: l.status === "auto" || l.status === "confirmed" },
      ]),
  );
  return rebuildLinks(new IdentityStore(db, "people"), {
    records: people,
    anchorsFp: fingerprint(
      contacts.map((c) => [c.id, c.accountId, c.name, c.email]),
      [...companyAccount].map(([k, v]) => [k, v.accountId, v.used]).sort(),
      threshold,
    ),
    recordFp: (p) => fingerprint(p.name, p.email, p.crmRef, p.companyExternalId),
    proposer: () => {
      const index = new ContactIndex(contacts);
      return (p) => proposePersonLink(p, index, (s, id) => companyAccount.get(`${s}\u0000${id}`));
    },
    threshold,
    at: o.at,
  });
}
