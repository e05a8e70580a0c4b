import type { AmountBand, ConversionCell, DealType, SnapshotCell, SnapshotPoint } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { OPEN_STAGES } from "../generate/deals.js";
import { num, type Where } from "./sql.js";

/** The band of an amount, as `BAND_SQL` computes it. */
export function amountBand(amount: number): AmountBand {
  if (amount < 10_000) return "<10k";
  if (amount < 30_000) return "10-30k";
  if (amount < 100_000) return "30-100k";
  return "100k+";
}

const BAND_SQL = `CASE WHEN d.amount < 10000 THEN '<10k' WHEN d.amount < 30000 THEN '10-30k'
  WHEN d.amount < 100000 THEN '30-100k' ELSE '100k+' END`;

const nextDay = (date: string) => {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};
const minusDays = (date: string, days: number) => {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
};

/** Closed deals closing in [from, to] by close month, type, band, won and stage reached: one aggregate query. */
export async function conversionCells(
  db: SqlDb,
  from: string,
  to: string,
  owner: Where,
): Promise<ConversionCell[]> {
  const pivot = OPEN_STAGES.map((st, i) => `MAX(CASE WHEN to_stage = '${st}' THEN 1 ELSE 0 END) AS s${i}`);
  const reached = OPEN_STAGES.map(
    (st, i) => `CASE WHEN d.stage = '${st}' OR h.s${i} = 1 THEN 1 ELSE 0 END AS s${i}`,
  );
  const sums = OPEN_STAGES.map((_, i) => `SUM(r.s${i}) AS n${i}, SUM(r.s${i} * r.amount) AS a${i}`);
  const where = [...owner.clauses, "d.close_date >= ?", "d.close_date <= ?"];
  where.push("d.stage IN ('closed_won', 'closed_lost')");
  const rows = await db.query<Record<string, unknown>>(
    `SELECT r.month, r.type, r.band, r.won, ${sums.join(", ")}
     FROM (SELECT substr(d.close_date, 1, 7) AS month, d.type, ${BAND_SQL} AS band, d.amount,
             CASE WHEN d.stage = 'closed_won' THEN 1 ELSE 0 END AS won, ${reached.join(", ")}
       FROM sb_deals d JOIN sb_users u ON u.id = d.owner_id
       LEFT JOIN (SELECT deal_id, ${pivot.join(", ")} FROM sb_deal_stage_history GROUP BY deal_id) h
         ON h.deal_id = d.id
       WHERE ${where.join(" AND ")}) r
     GROUP BY r.month, r.type, r.band, r.won`,
    [...owner.params, from, to],
  );
  const cells = new Map<string, ConversionCell>();
  for (const r of rows) {
    OPEN_STAGES.forEach((stage, i) => {
      const n = num(r[`n${i}`]);
      if (n === 0) return;
      const key = `${r.month}|${r.type}|${r.band}|${stage}`;
      const c = cells.get(key) ?? {
        month: String(r.month),
        type: r.type as DealType,
        band: r.band as AmountBand,
        stage,
        deals: 0,
        won: 0,
        amount: 0,
        wonAmount: 0,
      };
      const a = num(r[`a${i}`]);
      c.deals += n;
      c.amount += a;
      if (num(r.won) === 1) {
        c.won += n;
        c.wonAmount += a;
      }
      cells.set(key, c);
    });
  }
  return [...cells.values()];
}

/**
 * The pipeline of each point's window as it stood at the point, rebuilt from the stage history (one aggregate
 * query for all points): see `SnapshotCell`.
 */
export async function snapshotCells(
  db: SqlDb,
  points: readonly SnapshotPoint[],
  owner: Where,
): Promise<SnapshotCell[]> {
  if (points.length === 0) return [];
  const values = points.map(() => "(CAST(? AS INTEGER), ?, ?, ?, ?, ?)").join(", ");
  const params = points.flatMap((p, i) => [i, p.asOf, nextDay(p.asOf), minusDays(p.asOf, 30), p.from, p.to]);
  const open = OPEN_STAGES.map((s) => `'${s}'`).join(", ");
  const where = owner.clauses.length ? `WHERE ${owner.clauses.join(" AND ")}` : "";
  const rows = await db.query<Record<string, unknown>>(
    `WITH pts (p, as_of, cutoff, slip30, q_from, q_to) AS (VALUES ${values})
     SELECT s.p, s.type, s.band, s.stage_at,
       CASE WHEN s.stage_at IN (${open}) THEN s.category ELSE '' END AS category,
       CASE WHEN s.stage_at NOT IN (${open}) OR s.close_date >= s.as_of THEN 0
            WHEN s.close_date >= s.slip30 THEN 1 ELSE 2 END AS slip,
       COUNT(*) AS deals, SUM(s.amount) AS amount, SUM(s.amount * 1.0 * s.amount) AS amount_sq,
       SUM(CASE WHEN s.final = 'closed_won' THEN s.amount ELSE 0 END) AS won_final
     FROM (SELECT pts.p, pts.as_of, pts.slip30, d.type, ${BAND_SQL} AS band, d.amount, d.close_date,
             d.stage AS final, d.forecast_category AS category,
             COALESCE((SELECT h.to_stage FROM sb_deal_stage_history h
                        WHERE h.deal_id = d.id AND h.changed_at < pts.cutoff
                        ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), 'not_created') AS stage_at
       FROM pts JOIN sb_deals d ON d.close_date >= pts.q_from AND d.close_date <= pts.q_to
       JOIN sb_users u ON u.id = d.owner_id
       ${where}) s
     GROUP BY s.p, s.type, s.band, s.stage_at, 5, 6`,
    [...params, ...owner.params],
  );
  return rows.map((r) => ({
    point: num(r.p),
    type: r.type as DealType,
    band: r.band as AmountBand,
    stage: String(r.stage_at),
    category: String(r.category ?? ""),
    slip: num(r.slip),
    deals: num(r.deals),
    amount: num(r.amount),
    amountSq: num(r.amount_sq),
    finalWonAmount: num(r.won_final),
  }));
}
