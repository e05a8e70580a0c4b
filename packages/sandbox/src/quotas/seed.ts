import type { SqlDb } from "@revops/store";
import { Rng } from "../random.js";

/** Quarters with seeded quotas: this many before today's quarter, today's, and the next one. */
export const QUOTA_PAST_QUARTERS = 7;
/** A quota is the rep's mean quarterly bookings × a factor drawn per rep and quarter from this range. */
export const QUOTA_FACTOR: readonly [number, number] = [0.9, 1.3];
/** Quotas are whole multiples of this, and at least one of it. */
export const QUOTA_STEP = 5_000;

const quarterIndex = (iso: string) =>
  Number(iso.slice(0, 4)) * 4 + Math.floor((Number(iso.slice(5, 7)) - 1) / 3);
const quarterLabel = (i: number) => `${Math.floor(i / 4)}-Q${(i % 4) + 1}`;
const quarterStart = (i: number) => `${Math.floor(i / 4)}-${String((i % 4) * 3 + 1).padStart(2, "0")}-01`;

/**
 * Quotas per deal owner and quarter, inside the load's transaction: each owner's mean quarterly closed-won new
 * business plus expansion over the complete quarters before today's (renewals do not count toward quota), times a
 * factor in QUOTA_FACTOR drawn per owner and quarter, rounded to QUOTA_STEP.
 */
export async function seedQuotas(tx: SqlDb, seed: number, today: string): Promise<number> {
  const current = quarterIndex(today);
  const first = current - QUOTA_PAST_QUARTERS;
  const base = await tx.query<{ owner_id: string; amount: number | string | null }>(
    `SELECT u.id AS owner_id,
            (SELECT SUM(d.amount) FROM sb_deals d WHERE d.owner_id = u.id AND d.stage = 'closed_won'
               AND d.type IN ('new_business', 'expansion') AND d.close_date >= ? AND d.close_date < ?) AS amount
       FROM sb_users u WHERE EXISTS (SELECT 1 FROM sb_deals d WHERE d.owner_id = u.id) ORDER BY u.id`,
    [quarterStart(first), quarterStart(current)],
  );
  const rows: unknown[][] = [];
  for (const b of base) {
    const mean = Number(b.amount ?? 0) / QUOTA_PAST_QUARTERS;
    for (let q = first; q <= current + 1; q++) {
      const label = quarterLabel(q);
      const f =
        QUOTA_FACTOR[0] +
        (QUOTA_FACTOR[1] - QUOTA_FACTOR[0]) * new Rng(seed, `quota:${b.owner_id}:${label}`).next();
      const amount = Math.max(QUOTA_STEP, Math.round((mean * f) / QUOTA_STEP) * QUOTA_STEP);
      rows.push([b.owner_id, label, amount, `${quarterStart(q)}T00:00:00Z`, "seed"]);
    }
  }
  await tx.insertMany("sb_quotas", ["owner_id", "quarter", "amount", "updated_at", "principal"], rows);
  return rows.length;
}
