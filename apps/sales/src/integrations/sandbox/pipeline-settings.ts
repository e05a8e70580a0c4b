import { randomUUID } from "node:crypto";
import type {
  Icp,
  PipelineSettings,
  QuotaRow,
  SettingsChange,
  SettingsUpdate,
  WriteOrigin,
} from "@revops/model";
import { journalChanges, sqlNumber as num } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

/** Open stages in pipeline order, and their default win probability (percent), as the sandbox's deals carry them. */
export const DEFAULT_STAGE_PROBABILITIES: Readonly<Record<string, number>> = {
  prospecting: 10,
  qualification: 25,
  proposal: 50,
  negotiation: 75,
};

/** Until someone sets one: mid-size companies in the industries the demo company sells best to. */
export const DEFAULT_ICP: Readonly<Icp> = {
  industries: ["Software", "Financial Services", "Retail & E-commerce", "Professional Services"],
  sizeBands: ["51-200", "201-1000"],
  regions: ["NA", "EMEA"],
};

type Row = Record<string, unknown>;

/**
 * Pipeline settings in our own SQL store (sb_quotas, sb_pipeline_settings): the system of record for quotas the CRM
 * does not hold, stage probabilities and the ICP, on the sandbox and beside a vendor CRM alike.
 */
export class SqlPipelineSettings {
  constructor(
    private readonly db: SqlDb,
    private readonly now: () => Promise<string>,
    /** Journal into sb_changes: on the sandbox, where `revops sandbox status` lists what changed. */
    private readonly journal = true,
  ) {}

  async settings(): Promise<PipelineSettings> {
    const rows = await this.db.query<Row>(
      "SELECT name, value, updated_at, principal FROM sb_pipeline_settings ORDER BY updated_at DESC, name",
    );
    const stored = new Map(rows.map((r) => [String(r.name), JSON.parse(String(r.value)) as unknown]));
    const newest = rows[0];
    return {
      probabilities: {
        ...DEFAULT_STAGE_PROBABILITIES,
        ...(stored.get("probabilities") as Record<string, number> | undefined),
      },
      icp: { ...DEFAULT_ICP, ...(stored.get("icp") as Icp | undefined) },
      updatedAt: newest ? String(newest.updated_at) : null,
      updatedBy: newest ? String(newest.principal) : null,
    };
  }

  /** Quotas of one quarter (every quarter when unset), by owner. */
  async quotas(quarter?: string): Promise<QuotaRow[]> {
    const rows = await this.db.query<Row>(
      `SELECT owner_id, quarter, amount, updated_at, principal FROM sb_quotas${quarter ? " WHERE quarter = ?" : ""}
        ORDER BY quarter, owner_id`,
      quarter ? [quarter] : [],
    );
    return rows.map((r) => ({
      ownerId: String(r.owner_id),
      quarter: String(r.quarter),
      amount: num(r.amount),
      updatedAt: String(r.updated_at),
      principal: String(r.principal),
    }));
  }

  /**
   * Applies a confirmed update once per idempotency key (a retry finds the first and changes nothing); `changes` is
   * the plan's before → after, journalled and logged with it. Returns false when the key had already been applied.
   */
  async update(update: SettingsUpdate, changes: SettingsChange[], origin: WriteOrigin): Promise<boolean> {
    const key = origin.idempotencyKey ?? randomUUID();
    return this.db.transaction(async (tx) => {
      const at = await this.now();
      const logged = await tx.run(
        `INSERT INTO sb_settings_updates (idempotency_key, at, principal, plan_hash, changes) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [key, at, origin.principal, origin.planHash ?? null, JSON.stringify(changes)],
      );
      if (logged === 0) return false;
      const put = (name: string, value: unknown) =>
        tx.run(
          `INSERT INTO sb_pipeline_settings (name, value, updated_at, principal) VALUES (?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
             principal = excluded.principal`,
          [name, JSON.stringify(value), at, origin.principal],
        );
      if (update.probabilities) await put("probabilities", update.probabilities);
      if (update.icp) await put("icp", update.icp);
      for (const q of update.quotas ?? [])
        await tx.run(
          `INSERT INTO sb_quotas (owner_id, quarter, amount, updated_at, principal) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (owner_id, quarter) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at,
             principal = excluded.principal`,
          [q.ownerId, q.quarter, q.amount, at, origin.principal],
        );
      if (this.journal)
        await journalChanges(
          tx,
          changes.map((c) => ({ entity: "pipeline_settings", recordId: "pipeline", ...c })),
          { ...origin, idempotencyKey: key },
        );
      return true;
    });
  }
}
