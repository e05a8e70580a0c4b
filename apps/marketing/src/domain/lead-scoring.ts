import type { LeadFacts } from "@revops/model";
import {
  BASE_FEATURES,
  evaluateLeadModel,
  type FittedLeadModel,
  fitLeadModel,
  type LeadFeatureSet,
  leadProbability,
  splitLeads,
} from "@revops/sandbox/lead-model";

/**
 * The marketing lead-scoring model: the sales lead model's recipe (`@revops/sandbox/lead-model`) plus the company's
 * size, fitted on the older mature leads only, so its published held-out figures are its own; versioned with an MQL threshold. Pure.
 */
export const SCORING_MODEL = "lead-scoring-v2";
/** Largest |weight| an update accepts: log-odds per standard deviation (the fit's are within ±2). */
export const WEIGHT_LIMIT = 5;
/** Largest |intercept| an update accepts (sigmoid(±10) is 0.00005 / 0.99995). */
export const INTERCEPT_LIMIT = 10;
export const CALIBRATION_BINS = 5;

/** The recipe's features plus the company's size (firmographics: the sandbox's leads carry none, so it weighs 0 there). */
export const SCORING_FEATURES: LeadFeatureSet = {
  names: [...BASE_FEATURES.names, "company_size"],
  values: (l) => [...BASE_FEATURES.values(l), l.employees == null ? null : Math.log10(1 + l.employees)],
};

export const FEATURE_MEANING: Record<string, string> = {
  seniority: "title seniority, 0 individual contributor … 4 C-level",
  buyer_function: "title in revenue, sales, marketing, finance or data",
  crm_score: "the CRM's own lead score, 0–100",
  touches: "campaign touches, log(1 + n)",
  clicks: "campaign clicks, log(1 + n)",
  registrations: "event/webinar registrations or attendances, log(1 + n)",
  source_referral_partner: "came by referral or partner (vs paid)",
  source_organic: "came organically (vs paid)",
  source_outbound: "came from outbound (vs paid)",
  source_event_webinar: "came from an event or webinar (vs paid)",
  company_size: "employees of the lead's company, log10(1 + n); unknown = average",
};
export const WEIGHT_KEYS = ["intercept", ...SCORING_FEATURES.names] as const;

/** A model as saved: weights on standardised features, the standardiser they apply to, the threshold. */
export interface ScoringModel {
  weights: Record<string, number>;
  standardizer: { mean: number[]; sd: number[] };
  threshold: number;
  /** Creation date of the first and instant of the last lead it was fitted on, and how many (given weights keep the base model's). */
  trainFrom: string;
  trainTo: string;
  trainLeads: number;
  origin: "fit" | "given";
}

export class ScoringInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const r2 = (v: number) => Math.round(v * 100) / 100;
const r3 = (v: number) => Math.round(v * 1000) / 1000;
const fitted = (m: ScoringModel): FittedLeadModel => ({
  beta: WEIGHT_KEYS.map((k) => m.weights[k] ?? 0),
  standardizer: m.standardizer,
});

/** The threshold with the largest TPR − FPR (Youden's J) on the training leads, to two decimals. */
function youden(probs: number[], labels: number[]): number {
  const pos = labels.filter((y) => y === 1).length;
  const neg = labels.length - pos;
  let best = { j: -1, t: 0.5 };
  for (const t of new Set(probs.map(r2))) {
    let tp = 0;
    let fp = 0;
    probs.forEach((p, i) => {
      if (p < t) return;
      if (labels[i] === 1) tp++;
      else fp++;
    });
    const j = tp / pos - fp / neg;
    if (j > best.j || (j === best.j && t > best.t)) best = { j, t };
  }
  return best.t;
}

/** A refit from the leads: trained on the older mature leads, threshold by Youden's J on them; null when it cannot. */
export function proposeModel(leads: readonly LeadFacts[], today: string): ScoringModel | null {
  const { train } = splitLeads(leads, today);
  if (!train.some((l) => l.converted) || !train.some((l) => !l.converted)) return null;
  const f = fitLeadModel(train, SCORING_FEATURES);
  const probs = train.map((l) => leadProbability(f, l, SCORING_FEATURES));
  return {
    weights: Object.fromEntries(WEIGHT_KEYS.map((k, j) => [k, r3(f.beta[j] ?? 0)])),
    standardizer: f.standardizer,
    threshold: youden(
      probs,
      train.map((l) => (l.converted ? 1 : 0)),
    ),
    trainFrom: train[0]?.createdAt.slice(0, 10) ?? "",
    trainTo: train[train.length - 1]?.createdAt ?? "",
    trainLeads: train.length,
    origin: "fit",
  };
}

/** Held-out figures of a model on the newest mature leads: AUC, Brier, calibration bins, the threshold's yield. */
export function evaluateModel(m: ScoringModel, leads: readonly LeadFacts[], today: string) {
  const { train, test } = splitLeads(leads, today);
  const ev = evaluateLeadModel(fitted(m), train, test, SCORING_FEATURES);
  if (!ev) return null;
  const preds = [...ev.predictions].sort((a, b) => a.probability - b.probability);
  const calibration = Array.from({ length: CALIBRATION_BINS }, (_, b) => {
    const bin = preds.slice(
      Math.floor((b * preds.length) / CALIBRATION_BINS),
      Math.floor(((b + 1) * preds.length) / CALIBRATION_BINS),
    );
    const converted = bin.filter((p) => p.converted).length;
    return {
      bin: b + 1,
      leads: bin.length,
      predicted: r3(bin.reduce((s, p) => s + p.probability, 0) / bin.length),
      observed: r3(converted / bin.length),
      converted,
    };
  });
  const flagged = ev.predictions.filter((p) => p.probability >= m.threshold);
  const hits = flagged.filter((p) => p.converted).length;
  return {
    from: ev.testFrom,
    to: ev.testTo,
    leads: ev.nTest,
    converted: ev.convertedTest,
    auc: ev.auc,
    brier: ev.brier,
    brier_base_rate: ev.brierBaseline,
    calibration,
    at_threshold: {
      flagged: flagged.length,
      converted: hits,
      precision: flagged.length ? r3(hits / flagged.length) : null,
      recall: ev.convertedTest ? r3(hits / ev.convertedTest) : null,
    },
    /** Held-out leads created within the model's own training window (in-sample for it). */
    in_training: test.filter((l) => l.createdAt <= m.trainTo).length,
  };
}

/** Probability of a lead under a model. */
export const probabilityOf = (m: ScoringModel, l: LeadFacts) =>
  leadProbability(fitted(m), l, SCORING_FEATURES);

/**
 * The model an update saves: `base` with the given weights and threshold (`set`) over it; a ScoringInputError names
 * the field when a key is unknown, a weight is not a finite number in range, or the threshold is outside 0–1.
 */
export function applyUpdate(base: ScoringModel, set: Record<string, unknown>): ScoringModel {
  const weights = { ...base.weights };
  let threshold = base.threshold;
  for (const [k, v] of Object.entries(set)) {
    const field = `set.${k}`;
    if (k === "threshold") {
      if (typeof v !== "number" || !(v >= 0 && v <= 1))
        throw new ScoringInputError(
          `${field}: ${JSON.stringify(v)} is outside 0–1.`,
          field,
          "A conversion probability from 0 to 1, e.g. 0.2.",
        );
      threshold = v;
      continue;
    }
    if (!(WEIGHT_KEYS as readonly string[]).includes(k))
      throw new ScoringInputError(
        `${field}: not a weight of the model.`,
        field,
        `Keys: ${WEIGHT_KEYS.join(", ")}, threshold.`,
      );
    const limit = k === "intercept" ? INTERCEPT_LIMIT : WEIGHT_LIMIT;
    if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > limit)
      throw new ScoringInputError(
        `${field}: ${JSON.stringify(v)} is out of range.`,
        field,
        `A number from -${limit} to ${limit} (log-odds${k === "intercept" ? "" : " per standard deviation"}).`,
      );
    weights[k] = v;
  }
  const given = Object.keys(set).some((k) => k !== "threshold");
  return { ...base, weights, threshold, origin: given ? "given" : base.origin };
}

/** Before → after of every weight and the threshold that differ. */
export function modelChanges(before: ScoringModel, after: ScoringModel) {
  return [
    ...WEIGHT_KEYS.map((k) => ({ field: k, before: before.weights[k] ?? 0, after: after.weights[k] ?? 0 })),
    { field: "threshold", before: before.threshold, after: after.threshold },
  ].filter((c) => c.before !== c.after);
}
