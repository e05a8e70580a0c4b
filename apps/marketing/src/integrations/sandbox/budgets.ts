import { randomUUID } from "node:crypto";
import type { BudgetAllocation, NewAllocation, WriteOrigin } from "@revops/model";
import { journalChanges, sqlNumber as num } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

type Row = Record<string, unknown>;

const toAllocation = (r: Row): BudgetAllocation => ({
  id: String(r.id),
  campaignId: String(r.campaign_id),
  channel: String(r.channel),
  amount: num(r.amount),
  currency: String(r.currency),
  periodStart: String(r.period_start),
  periodEnd: String(r.period_end),
  note: r.note === null || r.note === undefined ? null : String(r.note),
  principal: String(r.principal),
  createdAt: String(r.created_at),
});

const SELECT =
  "SELECT id, campaign_id, channel, amount, currency, period_start, period_end, note, principal, created_at FROM sb_budget_allocations";

/** Planned spend in our own SQL store (sb_budget_allocations), journalled like every sandbox write. */
export class SqlBudgetLedger {
  constructor(
    private readonly db: SqlDb,
    private readonly now: () => Promise<string>,
    /** Journal into sb_changes: on the sandbox, where `revops sandbox status` lists what changed. */
    private readonly journal = true,
  ) {}

  /** Allocations of the given campaigns (all when unset), oldest first. */
  async allocations(campaignIds?: string[]): Promise<BudgetAllocation[]> {
    if (campaignIds?.length === 0) return [];
    const where = campaignIds ? ` WHERE campaign_id IN (${campaignIds.map(() => "?").join(", ")})` : "";
    const rows = await this.db.query<Row>(`${SELECT}${where} ORDER BY created_at, id`, campaignIds ?? []);
    return rows.map(toAllocation);
  }

  /** Records one allocation; the same idempotency key again returns the first one and adds nothing. */
  allocate(
    a: NewAllocation,
    origin: WriteOrigin,
  ): Promise<{ allocation: BudgetAllocation; created: boolean }> {
    const key = origin.idempotencyKey ?? randomUUID();
    return this.db.transaction(async (tx) => {
      const id = `alc_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
      const createdAt = await this.now();
      const n = await tx.run(
        `INSERT INTO sb_budget_allocations (id, campaign_id, channel, amount, currency, period_start, period_end, note,
           principal, plan_hash, idempotency_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          id,
          a.campaignId,
          a.channel,
          a.amount,
          a.currency,
          a.periodStart,
          a.periodEnd,
          a.note ?? null,
          origin.principal,
          origin.planHash ?? null,
          key,
          createdAt,
        ],
      );
      const row = await tx.one<Row>(`${SELECT} WHERE idempotency_key = ?`, [key]);
      if (!row) throw new Error("The allocation was not stored.");
      const allocation = toAllocation(row);
      if (n > 0 && this.journal)
        await journalChanges(
          tx,
          [
            {
              entity: "budget_allocation",
              recordId: allocation.id,
              field: "amount",
              before: null,
              after: a.amount,
            },
          ],
          origin,
        );
      return { allocation, created: n > 0 };
    });
  }
}
