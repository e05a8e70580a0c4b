import { randomBytes } from "node:crypto";
import type { SqlDb } from "@revops/store";
import type { GuardConfig } from "./config";
import { formatMoney } from "./plan";

export const CAP_SCOPES = ["per_call", "per_campaign", "per_day", "per_month"] as const;
export type CapScope = (typeof CAP_SCOPES)[number];

export interface CapCheck {
  scope: CapScope;
  cap: number;
  used: number;
  remaining: number;
}

export interface SpendRequest {
  amount: number;
  campaignId: string;
  tool: string;
  principal: string;
  planHash: string;
}

const cents = (amount: number) => Math.round(amount * 100);
const units = (c: number) => c / 100;
// Budgets are counted per UTC day and month, the same on every replica.
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const monthOf = (d: Date) => d.toISOString().slice(0, 7);
const LOCK = "guards:spend";

/** Money caps: limits from config (overridable through caps_update), spend ledger in SQL. */
export class CapStore {
  constructor(
    private readonly db: () => Promise<SqlDb>,
    private readonly config: () => GuardConfig,
    private readonly now: () => Date,
  ) {}

  async caps(db?: SqlDb): Promise<Record<CapScope, number>> {
    const cfg = this.config();
    const caps: Record<CapScope, number> = {
      per_call: cfg.SPEND_CAP_PER_CALL,
      per_campaign: cfg.SPEND_CAP_PER_CAMPAIGN,
      per_day: cfg.SPEND_CAP_PER_DAY,
      per_month: cfg.SPEND_CAP_PER_MONTH,
    };
    const rows = await (db ?? (await this.db())).query<{ scope: CapScope; amount_cents: number }>(
      "SELECT scope, amount_cents FROM guard_caps",
    );
    for (const r of rows) if (r.scope in caps) caps[r.scope] = units(Number(r.amount_cents));
    return caps;
  }

  async setCap(scope: CapScope, amount: number, by: string): Promise<void> {
    await (await this.db()).run(
      `INSERT INTO guard_caps (scope, amount_cents, updated_by, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (scope) DO UPDATE SET amount_cents = excluded.amount_cents,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [scope, cents(amount), by, this.now().toISOString()],
    );
  }

  /** Every cap the amount would break, with what is left under it. */
  async check(amount: number, campaignId: string, db?: SqlDb): Promise<CapCheck[]> {
    const tx = db ?? (await this.db());
    const caps = await this.caps(tx);
    const now = this.now();
    const sum = async (where: string, param: string) =>
      units(
        Number(
          (
            await tx.one<{ total: number }>(
              `SELECT COALESCE(SUM(amount_cents), 0) AS total FROM guard_spend WHERE ${where} = ?`,
              [param],
            )
          )?.total ?? 0,
        ),
      );
    const used: Record<CapScope, number> = {
      per_call: 0,
      per_campaign: await sum("campaign_id", campaignId),
      per_day: await sum("day", dayOf(now)),
      per_month: await sum("month", monthOf(now)),
    };
    return CAP_SCOPES.map((scope) => ({
      scope,
      cap: caps[scope],
      used: used[scope],
      remaining: Math.max(0, caps[scope] - used[scope]),
    })).filter((c) => cents(amount) > cents(c.remaining));
  }

  /** Checks and holds the amount atomically, so two concurrent calls cannot both squeeze under a cap. */
  async reserve(req: SpendRequest): Promise<{ id: string } | { over: CapCheck[] }> {
    const db = await this.db();
    return db.transaction(
      async (tx) => {
        const over = await this.check(req.amount, req.campaignId, tx);
        if (over.length > 0) return { over };
        const id = `spd_${randomBytes(9).toString("base64url")}`;
        const now = this.now();
        await tx.run(
          `INSERT INTO guard_spend (id, campaign_id, amount_cents, tool, principal, plan_hash, status, day, month, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?)`,
          [
            id,
            req.campaignId,
            cents(req.amount),
            req.tool,
            req.principal,
            req.planHash,
            dayOf(now),
            monthOf(now),
            now.toISOString(),
          ],
        );
        return { id };
      },
      { lock: LOCK },
    );
  }

  /** After the tool succeeded the hold becomes spend; after a failure it is released. */
  async settle(id: string, succeeded: boolean): Promise<void> {
    const db = await this.db();
    if (succeeded) await db.run("UPDATE guard_spend SET status = 'spent' WHERE id = ?", [id]);
    else await db.run("DELETE FROM guard_spend WHERE id = ?", [id]);
  }

  /** Spent (not held) totals, for reports. */
  async spent(campaignId?: string): Promise<number> {
    const db = await this.db();
    const row = await db.one<{ total: number }>(
      `SELECT COALESCE(SUM(amount_cents), 0) AS total FROM guard_spend WHERE status = 'spent'${campaignId ? " AND campaign_id = ?" : ""}`,
      campaignId ? [campaignId] : [],
    );
    return units(Number(row?.total ?? 0));
  }
}

const SCOPE_LABEL: Record<CapScope, string> = {
  per_call: "per-call cap",
  per_campaign: "per-campaign cap",
  per_day: "daily cap (UTC day)",
  per_month: "monthly cap (UTC month)",
};

export function describeOver(over: CapCheck[], amount: number, currency: string): string {
  const parts = over.map(
    (c) =>
      `${SCOPE_LABEL[c.scope]} ${formatMoney(c.cap, currency)}: ${formatMoney(c.used, currency)} used, ${formatMoney(c.remaining, currency)} remaining`,
  );
  return `This plan spends ${formatMoney(amount, currency)}, over the ${parts.join("; ")}.`;
}
