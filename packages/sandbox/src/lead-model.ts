import {
  auc,
  brierScore,
  expectedCalibrationError,
  fitLogistic,
  fitStandardizer,
  linear,
  type Standardizer,
  sigmoid,
  standardize,
} from "@revops/kit/stats";
import type { LeadFacts } from "@revops/model";
import { titleSeniority } from "./ports/crm-contact-write.js";

/**
 * Lead score: L2 logistic regression of "converted" on the company's own leads, its features grouped into fit
 * (who), engagement (what they did) and intent (how they came). Each part is the sum of its features' log-odds
 * against an average lead, so probability = sigmoid(base + fit + engagement + intent). Pure; shared by the sales
 * server's lead_score and the marketing server's lead_scoring_model (`@revops/sandbox/lead-model`).
 */
export const LEAD_MODEL = "lead-lr-v1";
/** A lead's outcome is known this many days after it was created; younger leads are scored, never learned from. */
export const OUTCOME_DAYS = 90;
/** The newest share of mature leads is held out for the published figures. */
export const HELD_OUT_SHARE = 0.25;
const LAMBDA = 2;

export type LeadPart = "fit" | "engagement" | "intent";
export const LEAD_FEATURES = [
  ["seniority", "fit"],
  ["buyer_function", "fit"],
  ["crm_score", "engagement"],
  ["touches", "engagement"],
  ["clicks", "engagement"],
  ["registrations", "engagement"],
  ["source_referral_partner", "intent"],
  ["source_organic", "intent"],
  ["source_outbound", "intent"],
  ["source_event_webinar", "intent"],
] as const satisfies readonly (readonly [string, LeadPart])[];
export type LeadFeature = (typeof LEAD_FEATURES)[number][0];

/** 4 C-level, 3 VP, 2 director or head, 1 manager, 0 individual contributor. */
export const seniorityOf = (title: string) => 5 - titleSeniority(title);

/** Functions that buy revenue analytics: revenue, sales, marketing, finance, data/analytics. */
const BUYER = /revenue|sales|marketing|financ|analytic|\bdata\b|\bcro\b|\bcfo\b|\bcmo\b/;

/** Raw feature values of a lead (null = unknown, imputed with the training mean). */
export function leadFeatures(l: LeadFacts): (number | null)[] {
  const s = l.source;
  return [
    seniorityOf(l.title),
    BUYER.test(l.title.toLowerCase()) ? 1 : 0,
    l.crmScore,
    Math.log1p(l.touches),
    Math.log1p(l.clicks),
    Math.log1p(l.registrations),
    s === "referral" || s === "partner" ? 1 : 0,
    s === "organic" ? 1 : 0,
    s === "outbound" ? 1 : 0,
    s === "event" || s === "webinar" ? 1 : 0,
  ];
}

/** The features a model is fitted on: their names and a lead's raw values in that order (null = unknown). */
export interface LeadFeatureSet {
  names: readonly string[];
  values(l: LeadFacts): (number | null)[];
}
/** The recipe's own features; the marketing model adds firmographics to them. */
export const BASE_FEATURES: LeadFeatureSet = { names: LEAD_FEATURES.map(([f]) => f), values: leadFeatures };

export interface FittedLeadModel {
  beta: number[];
  standardizer: Standardizer;
}

/** Fits the recipe (λ = 2 on standardised features, intercept free) on the given leads. */
export function fitLeadModel(leads: readonly LeadFacts[], set = BASE_FEATURES): FittedLeadModel {
  const raw = leads.map((l) => set.values(l));
  const standardizer = fitStandardizer(raw, set.names.length);
  const X = raw.map((r) => standardize(r, standardizer));
  return {
    beta: fitLogistic(
      X,
      leads.map((l) => (l.converted ? 1 : 0)),
      LAMBDA,
    ),
    standardizer,
  };
}

export interface LeadScore {
  probability: number;
  /** Intercept: the log-odds of an average lead. */
  base: number;
  parts: Record<LeadPart, { logOdds: number; drivers: { feature: LeadFeature; logOdds: number }[] }>;
}

/** Conversion probability of a lead under a model fitted on `set`. */
export const leadProbability = (m: FittedLeadModel, l: LeadFacts, set = BASE_FEATURES) =>
  sigmoid(linear(m.beta, standardize(set.values(l), m.standardizer)));

export function scoreLead(m: FittedLeadModel, l: LeadFacts): LeadScore {
  const z = standardize(leadFeatures(l), m.standardizer);
  const parts: LeadScore["parts"] = {
    fit: { logOdds: 0, drivers: [] },
    engagement: { logOdds: 0, drivers: [] },
    intent: { logOdds: 0, drivers: [] },
  };
  LEAD_FEATURES.forEach(([feature, part], j) => {
    const logOdds = (z[j] ?? 0) * (m.beta[j + 1] ?? 0);
    parts[part].logOdds += logOdds;
    parts[part].drivers.push({ feature, logOdds });
  });
  for (const p of Object.values(parts)) p.drivers.sort((a, b) => Math.abs(b.logOdds) - Math.abs(a.logOdds));
  return { probability: sigmoid(linear(m.beta, z)), base: m.beta[0] ?? 0, parts };
}

export interface LeadEvaluation {
  trainFrom: string;
  trainTo: string;
  testFrom: string;
  testTo: string;
  nTrain: number;
  convertedTrain: number;
  nTest: number;
  convertedTest: number;
  auc: number;
  brier: number;
  /** Brier of always predicting the training conversion rate (what the model must beat). */
  brierBaseline: number;
  ece: number;
  predictions: { leadId: string; probability: number; converted: boolean }[];
}

export interface LeadModel {
  version: string;
  fitted: FittedLeadModel;
  evaluation: LeadEvaluation | null;
  mature: number;
  converted: number;
  matureBefore: string;
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;
const DAY_MS = 86_400_000;
const bothClasses = (ls: readonly LeadFacts[]) => ls.some((l) => l.converted) && ls.some((l) => !l.converted);

/** The day before which a lead's outcome is known (created at least OUTCOME_DAYS before today). */
export const matureBefore = (today: string) =>
  new Date(Date.parse(today) - OUTCOME_DAYS * DAY_MS).toISOString().slice(0, 10);

/** Mature leads (outcome known), the older ones to train on and the newest HELD_OUT_SHARE to test on. */
export function splitLeads(leads: readonly LeadFacts[], today: string) {
  const cutoff = matureBefore(today);
  const mature = leads.filter((l) => l.createdAt.slice(0, 10) < cutoff);
  const split = Math.floor(mature.length * (1 - HELD_OUT_SHARE));
  return { cutoff, mature, train: mature.slice(0, split), test: mature.slice(split) };
}

/** Held-out figures of a fitted model on `test`, against the training base rate. Null without both outcomes. */
export function evaluateLeadModel(
  m: FittedLeadModel,
  train: readonly LeadFacts[],
  test: readonly LeadFacts[],
  set = BASE_FEATURES,
): LeadEvaluation | null {
  if (!bothClasses(train) || !bothClasses(test)) return null;
  const probs = test.map((l) => leadProbability(m, l, set));
  const labels = test.map((l) => (l.converted ? 1 : 0));
  const rate = train.filter((l) => l.converted).length / train.length;
  return {
    trainFrom: train[0]?.createdAt.slice(0, 10) ?? "",
    trainTo: train[train.length - 1]?.createdAt.slice(0, 10) ?? "",
    testFrom: test[0]?.createdAt.slice(0, 10) ?? "",
    testTo: test[test.length - 1]?.createdAt.slice(0, 10) ?? "",
    nTrain: train.length,
    convertedTrain: train.filter((l) => l.converted).length,
    nTest: test.length,
    convertedTest: labels.filter((y) => y === 1).length,
    auc: r3(auc(probs, labels)),
    brier: r3(brierScore(probs, labels)),
    brierBaseline: r3(
      brierScore(
        probs.map(() => rate),
        labels,
      ),
    ),
    ece: r3(expectedCalibrationError(probs, labels)),
    predictions: test.map((l, i) => ({ leadId: l.id, probability: probs[i] ?? 0, converted: l.converted })),
  };
}

/**
 * Trains on the older mature leads and evaluates on the newest HELD_OUT_SHARE of them (split by creation time),
 * then refits the same recipe on every mature lead for scoring. `leads` oldest first.
 */
export function trainLeadModel(leads: readonly LeadFacts[], today: string): LeadModel | null {
  const { cutoff, mature, train, test } = splitLeads(leads, today);
  if (!bothClasses(mature)) return null;
  const evaluation =
    bothClasses(train) && bothClasses(test) ? evaluateLeadModel(fitLeadModel(train), train, test) : null;
  const first = mature[0]?.createdAt.slice(0, 10) ?? "";
  return {
    version: `${LEAD_MODEL} leads ${first}..${cutoff} (n=${mature.length})`,
    fitted: fitLeadModel(mature),
    evaluation,
    mature: mature.length,
    converted: mature.filter((l) => l.converted).length,
    matureBefore: cutoff,
  };
}
