import type { DealType, RiskDeal, RiskInputs, RiskQuery, Stage, StageTiming } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { OPEN_STAGES } from "../generate/deals.js";

import { num, Where } from "./sql.js";

const DAY_MS = 86_400_000;

/** Whole days from a's date to b's date (timestamps count by their UTC date). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b.slice(0, 10)) - Date.parse(a.slice(0, 10))) / DAY_MS);
}

/** The median of the numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The median of values given as (value, count) pairs (mean of the middle two for an even total). */
export function medianOfCounts(pairs: readonly { value: number; count: number }[]): number {
  const sorted = [...pairs].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((t, p) => t + p.count, 0);
  const at = (k: number) => {
    let seen = 0;
    for (const p of sorted) {
      seen += p.count;
      if (k < seen) return p.value;
    }
    return Number.NaN;
  };
  return total % 2 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

/**
 * Per open stage, the median days closed deals stayed in it: each stage-history row of a won or lost deal into an
 * open stage, up to that deal's next row (days between their dates). SQL counts the days per stage; the median is
 * taken from those counts, so only a few hundred rows leave the database at any scale.
 */
export async function stageTimings(db: SqlDb): Promise<StageTiming[]> {
  // the history only grows (a stage change appends a row): its size and newest row say whether it changed
  const mark = await db.one<{ n: number; last: string | null }>(
    "SELECT COUNT(*) AS n, MAX(changed_at) AS last FROM sb_deal_stage_history",
  );
  const key = `${num(mark?.n)}|${mark?.last ?? ""}`;
  const hit = TIMINGS.get(db);
  if (hit?.key === key) return hit.timings;
  const timings = await measureStageTimings(db);
  TIMINGS.set(db, { key, timings });
  return timings;
}

/** Typical stage times per database, kept while its stage history is unchanged (the whole-history pass is the cost). */
const TIMINGS = new WeakMap<SqlDb, { key: string; timings: StageTiming[] }>();

async function measureStageTimings(db: SqlDb): Promise<StageTiming[]> {
  const days =
    db.dialect === "postgres"
      ? "(substr(next_at, 1, 10)::date - substr(changed_at, 1, 10)::date)"
      : "CAST(ROUND(julianday(substr(next_at, 1, 10)) - julianday(substr(changed_at, 1, 10))) AS INTEGER)";
  const open = OPEN_STAGES.map((st) => `'${st}'`).join(", ");
  const rows = await db.query<{ to_stage: string; days: number; n: number }>(
    `SELECT to_stage, ${days} AS days, COUNT(*) AS n FROM (
       SELECT h.to_stage, h.changed_at,
         LEAD(h.changed_at) OVER (PARTITION BY h.deal_id ORDER BY h.changed_at, h.id) AS next_at
       FROM sb_deal_stage_history h
       WHERE h.deal_id IN (SELECT id FROM sb_deals WHERE stage IN ('closed_won', 'closed_lost'))) x
     WHERE next_at IS NOT NULL AND to_stage IN (${open})
     GROUP BY to_stage, ${days}`,
  );
  return OPEN_STAGES.flatMap((stage) => {
    const pairs = rows
      .filter((r) => r.to_stage === stage)
      .map((r) => ({ value: num(r.days), count: num(r.n) }));
    if (pairs.length === 0) return [];
    return [{ stage, medianDays: medianOfCounts(pairs), samples: pairs.reduce((t, p) => t + p.count, 0) }];
  });
}

/**
 * Open deals with their risk inputs, read with SQL: stage entered (latest history row into the current stage, else
 * created), newest activity, distinct contacts on its activities, and the close-date pushes and amount cuts the
 * change journal (`sb_changes`) holds.
 */
export async function sandboxRiskInputs(db: SqlDb, q: RiskQuery = {}): Promise<RiskInputs> {
  const w = new Where().add("d.stage NOT IN ('closed_won', 'closed_lost')").opt("d.type", "=", q.type);
  if (q.owner?.trim()) {
    const o = q.owner.trim().toLowerCase();
    w.add("(lower(u.id) = ? OR lower(u.name) = ? OR lower(u.email) = ?)", o, o, o);
  }
  const [rows, typical, journal] = await Promise.all([
    db.query<Record<string, unknown>>(
      `SELECT d.id, d.name, d.account_id, a.name AS account_name, d.owner_id, u.name AS owner_name, d.stage, d.type,
         d.amount, d.close_date, d.last_activity_at,
         COALESCE((SELECT MAX(h.changed_at) FROM sb_deal_stage_history h
           WHERE h.deal_id = d.id AND h.to_stage = d.stage), d.created_date) AS stage_entered_at,
         (SELECT COUNT(DISTINCT act.contact_id) FROM sb_activities act WHERE act.deal_id = d.id) AS contacts
       FROM sb_deals d JOIN sb_accounts a ON a.id = d.account_id JOIN sb_users u ON u.id = d.owner_id
       ${w.sql()} ORDER BY d.id`,
      w.params,
    ),
    stageTimings(db),
    db.query<{ record_id: string; field: string; before_value: string | null; after_value: string | null }>(
      `SELECT record_id, field, before_value, after_value FROM sb_changes
       WHERE entity = 'deal' AND field IN ('close_date', 'amount') ORDER BY at, id`,
    ),
  ]);
  const pushes = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const c of journal) {
    const before = c.before_value === null ? null : JSON.parse(c.before_value);
    const after = c.after_value === null ? null : JSON.parse(c.after_value);
    if (c.field === "close_date" && before !== null && after !== null && String(after) > String(before)) {
      pushes.set(c.record_id, (pushes.get(c.record_id) ?? 0) + 1);
    }
    if (c.field === "amount") {
      for (const v of [before, after]) {
        if (typeof v === "number") peak.set(c.record_id, Math.max(peak.get(c.record_id) ?? 0, v));
      }
    }
  }
  const deals = rows.map((r): RiskDeal => {
    const id = String(r.id);
    const amount = num(r.amount);
    return {
      id,
      name: String(r.name),
      accountId: String(r.account_id),
      accountName: String(r.account_name),
      ownerId: String(r.owner_id),
      ownerName: String(r.owner_name),
      stage: r.stage as Stage,
      type: r.type as DealType,
      amount,
      closeDate: String(r.close_date),
      stageEnteredAt: r.stage_entered_at == null ? null : String(r.stage_entered_at),
      lastActivityAt: r.last_activity_at == null ? null : String(r.last_activity_at),
      contactsEngaged: num(r.contacts),
      closeDatePushes: pushes.get(id) ?? 0,
      amountCut: Math.max(0, (peak.get(id) ?? amount) - amount),
    };
  });
  return {
    deals,
    typical,
    caveats: [
      "Close-date pushes and amount cuts come from changes made through this suite (sb_changes); the sandbox keeps no older field history.",
    ],
  };
}
