import type { FunnelCell, FunnelLeadDates, FunnelStage, LeadFunnel } from "@revops/model";
import { everyOf, sqlNumber as num, SqlWhere as Where } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

/** Funnel stages after lead creation, in order. */
export const FUNNEL_STAGES = everyOf<FunnelStage>()(["mql", "sql", "opportunity", "won"]);

export const SANDBOX_FUNNEL_NOTE =
  "Sandbox leads keep only their current status: MQL and SQL include leads that went further, disqualified ones count as never qualified, and no MQL or SQL dates exist.";

const MONTH = "substr(l.created_at, 1, 7)";

/** The lead funnel from sb_leads and the deals they converted into, for leads created in [from, to]. */
export async function sandboxLeadFunnel(
  db: SqlDb,
  q: { from?: string; to?: string } = {},
): Promise<LeadFunnel> {
  const w = new Where().range("l.created_at", q.from, q.to);
  // stage counts from the leads alone; deals only for the ~15% that converted (no join over every lead)
  const counted = await db.query<Record<string, unknown>>(
    `SELECT ${MONTH} AS month, l.source, COUNT(*) AS leads,
       SUM(CASE WHEN l.status IN ('mql', 'sql', 'converted') THEN 1 ELSE 0 END) AS mqls,
       SUM(CASE WHEN l.status IN ('sql', 'converted') THEN 1 ELSE 0 END) AS sqls
     FROM sb_leads l ${w.sql()} GROUP BY ${MONTH}, l.source ORDER BY ${MONTH}, l.source`,
    w.params,
  );
  const dw = new Where().range("l.created_at", q.from, q.to).add("l.converted_deal_id IS NOT NULL");
  const deals = await db.query<Record<string, unknown>>(
    `SELECT ${MONTH} AS month, l.source, l.created_at, d.created_date, d.stage, d.close_date, d.amount
     FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id
     ${dw.sql()} ORDER BY l.id`,
    dw.params,
  );
  const cells = new Map<string, FunnelCell>();
  for (const r of counted) {
    const cell = {
      month: String(r.month),
      source: String(r.source),
      leads: num(r.leads),
      mqls: num(r.mqls),
      sqls: num(r.sqls),
      opportunities: 0,
      won: 0,
      wonRevenue: 0,
    };
    cells.set(`${cell.month}|${cell.source}`, cell);
  }
  const dated: FunnelLeadDates[] = [];
  for (const r of deals) {
    const month = String(r.month);
    const source = String(r.source);
    const won = r.stage === "closed_won";
    const cell = cells.get(`${month}|${source}`);
    if (cell) {
      cell.opportunities++;
      if (won) {
        cell.won++;
        cell.wonRevenue += num(r.amount); // each lead converts into a deal of its own
      }
    }
    dated.push({
      month,
      source,
      createdAt: String(r.created_at),
      mqlAt: null,
      sqlAt: null,
      opportunityAt: String(r.created_date),
      wonAt: won ? String(r.close_date) : null,
    });
  }
  return {
    // sorted here, not by the engine's collation, so SQLite and PostgreSQL agree
    cells: [...cells.values()].sort((a, b) =>
      a.month !== b.month
        ? a.month < b.month
          ? -1
          : 1
        : a.source < b.source
          ? -1
          : a.source > b.source
            ? 1
            : 0,
    ),
    dated,
    datedStages: ["opportunity", "won"],
    notes: [SANDBOX_FUNNEL_NOTE],
  };
}
