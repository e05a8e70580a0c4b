import { createHash } from "node:crypto";
import type {
  CustomerBookRow,
  CustomerChanges,
  HealthWeightsVersion,
  KeyedOrigin,
  SandboxChange,
} from "@revops/model";
import { journalChanges, sandboxNow } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

export const LIFECYCLES = ["customer", "prospect", "churned"] as const;

/** A bulk change the store refused (unknown CSM or lifecycle): the field is named first. */
export class CustomerWriteError extends RangeError {}

const tagsOf = (v: unknown): string[] => (typeof v === "string" && v ? (JSON.parse(v) as string[]) : []);

/** Region, lifecycle, CSM and tags of the customer-success book; our database holds CSMs and tags. */
export class SandboxCustomerBook {
  constructor(private readonly db: SqlDb) {}

  async rows(accountIds?: readonly string[], db: SqlDb = this.db): Promise<CustomerBookRow[]> {
    const only = accountIds ? `WHERE a.id IN (${accountIds.map(() => "?").join(", ") || "NULL"})` : "";
    const rows = await db.query<Record<string, unknown>>(
      `SELECT a.id, a.name, a.arr, a.size_band, a.industry, a.region, a.lifecycle, c.csm_id, m.name AS csm_name, c.tags FROM sb_accounts a
       LEFT JOIN sb_account_cs c ON c.account_id = a.id LEFT JOIN sb_cs_managers m ON m.id = c.csm_id ${only} ORDER BY a.id`,
      accountIds ?? [],
    );
    return rows.map((r) => ({
      accountId: String(r.id),
      name: String(r.name),
      arr: Number(r.arr),
      sizeBand: String(r.size_band),
      industry: String(r.industry),
      region: String(r.region),
      lifecycle: String(r.lifecycle),
      csmId: r.csm_id ? String(r.csm_id) : null,
      csmName: r.csm_name ? String(r.csm_name) : null,
      tags: tagsOf(r.tags),
    }));
  }

  /** Accounts a bulk change under this idempotency key changed, when it committed (a retry finds it). */
  async landed(idempotencyKey: string): Promise<number | undefined> {
    const r = await this.db.one<{ n: number }>(
      "SELECT COUNT(DISTINCT record_id) AS n FROM sb_changes WHERE idempotency_key = ? AND entity = 'account'",
      [idempotencyKey],
    );
    return Number(r?.n ?? 0) > 0 ? Number(r?.n) : undefined;
  }

  csms(): Promise<{ id: string; name: string }[]> {
    return this.db.query("SELECT id, name FROM sb_cs_managers ORDER BY id");
  }

  /**
   * Applies the changes to every account in one transaction, each changed field journalled; an account already as
   * asked is left alone, so a retry of the same plan changes nothing twice. Returns how many accounts changed.
   */
  async apply(accountIds: readonly string[], ch: CustomerChanges, origin: KeyedOrigin): Promise<number> {
    if (ch.lifecycle && !(LIFECYCLES as readonly string[]).includes(ch.lifecycle))
      throw new CustomerWriteError(`lifecycle: one of ${LIFECYCLES.join(", ")}.`);
    return this.db.transaction(async (tx) => {
      if (ch.csmId && !(await tx.one("SELECT id FROM sb_cs_managers WHERE id = ?", [ch.csmId])))
        throw new CustomerWriteError(`csm: no CSM ${ch.csmId}.`);
      let changed = 0;
      for (const row of await this.rows(accountIds, tx)) {
        const changes: SandboxChange[] = [];
        const tags = [...new Set([...row.tags, ...(ch.addTags ?? [])])]
          .filter((t) => !ch.removeTags?.includes(t))
          .sort();
        const field = (name: string, before: unknown, after: unknown) =>
          changes.push({ entity: "account", recordId: row.accountId, field: name, before, after });
        if (tags.join("\n") !== [...row.tags].sort().join("\n")) field("tags", row.tags, tags);
        if (ch.csmId && ch.csmId !== row.csmId) field("csm_id", row.csmId, ch.csmId);
        if (ch.lifecycle && ch.lifecycle !== row.lifecycle) field("lifecycle", row.lifecycle, ch.lifecycle);
        if (changes.length === 0) continue;
        const csmId = ch.csmId ?? row.csmId;
        await tx.run("DELETE FROM sb_account_cs WHERE account_id = ?", [row.accountId]);
        await tx.run("INSERT INTO sb_account_cs (account_id, csm_id, tags) VALUES (?, ?, ?)", [
          row.accountId,
          csmId,
          JSON.stringify(tags),
        ]);
        if (ch.lifecycle && ch.lifecycle !== row.lifecycle)
          await tx.run("UPDATE sb_accounts SET lifecycle = ? WHERE id = ?", [ch.lifecycle, row.accountId]);
        await journalChanges(tx, changes, origin);
        changed += 1;
      }
      return changed;
    });
  }
}

/** Versions of the health score's weights; none stored = version 1, the defaults the caller passes. */
export class SandboxHealthModel {
  constructor(private readonly db: SqlDb) {}

  async versions(defaults: Record<string, number>): Promise<HealthWeightsVersion[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      "SELECT version, weights, note, principal, created_at FROM sb_health_weights ORDER BY version DESC",
    );
    return [
      ...rows.map((r) => ({
        version: Number(r.version),
        weights: JSON.parse(String(r.weights)) as Record<string, number>,
        note: r.note ? String(r.note) : null,
        principal: String(r.principal),
        createdAt: String(r.created_at),
      })),
      { version: 1, weights: defaults, note: "default weights", principal: null, createdAt: null },
    ];
  }

  /**
   * Stores the weights as the next version, once per idempotency key (a retry finds it). RangeError
   * "conflict: …" when another version became active since `expectedVersion` (the plan's "before").
   */
  async save(
    weights: Record<string, number>,
    note: string | null,
    expectedVersion: number,
    origin: KeyedOrigin,
  ): Promise<{ version: number; recovered: boolean }> {
    // one saver at a time: a concurrent retry must see the first save's key, not race it for the version
    return this.db.transaction(
      async (tx) => {
        const done = await tx.one<{ version: number }>(
          "SELECT version FROM sb_health_weights WHERE idempotency_key = ?",
          [origin.idempotencyKey],
        );
        if (done) return { version: Number(done.version), recovered: true };
        const top = await tx.one<{ v: number | null }>("SELECT MAX(version) AS v FROM sb_health_weights");
        const current = Number(top?.v ?? 1);
        if (current !== expectedVersion)
          throw new RangeError(
            `conflict: the health model is at version ${current}, not ${expectedVersion}; preview again.`,
          );
        const version = current + 1;
        await tx.run(
          "INSERT INTO sb_health_weights (version, weights, note, principal, plan_hash, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          [
            version,
            JSON.stringify(weights),
            note,
            origin.principal,
            origin.planHash ?? null,
            origin.idempotencyKey,
            await sandboxNow(tx),
          ],
        );
        const id = `weights_${createHash("sha256").update(origin.idempotencyKey).digest("hex").slice(0, 12)}`;
        await journalChanges(
          tx,
          [{ entity: "health_model", recordId: id, field: "version", before: current, after: version }],
          origin,
        );
        return { version, recovered: false };
      },
      { lock: "health-weights" },
    );
  }
}
