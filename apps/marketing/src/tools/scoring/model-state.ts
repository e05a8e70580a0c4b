import { userError } from "@revops/kit";
import { OUTCOME_DAYS } from "@revops/sandbox/lead-model";
import {
  applyUpdate,
  evaluateModel,
  FEATURE_MEANING,
  probabilityOf,
  proposeModel,
  ScoringInputError,
  type ScoringModel,
  WEIGHT_KEYS,
} from "../../domain/lead-scoring";
import type { MarketingPorts } from "../../ports";

const CLOSED = new Set(["converted", "disqualified"]);

/** The active model (the newest saved version, else today's fit as version 0), the refit, and the leads. */
export async function modelState(ports: MarketingPorts) {
  const [today, leads, saved] = await Promise.all([
    ports.today(),
    ports.leadScoring.leads(),
    ports.leadScoring.models.active(),
  ]);
  const proposal = proposeModel(leads, today);
  const current = saved ? (saved.model as unknown as ScoringModel) : proposal;
  if (!current)
    throw userError(
      `No lead scoring model: it needs leads older than ${OUTCOME_DAYS} days, some converted and some not.`,
      {
        fields: ["connection"],
        hint: "Use a source with lead history: the sandbox, or HubSpot contacts at stage lead or later, some reaching opportunity or customer.",
      },
    );
  return { today, leads, saved, current, version: saved?.version ?? 0, proposal };
}
export type ModelState = Awaited<ReturnType<typeof modelState>>;

/** What an update saves: the given weights/threshold over the active model, or the refit when none is given. */
export function updatedModel(s: ModelState, set?: Record<string, unknown>) {
  try {
    if (set && Object.keys(set).length > 0) return applyUpdate(s.current, set);
  } catch (err) {
    if (!(err instanceof ScoringInputError)) throw err;
    throw userError(err.message, { fields: [err.field], hint: err.hint, cause: err });
  }
  if (!s.proposal)
    throw userError("There is no refit to save: the training leads lack converted or unconverted ones.", {
      fields: ["set"],
      hint: 'Pass the weights and threshold in set, e.g. {"crm_score":0.9,"threshold":0.2}.',
    });
  return s.proposal;
}

/** A model as the tool shows it: intercept, threshold, training window, features with weight and meaning. */
export function modelView(m: ScoringModel, version: number, s: ModelState) {
  const open = s.leads.filter((l) => !CLOSED.has(l.status));
  return {
    version,
    origin: version === 0 ? "default: fitted today, not saved" : m.origin,
    intercept: m.weights.intercept ?? 0,
    threshold: m.threshold,
    training: { from: m.trainFrom, to: m.trainTo.slice(0, 10), leads: m.trainLeads },
    features: WEIGHT_KEYS.slice(1).map((f) => ({
      feature: f,
      weight: m.weights[f] ?? 0,
      meaning: FEATURE_MEANING[f] ?? f,
    })),
    held_out: evaluateModel(m, s.leads, s.today),
    open_leads: {
      total: open.length,
      at_or_over_threshold: open.filter((l) => probabilityOf(m, l) >= m.threshold).length,
    },
  };
}
