import {
  auc,
  expectedCalibrationError,
  fitLogistic,
  fitStandardizer,
  linear,
  type Standardizer,
  sigmoid,
  standardize,
} from "@revops/kit/stats";
import type { RenewalHistory, RenewalTermFeatures } from "@revops/model";

/**
 * Churn model: L2-regularised logistic regression (Newton/IRLS) on standardised features of past renewals,
 * each computed as of a lead time before its renewal from records dated strictly before that day. Pure: the
 * ports deliver the per-term aggregates, this module turns them into features, trains, evaluates and scores.
 */
export const CHURN_MODEL = "churn-lr-v1";

/** L2 penalty on the standardised coefficients (not the intercept). */
const LAMBDA = 2;
/** A ticket/activity window needs this many covered days, an NPS window this many, or the feature is unknown. */
const MIN_COVERED_DAYS = 30;
const MIN_NPS_DAYS = 60;

/**
 * mau_per_seat: monthly actives / seats (last complete month); mau_trend: the last two months' actives vs the 4
 * before, minus 1; *_30d: per 30 days over the last 90 (urgent/high priority, bad CSAT, escalation tag);
 * nps_avg and nps_detractors (≤ 6, per 180 days) over the last 180 days; cs_activity_30d: CSM activities not on
 * deals; tenure_years since the account was created; arr of the term; the plan.
 */
export const CHURN_FEATURES = [
  "mau_per_seat",
  "mau_trend",
  "tickets_30d",
  "urgent_high_30d",
  "bad_csat_30d",
  "escalations_30d",
  "nps_avg",
  "nps_detractors",
  "cs_activity_30d",
  "tenure_years",
  "arr",
  "plan_enterprise",
  "plan_starter",
] as const;
export type ChurnFeature = (typeof CHURN_FEATURES)[number];

const DAY_MS = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
const r2 = (v: number) => Math.round(v * 100) / 100;
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** Raw (interpretable) feature values of one term; null = unknown (imputed with the training mean). */
export function rawFeatures(t: RenewalTermFeatures): (number | null)[] {
  const tkDays = days(t.tickets.from, t.asOf);
  const npsDays = days(t.nps.from, t.asOf);
  const actDays = days(t.activities.from, t.asOf);
  const perMonth = (n: number, covered: number) => (covered >= MIN_COVERED_DAYS ? (n * 30) / covered : null);
  const { last, prev, baseline } = t.monthlyActives;
  const recent = last === null ? null : prev === null ? last : (last + prev) / 2;
  const npsKnown = npsDays >= MIN_NPS_DAYS;
  return [
    last === null || t.seats <= 0 ? null : last / t.seats,
    recent === null || baseline === null || baseline <= 0 ? null : recent / baseline - 1,
    perMonth(t.tickets.count, tkDays),
    perMonth(t.tickets.urgentHigh, tkDays),
    perMonth(t.tickets.badCsat, tkDays),
    perMonth(t.tickets.escalated, tkDays),
    npsKnown && t.nps.responses > 0 ? t.nps.scoreSum / t.nps.responses : null,
    npsKnown ? (t.nps.detractors * 180) / npsDays : null,
    perMonth(t.activities.count, actDays),
    Math.max(0, days(t.accountCreated, t.asOf)) / 365,
    t.arr,
    t.plan === "enterprise" ? 1 : 0,
    t.plan === "starter" ? 1 : 0,
  ];
}

/** Counts and money enter the model on a log scale; shares, scores and flags as they are. */
const LOG_SCALED = new Set<ChurnFeature>([
  "tickets_30d",
  "urgent_high_30d",
  "bad_csat_30d",
  "escalations_30d",
  "nps_detractors",
  "cs_activity_30d",
  "tenure_years",
  "arr",
]);
const transform = (raw: (number | null)[]) =>
  raw.map((v, j) =>
    v === null ? null : LOG_SCALED.has(CHURN_FEATURES[j] as ChurnFeature) ? Math.log1p(Math.max(0, v)) : v,
  );

export function precisionRecall(probs: number[], labels: number[], threshold: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  probs.forEach((p, i) => {
    const flagged = p >= threshold;
    if (flagged && labels[i] === 1) tp++;
    else if (flagged) fp++;
    else if (labels[i] === 1) fn++;
  });
  return { precision: tp + fp ? tp / (tp + fp) : 0, recall: tp + fn ? tp / (tp + fn) : 0, flagged: tp + fp };
}

/** The threshold (a predicted probability, 3 decimals) with the best F1 on the given predictions. */
function bestF1Threshold(probs: number[], labels: number[]): number {
  const order = probs.map((p, i) => [r3(p), labels[i] ?? 0] as const).sort((a, b) => b[0] - a[0]);
  const positives = order.reduce((s, [, l]) => s + l, 0);
  let best = { f1: -1, t: 0.5 };
  let tp = 0;
  let flagged = 0;
  for (let i = 0; i < order.length; i++) {
    const [t, l] = order[i] as readonly [number, number];
    tp += l;
    flagged++;
    // every prediction at this rounded value is flagged together
    if (i + 1 < order.length && order[i + 1]?.[0] === t) continue;
    const f1 = positives + flagged ? (2 * tp) / (positives + flagged) : 0;
    if (f1 > best.f1 || (f1 === best.f1 && t > best.t)) best = { f1, t };
  }
  return best.t;
}

export interface FittedChurnModel {
  beta: number[];
  standardizer: Standardizer;
  threshold: number;
}

const labelOf = (t: RenewalTermFeatures) => (t.status === "cancelled" ? 1 : 0);

function fit(terms: RenewalTermFeatures[]): FittedChurnModel {
  const raw = terms.map((t) => transform(rawFeatures(t)));
  const standardizer = fitStandardizer(raw, CHURN_FEATURES.length);
  const X = raw.map((r) => standardize(r, standardizer));
  const y = terms.map(labelOf);
  const beta = fitLogistic(X, y, LAMBDA);
  const probs = X.map((x) => sigmoid(linear(beta, x)));
  return { beta, standardizer, threshold: bestF1Threshold(probs, y) };
}

export interface ChurnPrediction {
  probability: number;
  /** Contributions to the log-odds against an average renewal, largest magnitude first. */
  drivers: { feature: ChurnFeature; value: number | null; logOdds: number }[];
}

export function predict(m: FittedChurnModel, t: RenewalTermFeatures): ChurnPrediction {
  const raw = rawFeatures(t);
  const z = standardize(transform(raw), m.standardizer);
  const drivers = z
    .map((v, j) => ({
      feature: CHURN_FEATURES[j] as ChurnFeature,
      value: raw[j] === null ? null : r2(raw[j] as number),
      logOdds: v * (m.beta[j + 1] ?? 0),
    }))
    .sort((a, b) => Math.abs(b.logOdds) - Math.abs(a.logOdds) || a.feature.localeCompare(b.feature));
  return { probability: sigmoid(linear(m.beta, z)), drivers };
}

export interface HeldOutEvaluation {
  trainFrom: string;
  trainTo: string;
  testFrom: string;
  testTo: string;
  nTrain: number;
  positivesTrain: number;
  nTest: number;
  positivesTest: number;
  auc: number;
  threshold: number;
  precision: number;
  recall: number;
  ece: number;
  /** Held-out predictions (for checks; not shown to the model). */
  predictions: { termId: string; probability: number; cancelled: boolean }[];
}

export interface ChurnModel {
  /** `churn-lr-v1 renewals 2025-01-01..2026-11-22 (n=524)`. */
  version: string;
  fitted: FittedChurnModel;
  evaluation: HeldOutEvaluation | null;
  nTerms: number;
  positives: number;
  leadDays: number;
  coverage: RenewalHistory["coverage"];
}

/** First day of the quarter before the one containing `day`: the latest two quarters are held out. */
export function heldOutFrom(day: string): string {
  const y = Number(day.slice(0, 4));
  const q = Math.floor((Number(day.slice(5, 7)) - 1) / 3);
  const prevQ = q === 0 ? 3 : q - 1;
  const year = q === 0 ? y - 1 : y;
  return `${year}-${String(prevQ * 3 + 1).padStart(2, "0")}-01`;
}

const hasBothClasses = (ts: RenewalTermFeatures[]) =>
  ts.some((t) => labelOf(t) === 1) && ts.some((t) => labelOf(t) === 0);

/**
 * Trains on renewals before the latest two quarters and evaluates on those (AUC, precision/recall at the
 * training-F1 threshold, ECE), then refits the same recipe on every renewal for scoring.
 */
export function trainChurnModel(history: RenewalHistory): ChurnModel | null {
  const terms = history.terms;
  if (!hasBothClasses(terms)) return null;
  const first = terms[0]?.renewalDate ?? "";
  const last = terms[terms.length - 1]?.renewalDate ?? "";
  const testFrom = heldOutFrom(last);
  const train = terms.filter((t) => t.renewalDate < testFrom);
  const test = terms.filter((t) => t.renewalDate >= testFrom);
  let evaluation: HeldOutEvaluation | null = null;
  if (hasBothClasses(train) && hasBothClasses(test)) {
    const m = fit(train);
    const probs = test.map((t) => predict(m, t).probability);
    const labels = test.map(labelOf);
    const pr = precisionRecall(probs, labels, m.threshold);
    evaluation = {
      trainFrom: first,
      trainTo: train[train.length - 1]?.renewalDate ?? first,
      testFrom,
      testTo: last,
      nTrain: train.length,
      positivesTrain: train.filter((t) => labelOf(t) === 1).length,
      nTest: test.length,
      positivesTest: labels.filter((l) => l === 1).length,
      auc: r3(auc(probs, labels)),
      threshold: m.threshold,
      precision: r3(pr.precision),
      recall: r3(pr.recall),
      ece: r3(expectedCalibrationError(probs, labels)),
      predictions: test.map((t, i) => ({
        termId: t.termId,
        probability: probs[i] ?? 0,
        cancelled: labelOf(t) === 1,
      })),
    };
  }
  return {
    version: `${CHURN_MODEL} renewals ${first}..${last} (n=${terms.length})`,
    fitted: fit(terms),
    evaluation,
    nTerms: terms.length,
    positives: terms.filter((t) => labelOf(t) === 1).length,
    leadDays: history.leadDays,
    coverage: history.coverage,
  };
}
