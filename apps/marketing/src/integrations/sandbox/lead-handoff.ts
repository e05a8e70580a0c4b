import type {
  HandoffRecord,
  HandoffResult,
  LeadAssignment,
  PendingMqls,
  SalesOwner,
  WriteOrigin,
} from "@revops/model";
import { journalChanges, sqlNumber as num, sandboxNow } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

export const SANDBOX_HANDOFF_NOTE =
  "Sandbox leads keep no MQL date: speed-to-lead counts from the lead's creation; the owner is kept in sb_lead_handoffs.";

const PENDING = `FROM sb_leads l
  LEFT JOIN sb_lead_handoffs h ON h.lead_id = l.id
  LEFT JOIN sb_accounts a ON LOWER(a.name) = LOWER(l.company)
  WHERE l.status = 'mql' AND h.lead_id IS NULL`;

/** MQLs without a sales owner, oldest first, and how many there are in all. */
export async function sandboxPendingMqls(
  db: SqlDb,
  q: { limit: number; mqlBefore: string },
): Promise<PendingMqls> {
  const counts = await db.one<{ n: number; before: number }>(
    `SELECT COUNT(*) AS n, SUM(CASE WHEN l.created_at < ? THEN 1 ELSE 0 END) AS before ${PENDING}`,
    [q.mqlBefore],
  );
  const rows = await db.query<Record<string, unknown>>(
    `SELECT l.id, l.name, l.email, l.company, l.source, l.score, l.created_at, a.region, a.size_band
     ${PENDING} ORDER BY l.created_at, l.id LIMIT ?`,
    [q.limit],
  );
  return {
    total: num(counts?.n),
    before: num(counts?.before),
    rows: rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      email: String(r.email),
      company: String(r.company),
      source: String(r.source),
      score: num(r.score),
      mqlAt: String(r.created_at),
      ...(r.region ? { region: String(r.region), sizeBand: String(r.size_band) } : {}),
    })),
  };
}

/** Account executives take new leads; managers do not. */
export async function sandboxSalesOwners(db: SqlDb): Promise<SalesOwner[]> {
  const rows = await db.query<Record<string, unknown>>(
    "SELECT id, name, email, team FROM sb_users WHERE role = 'account_executive' ORDER BY id",
  );
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    email: String(r.email),
    team: String(r.team),
  }));
}

export async function sandboxHandoffHistory(db: SqlDb, since: string): Promise<HandoffRecord[]> {
  const rows = await db.query<Record<string, unknown>>(
    "SELECT lead_id, owner_id, mql_at, handed_off_at FROM sb_lead_handoffs WHERE handed_off_at >= ? ORDER BY handed_off_at, lead_id",
    [since],
  );
  return rows.map((r) => ({
    leadId: String(r.lead_id),
    ownerId: String(r.owner_id),
    mqlAt: String(r.mql_at),
    handedAt: String(r.handed_off_at),
  }));
}

/**
 * One transaction: a lead still at MQL and unowned gets its owner once; one that already has the owner asked (an
 * earlier attempt landed) counts as handed; one owned by someone else or no longer MQL is ignored. Only new
 * hand-offs are journalled.
 */
export function sandboxHandOffLeads(
  db: SqlDb,
  assignments: LeadAssignment[],
  origin: WriteOrigin,
): Promise<HandoffResult> {
  return db.transaction(async (tx) => {
    const at = await sandboxNow(tx);
    const result: HandoffResult = { handed: [], ignored: [] };
    const owners = new Map(assignments.map((a) => [a.leadId, a.ownerId]));
    const inserted: string[] = [];
    for (const [leadId, ownerId] of owners) {
      const n = await tx.run(
        `INSERT INTO sb_lead_handoffs (lead_id, owner_id, mql_at, handed_off_at, principal, plan_hash, idempotency_key)
         SELECT l.id, ?, l.created_at, ?, ?, ?, ? FROM sb_leads l WHERE l.id = ? AND l.status = 'mql'
         ON CONFLICT (lead_id) DO NOTHING`,
        [ownerId, at, origin.principal, origin.planHash ?? null, origin.idempotencyKey ?? null, leadId],
      );
      if (n > 0) inserted.push(leadId);
      const landed =
        n > 0 ||
        (
          await tx.one<{ owner_id: string }>("SELECT owner_id FROM sb_lead_handoffs WHERE lead_id = ?", [
            leadId,
          ])
        )?.owner_id === ownerId;
      (landed ? result.handed : result.ignored).push(leadId);
    }
    await journalChanges(
      tx,
      inserted.flatMap((id) => [
        { entity: "lead", recordId: id, field: "owner_id", before: null, after: owners.get(id) },
        { entity: "lead", recordId: id, field: "sales_status", before: null, after: "new" },
      ]),
      origin,
    );
    return result;
  });
}
