import { randomBytes } from "node:crypto";
import type { SqlDb } from "@revops/store";

/**
 * pending → approved|rejected by a human; approved → executing (a replica holds a lease) → executed, or back to
 * approved when the write definitely failed. "used" is the executed state of rows written before leases existed.
 */
export type ApprovalStatus =
  | "pending"
  | "approved"
  | "rejected"
  | "executing"
  | "executed"
  | "failed"
  | "used"
  | "expired";

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
  /** While executing: which replica and call holds it, and until when (after that a retry may resume it). */
  leaseOwner: string | null;
  leaseUntil: string | null;
  /** How many executions started (a resume after a crash counts again). */
  attempts: number;
  /** The record the execution wrote, when the tool said which. */
  recordId: string | null;
  /** The last execution's outcome in a line ("executed", a failure's reason). */
  outcome: string | null;
}

/** How a call got to execute an approval: first, or resuming one whose executor vanished (crash, timeout). */
export type Claim = "claimed" | "resumed";

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
  lease_owner: string | null;
  lease_until: string | null;
  attempts: number | string | null;
  record_id: string | null;
  outcome: string | null;
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
    leaseOwner: r.lease_owner ?? null,
    leaseUntil: r.lease_until ?? null,
    attempts: Number(r.attempts ?? 0),
    recordId: r.record_id ?? null,
    outcome: r.outcome ?? null,
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

  /**
   * approved → executing under a lease, in one statement: of concurrent callers exactly one wins. An approval still
   * executing after its lease ran out (its executor crashed) is resumed the same way, also by exactly one caller;
   * the human decided in time, so a resume is allowed past expires_at (the plan is still checked).
   */
  async claim(id: string, owner: string, leaseSeconds: number): Promise<Claim | undefined> {
    const db = await this.db();
    const now = this.now();
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
    const set =
      "SET status = 'executing', lease_owner = ?, lease_until = ?, attempts = COALESCE(attempts, 0) + 1";
    if (
      (await db.run(`UPDATE guard_approvals ${set} WHERE id = ? AND status = 'approved' AND expires_at > ?`, [
        owner,
        until,
        id,
        at,
      ])) === 1
    )
      return "claimed";
    const resumed = await db.run(
      `UPDATE guard_approvals ${set} WHERE id = ? AND status = 'executing' AND lease_until <= ?`,
      [owner, until, id, at],
    );
    return resumed === 1 ? "resumed" : undefined;
  }

  /** executing → executed, only by the lease's holder (a holder that lost its lease to a resume changes nothing). */
  async finish(id: string, owner: string, recordId: string | null, outcome: string): Promise<boolean> {
    const now = this.now().toISOString();
    const changed = await (await this.db()).run(
      `UPDATE guard_approvals SET status = 'executed', used_at = ?, record_id = ?, outcome = ?, lease_until = NULL
       WHERE id = ? AND status = 'executing' AND lease_owner = ?`,
      [now, recordId, outcome.slice(0, 500), id, owner],
    );
    return changed === 1;
  }

  /**
   * Ends a lease without a write: "approved" when nothing was written (the human's decision stays usable), "failed"
   * when it can never run (the plan changed), "uncertain" when the write may have landed (the lease lapses now, so
   * the next retry resumes at once and looks the write up before writing).
   */
  async release(
    id: string,
    owner: string,
    to: "approved" | "failed" | "uncertain",
    reason: string,
  ): Promise<boolean> {
    const now = this.now().toISOString();
    const status = to === "uncertain" ? "executing" : to;
    const changed = await (await this.db()).run(
      `UPDATE guard_approvals SET status = ?, outcome = ?, lease_until = ?
       WHERE id = ? AND status = 'executing' AND lease_owner = ?`,
      [status, reason.slice(0, 500), to === "uncertain" ? now : null, id, owner],
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
