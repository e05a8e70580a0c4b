import { randomBytes } from "node:crypto";
import type { SqlDb } from "@revops/store";

export type ApprovalStatus = "pending" | "approved" | "rejected" | "used" | "expired";

export interface Approval {
  id: string;
  principal: string;
  tool: string;
  kind: string;
  /** Canonical JSON of the tool's arguments (without the guard's own). */
  args: string;
  plan: unknown;
  planHash: string;
  /** Why a human has to approve (e.g. "42 recipients is over 25"). */
  reasons: string[];
  status: ApprovalStatus;
  createdAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  /** Why the human decided so (a rejection's reason), or null. */
  decisionNote: string | null;
  usedAt: string | null;
}

export type NewApproval = Pick<
  Approval,
  "principal" | "tool" | "kind" | "args" | "plan" | "planHash" | "reasons"
>;

interface ApprovalRow {
  id: string;
  principal: string;
  tool: string;
  kind: string;
  args: string;
  plan: string;
  plan_hash: string;
  reasons: string;
  status: string;
  created_at: string;
  expires_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  used_at: string | null;
}

// Unguessable: knowing an id must not be enough to learn or use someone's plan.
const newId = () => `apr_${randomBytes(12).toString("base64url")}`;

function fromRow(r: ApprovalRow, now: Date): Approval {
  const open = r.status === "pending" || r.status === "approved";
  return {
    id: r.id,
    principal: r.principal,
    tool: r.tool,
    kind: r.kind,
    args: r.args,
    plan: JSON.parse(r.plan),
    planHash: r.plan_hash,
    reasons: JSON.parse(r.reasons) as string[],
    // Expiry is a fact of time, so it shows even before anything rewrites the row.
    status: open && r.expires_at <= now.toISOString() ? "expired" : (r.status as ApprovalStatus),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note ?? null,
    usedAt: r.used_at,
  };
}

/** Pending approvals in SQL, so any replica (and the admin CLI) sees the same queue. */
export class ApprovalStore {
  constructor(
    private readonly db: () => Promise<SqlDb>,
    private readonly now: () => Date,
    private readonly ttlMinutes: () => number,
  ) {}

  async create(a: NewApproval): Promise<Approval> {
    const db = await this.db();
    const now = this.now();
    const id = newId();
    const expires = new Date(now.getTime() + this.ttlMinutes() * 60_000).toISOString();
    await db.run(
      `INSERT INTO guard_approvals (id, principal, tool, kind, args, plan, plan_hash, reasons, status, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      [
        id,
        a.principal,
        a.tool,
        a.kind,
        a.args,
        JSON.stringify(a.plan),
        a.planHash,
        JSON.stringify(a.reasons),
        now.toISOString(),
        expires,
      ],
    );
    return (await this.get(id)) as Approval;
  }

  async get(id: string): Promise<Approval | undefined> {
    const row = await (await this.db()).one<ApprovalRow>("SELECT * FROM guard_approvals WHERE id = ?", [id]);
    return row ? fromRow(row, this.now()) : undefined;
  }

  async list(filter: { status?: ApprovalStatus; limit?: number } = {}): Promise<Approval[]> {
    const db = await this.db();
    const now = this.now().toISOString();
    const where = statusWhere(filter.status);
    const rows = await db.query<ApprovalRow>(
      `SELECT * FROM guard_approvals ${where.sql} ORDER BY created_at DESC, id LIMIT ?`,
      [...where.params(now), Math.min(filter.limit ?? 50, 500)],
    );
    return rows.map((r) => fromRow(r, this.now()));
  }

  /** pending → approved|rejected by a named human; false when it was not pending (or expired). */
  async decide(
    id: string,
    decision: "approved" | "rejected",
    approver: string,
    note: string | null = null,
  ): Promise<boolean> {
    const now = this.now().toISOString();
    const changed = await (await this.db()).run(
      `UPDATE guard_approvals SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?
       WHERE id = ? AND status = 'pending' AND expires_at > ?`,
      [decision, approver, now, note, id, now],
    );
    return changed === 1;
  }

  /** approved → used in one statement: of two concurrent redemptions exactly one wins. */
  async consume(id: string): Promise<boolean> {
    const now = this.now().toISOString();
    const changed = await (await this.db()).run(
      `UPDATE guard_approvals SET status = 'used', used_at = ? WHERE id = ? AND status = 'approved' AND expires_at > ?`,
      [now, id, now],
    );
    return changed === 1;
  }
}

/** "expired" is computed from expires_at, the other statuses are stored. */
function statusWhere(status: ApprovalStatus | undefined): { sql: string; params: (now: string) => string[] } {
  if (!status) return { sql: "", params: () => [] };
  if (status === "expired")
    return { sql: "WHERE status IN ('pending', 'approved') AND expires_at <= ?", params: (now) => [now] };
  if (status === "pending" || status === "approved")
    return { sql: "WHERE status = ? AND expires_at > ?", params: (now) => [status, now] };
  return { sql: "WHERE status = ?", params: () => [status] };
}
