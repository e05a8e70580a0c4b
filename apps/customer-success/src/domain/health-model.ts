import {
  DEFAULT_HEALTH_WEIGHTS,
  type Health,
  type HealthComponent,
  type HealthWeights,
  healthScore,
  type Signals,
} from "./health";

export const COMPONENT_NAMES = Object.keys(DEFAULT_HEALTH_WEIGHTS) as HealthComponent[];
/** A sum this close to 1 is taken as 1 (rounding in what a person types). */
const SUM_TOLERANCE = 0.001;

/** Validated weights, and the note when they were scaled to sum to 1. */
export interface CheckedWeights {
  weights: HealthWeights;
  normalised: string | null;
}

/**
 * Proposed weights over the current ones: unknown components and negative weights are refused (RangeError naming the
 * field), an omitted component keeps its weight, and a total other than 1 is scaled to 1 and said.
 */
export function checkWeights(proposed: Record<string, number>, current: HealthWeights): CheckedWeights {
  for (const [k, v] of Object.entries(proposed)) {
    if (!(COMPONENT_NAMES as string[]).includes(k))
      throw new RangeError(`weights.${k}: unknown component; use ${COMPONENT_NAMES.join(", ")}.`);
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`weights.${k}: a share ≥ 0, e.g. 0.3.`);
  }
  const merged = { ...current, ...proposed } as HealthWeights;
  const sum = COMPONENT_NAMES.reduce((t, c) => t + merged[c], 0);
  if (sum <= 0) throw new RangeError("weights: at least one component needs a share above 0.");
  if (Math.abs(sum - 1) <= SUM_TOLERANCE) return { weights: merged, normalised: null };
  const r = (v: number) => Math.round(v * 10_000) / 10_000;
  const weights = Object.fromEntries(COMPONENT_NAMES.map((c) => [c, r(merged[c] / sum)])) as HealthWeights;
  return { weights, normalised: `The weights summed to ${r(sum)}; each was divided by it to sum to 1.` };
}

export type Band = Health["risk"];

/** How many accounts move band, by move ("medium→high"), when the weights change; with a few examples. */
export function bandMoves(
  signals: readonly (Signals & { accountId: string; accountName: string })[],
  today: string,
  before: HealthWeights,
  after: HealthWeights,
  sample = 5,
) {
  const moves: Record<string, number> = {};
  const examples: { id: string; name: string; before: string; after: string }[] = [];
  let changed = 0;
  for (const s of signals) {
    const [a, b] = [healthScore(s, today, before), healthScore(s, today, after)];
    if (a.risk === b.risk) continue;
    changed += 1;
    const key = `${a.risk}→${b.risk}`;
    moves[key] = (moves[key] ?? 0) + 1;
    if (examples.length < sample)
      examples.push({
        id: s.accountId,
        name: s.accountName,
        before: `${a.score} ${a.risk}`,
        after: `${b.score} ${b.risk}`,
      });
  }
  return { accounts: signals.length, changed, moves, examples };
}
