import { randomUUID } from "node:crypto";
import type { SandboxChange, WriteOrigin } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { sandboxToday } from "./load.js";

const encode = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

const DAY_MS = 86_400_000;
const NOON_MS = DAY_MS / 2;
let lastTick = 0;

/**
 * The sandbox's own "now": its fixed date at noon UTC, plus the wall clock's time of day squeezed into the hour
 * after noon. Writes stay in order while anything judged by the hour (quiet hours, working hours) reads the same
 * on every run, whenever it runs.
 */
export async function sandboxNow(db: SqlDb): Promise<string> {
  lastTick = Math.max(lastTick + 1, Math.floor((Date.now() % DAY_MS) / 24)); // strictly increasing in a process
  const at = Date.parse(`${await sandboxToday(db)}T00:00:00Z`) + NOON_MS + (lastTick % 3_600_000);
  return new Date(at).toISOString();
}

/** Journals changes inside the caller's transaction, so the write and its record commit together. */
export async function journalChanges(
  tx: SqlDb,
  changes: SandboxChange[],
  origin: WriteOrigin,
): Promise<void> {
  const at = await sandboxNow(tx);
  for (const c of changes) {
    await tx.run(
      "INSERT INTO sb_changes (id, at, principal, entity, record_id, field, before_value, after_value, plan_hash, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [
        randomUUID(),
        at,
        origin.principal,
        c.entity,
        c.recordId,
        c.field,
        encode(c.before),
        encode(c.after),
        origin.planHash ?? null,
        origin.idempotencyKey ?? null,
      ],
    );
  }
}

/** The record a write journalled under this idempotency key changed ("sandbox:<id>"), if it committed. */
export async function landedWrite(
  db: SqlDb,
  idempotencyKey: string,
): Promise<{ recordId: string } | undefined> {
  const row = await db.one<{ record_id: string }>(
    "SELECT record_id FROM sb_changes WHERE idempotency_key = ? ORDER BY at, id LIMIT 1",
    [idempotencyKey],
  );
  return row ? { recordId: `sandbox:${row.record_id}` } : undefined;
}

export interface SandboxStatus {
  seed: number;
  scale: number;
  today: string;
  /** Fields changed since the seed, per entity. */
  changes: { entity: string; records: number; fields: number }[];
  /** The newest changes first. */
  recent: {
    at: string;
    principal: string;
    entity: string;
    recordId: string;
    field: string;
    before: unknown;
    after: unknown;
  }[];
}

/** What tools changed since the seed (`revops sandbox status`). */
export async function sandboxStatus(db: SqlDb, recent = 10): Promise<SandboxStatus> {
  const meta = await db.one<{ seed: number; scale: number; today: string }>(
    "SELECT seed, scale, today FROM sb_meta WHERE id = 'sandbox'",
  );
  if (!meta) throw new Error("Sandbox data is not loaded: run `revops sandbox load` first.");
  const per = await db.query<{ entity: string; records: number; fields: number }>(
    "SELECT entity, COUNT(DISTINCT record_id) AS records, COUNT(*) AS fields FROM sb_changes GROUP BY entity ORDER BY entity",
  );
  const last = await db.query<Record<string, string | null>>(
    "SELECT at, principal, entity, record_id, field, before_value, after_value FROM sb_changes ORDER BY at DESC, id LIMIT ?",
    [recent],
  );
  const decode = (v: string | null) => (v === null ? null : JSON.parse(v));
  return {
    seed: Number(meta.seed),
    scale: Number(meta.scale),
    today: meta.today,
    changes: per.map((p) => ({ entity: p.entity, records: Number(p.records), fields: Number(p.fields) })),
    recent: last.map((r) => ({
      at: String(r.at),
      principal: String(r.principal),
      entity: String(r.entity),
      recordId: String(r.record_id),
      field: String(r.field),
      before: decode(r.before_value ?? null),
      after: decode(r.after_value ?? null),
    })),
  };
}
