import { ToolError } from "@revops/kit";
import { probabilityOf } from "../../domain/lead-scoring";
import type { MarketingPorts, PendingMql } from "../../ports";
import { modelState } from "../scoring/model-state";

/** The MQLs the active lead-scoring version qualifies (probability at or over its threshold), or why none could be scored. */
export type Qualified =
  | { version: number; threshold: number; scored: number; below: PendingMql[]; rows: PendingMql[] }
  | { version: null; reason: string; rows: PendingMql[] };

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export async function qualifyByActiveModel(ports: MarketingPorts, rows: PendingMql[]): Promise<Qualified> {
  let state: Awaited<ReturnType<typeof modelState>>;
  try {
    state = await modelState(ports);
  } catch (err) {
    // a source without enough lead history (no mature conversions yet) still hands MQLs off by lifecycle stage alone
    if (err instanceof ToolError && err.kind === "user") return { version: null, reason: err.message, rows };
    throw err;
  }
  const facts = new Map(state.leads.map((l) => [l.id, l]));
  const m = state.current;
  const qualified: PendingMql[] = [];
  const below: PendingMql[] = [];
  for (const row of rows) {
    const f = facts.get(row.id);
    // a lead the model cannot see is not held back on a score it does not have
    (f && probabilityOf(m, f) < m.threshold ? below : qualified).push(row);
  }
  return { version: state.version, threshold: r3(m.threshold), scored: rows.length, below, rows: qualified };
}

/** The model part of a plan and a result: which version decided, and how many it held back. */
export function modelSummary(q: Qualified) {
  return q.version === null
    ? { version: null, note: q.reason }
    : { version: q.version, threshold: q.threshold, scored: q.scored, below_threshold: q.below.length };
}
