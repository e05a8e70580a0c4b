import { randomUUID } from "node:crypto";
import type { SandboxChange, SavedLeadScoringModel, WriteOrigin } from "@revops/model";
import { journalChanges } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

/**
 * Versions of the marketing lead-scoring model in our own store (sb_lead_scoring_models): the newest is active;
 * none stored = the model fitted from the data. Each confirmed update is saved once per idempotency key.
 */
export class SqlLeadScoringModels {
  constructor(
    private readonly db: SqlDb,
    private readonly now: () => Promise<string>,
    /** Journal into sb_changes: on the sandbox, where `revops sandbox status` lists what changed. */
    private readonly journal = true,
  ) {}

  /** The active (newest) version, undefined when none was saved. */
  async active(): Promise<SavedLeadScoringModel | undefined> {
    const r = await this.db.one<Record<string, unknown>>(
      "SELECT version, model, principal, created_at FROM sb_lead_scoring_models ORDER BY version DESC LIMIT 1",
    );
    return r
      ? {
          version: Number(r.version),
          model: JSON.parse(String(r.model)) as Record<string, unknown>,
          principal: String(r.principal),
          createdAt: String(r.created_at),
        }
      : undefined;
  }

  /**
   * Saves the model as the next version once per idempotency key (a retry finds the first). RangeError
   * "conflict: …" when another version became active since `expectedVersion` (the plan's "before"; 0 = none).
   */
  async save(
    model: Record<string, unknown>,
    changes: Omit<SandboxChange, "entity" | "recordId">[],
    expectedVersion: number,
    origin: WriteOrigin,
  ): Promise<{ version: number; recovered: boolean }> {
    const key = origin.idempotencyKey ?? randomUUID();
    // one saver at a time: a concurrent retry must see the first save's key, not race it for the version
    return this.db.transaction(
      async (tx) => {
        const done = await tx.one<{ version: number }>(
          "SELECT version FROM sb_lead_scoring_models WHERE idempotency_key = ?",
          [key],
        );
        if (done) return { version: Number(done.version), recovered: true };
        const top = await tx.one<{ v: number | null }>(
          "SELECT MAX(version) AS v FROM sb_lead_scoring_models",
        );
        const current = Number(top?.v ?? 0);
        if (current !== expectedVersion)
          throw new RangeError(
            `conflict: the lead scoring model is at version ${current}, not ${expectedVersion}; preview again.`,
          );
        const version = current + 1;
        await tx.run(
          "INSERT INTO sb_lead_scoring_models (version, model, principal, plan_hash, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          [version, JSON.stringify(model), origin.principal, origin.planHash ?? null, key, await this.now()],
        );
        if (this.journal)
          await journalChanges(
            tx,
            changes.map((c) => ({ entity: "lead_scoring_model", recordId: `v${version}`, ...c })),
            { ...origin, idempotencyKey: key },
          );
        return { version, recovered: false };
      },
      { lock: "lead-scoring-models" },
    );
  }
}
