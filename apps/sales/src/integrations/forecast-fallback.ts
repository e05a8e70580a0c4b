import type { DealRow, SnapshotCell, SnapshotPoint } from "@revops/model";
import { amountBand } from "@revops/sandbox";
import { isOpen } from "../domain/pipeline";

/** Today in UTC (a vendor's data is live). */
const utcToday = () => new Date().toISOString().slice(0, 10);

/**
 * `pipelineSnapshots` for a CRM whose stage history is not read: only points at or after today can be served,
 * from the deals as they are now; past points stay empty (the forecast then has no backtest and says so).
 */
export async function presentSnapshots(
  points: readonly SnapshotPoint[],
  dealsClosingBetween: (from: string, to: string) => Promise<DealRow[]>,
  today = utcToday(),
): Promise<SnapshotCell[]> {
  const out = new Map<string, SnapshotCell>();
  for (const [point, p] of points.entries()) {
    if (p.asOf < today) continue;
    for (const d of await dealsClosingBetween(p.from, p.to)) {
      const open = isOpen(d.stage);
      const late = open && d.closeDate < today ? (d.closeDate >= minus30(today) ? 1 : 2) : 0;
      const cell = {
        point,
        type: d.type,
        band: amountBand(d.amount),
        stage: d.stage,
        category: open ? d.forecastCategory : "",
        slip: late,
      };
      const key = JSON.stringify(cell);
      const c = out.get(key) ?? { ...cell, deals: 0, amount: 0, amountSq: 0, finalWonAmount: 0 };
      c.deals += 1;
      c.amount += d.amount;
      c.amountSq += d.amount * d.amount;
      if (d.stage === "closed_won") c.finalWonAmount += d.amount;
      out.set(key, c);
    }
  }
  return [...out.values()];
}

function minus30(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 30);
  return d.toISOString().slice(0, 10);
}
