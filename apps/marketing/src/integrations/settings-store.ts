import { randomUUID } from "node:crypto";
import type { WriteOrigin } from "@revops/model";
import { journalChanges } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import type { BrandGuide } from "../domain/brand-guide";
import { applySettings, type SettingChange, type SettingValue } from "../domain/marketing-settings";

/**
 * The marketing settings in our own store (sb_marketing_settings) over the deployment's brand guide file. An update
 * writes every value and its log row in one transaction, once per idempotency key.
 */
export class SqlMarketingSettings {
  constructor(
    private readonly db: SqlDb,
    private readonly file: BrandGuide,
    private readonly now: () => Promise<string>,
    /** Journal into sb_changes: on the sandbox, where `revops sandbox status` lists what changed. */
    private readonly journal = true,
  ) {}

  /** The stored values by name (validated again when applied). */
  async stored(): Promise<Record<string, unknown>> {
    const rows = await this.db.query<{ name: string; value: string }>(
      "SELECT name, value FROM sb_marketing_settings ORDER BY name",
    );
    return Object.fromEntries(rows.map((r) => [r.name, JSON.parse(r.value)]));
  }

  /** The brand guide in force: the file's (or the default) with the stored settings over it. */
  async guide(): Promise<BrandGuide> {
    return applySettings(this.file, await this.stored());
  }

  /** Writes the values atomically; the same key again writes nothing (recovered). */
  async update(
    values: Record<string, SettingValue>,
    changes: SettingChange[],
    origin: WriteOrigin,
  ): Promise<{ recovered: boolean }> {
    const key = origin.idempotencyKey ?? randomUUID();
    return this.db.transaction(
      async (tx) => {
        if (await tx.one("SELECT 1 AS x FROM sb_marketing_settings_updates WHERE idempotency_key = ?", [key]))
          return { recovered: true };
        const at = await this.now();
        for (const [name, value] of Object.entries(values))
          await tx.run(
            "INSERT INTO sb_marketing_settings (name, value, principal, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, principal = excluded.principal, updated_at = excluded.updated_at",
            [name, JSON.stringify(value), origin.principal, at],
          );
        await tx.run(
          "INSERT INTO sb_marketing_settings_updates (idempotency_key, at, principal, plan_hash, changes) VALUES (?, ?, ?, ?, ?)",
          [key, at, origin.principal, origin.planHash ?? null, JSON.stringify(changes)],
        );
        if (this.journal)
          await journalChanges(
            tx,
            changes.map((c) => ({ entity: "marketing_setting", recordId: c.field, ...c })),
            { ...origin, idempotencyKey: key },
          );
        return { recovered: false };
      },
      { lock: "revops:marketing-settings" },
    );
  }
}
