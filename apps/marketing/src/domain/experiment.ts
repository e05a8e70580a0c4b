import { errorFunction, gammaln } from "simple-statistics";

/** A/B test statistics for two conversion rates: frequentist, Bayesian and power. Pure and deterministic. */

export interface Arm {
  visitors: number;
  conversions: number;
}

/** Standard normal CDF via simple-statistics' erf (accurate to ~1e-9, unlike its 2-decimal lookup table). */
export function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

// Acklam's rational approximation (relative error < 1.2e-9); simple-statistics' probit is off in the third
// decimal (probit(0.975) = 1.9572), too coarse for a sample size.
const A = [
  -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

const poly = (k: readonly number[], x: number) => k.reduce((acc, c) => acc * x + c, 0);

/** Standard normal quantile for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}

const logBeta = (a: number, b: number) => gammaln(a) + gammaln(b) - gammaln(a + b);

/** Above this many terms the posterior comparison uses the normal approximation (exact to ~1e-4 there). */
export const EXACT_BETA_TERMS = 200_000;

/**
 * P(p_b > p_a) for independent Beta(a1, b1), Beta(a2, b2) posteriors (integer a): Evan Miller's closed form,
 * summed over the smaller shape so it is exact and bounded; the normal approximation when both are huge.
 */
export function probBBeatsA(a1: number, b1: number, a2: number, b2: number): { p: number; exact: boolean } {
  const sum = (aA: number, bA: number, aB: number, bB: number) => {
    let total = 0;
    const base = logBeta(aA, bA);
    for (let i = 0; i < aB; i++) {
      total += Math.exp(logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - base);
    }
    return total;
  };
  if (Math.min(a1, a2) > EXACT_BETA_TERMS) {
    const mean = (a: number, b: number) => a / (a + b);
    const variance = (a: number, b: number) => (a * b) / ((a + b) ** 2 * (a + b + 1));
    const z = (mean(a2, b2) - mean(a1, b1)) / Math.sqrt(variance(a1, b1) + variance(a2, b2));
    return { p: normalCdf(z), exact: false };
  }
  const p = a2 <= a1 ? sum(a1, b1, a2, b2) : 1 - sum(a2, b2, a1, b1);
  return { p: Math.min(1, Math.max(0, p)), exact: true };
}

/** Visitors per arm to detect p1 → p2 with a two-sided test at alpha and the given power (no continuity correction). */
export function sampleSizePerArm(p1: number, p2: number, alpha: number, power = 0.8): number | null {
  if (p1 === p2 || p1 < 0 || p2 < 0 || p1 > 1 || p2 > 1) return null;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const bar = (p1 + p2) / 2;
  const n =
    (za * Math.sqrt(2 * bar * (1 - bar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 /
    (p2 - p1) ** 2;
  return Math.ceil(n - 1e-9);
}

/** Power of the two-sided pooled z-test to detect p1 → p2 with n1 and n2 visitors. */
export function power(p1: number, p2: number, n1: number, n2: number, alpha: number): number | null {
  const se1 = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  if (!(se1 > 0)) return null;
  const bar = (p1 * n1 + p2 * n2) / (n1 + n2);
  const se0 = Math.sqrt(bar * (1 - bar) * (1 / n1 + 1 / n2));
  const za = normalQuantile(1 - alpha / 2);
  const d = Math.abs(p2 - p1);
  return normalCdf((d - za * se0) / se1) + normalCdf((-d - za * se0) / se1);
}

export interface ExperimentResult {
  controlRate: number;
  variantRate: number;
  difference: number;
  relativeLift: number | null;
  z: number | null;
  pValue: number | null;
  ci: [number, number];
  probVariantBeats: number;
  exactBayes: boolean;
  targetRate: number | null;
  sampleSizePerArm: number | null;
  achievedPower: number | null;
}

/**
 * Two-proportion z-test (pooled SE for z and p, unpooled Wald SE for the interval of the difference), Beta(1,1)
 * posteriors, and the sample size and power at 80 % for the target (or observed) effect.
 */
export function analyseExperiment(
  control: Arm,
  variant: Arm,
  confidence: number,
  minDetectableLift?: number,
): ExperimentResult {
  const p1 = control.conversions / control.visitors;
  const p2 = variant.conversions / variant.visitors;
  const n1 = control.visitors;
  const n2 = variant.visitors;
  const alpha = 1 - confidence;
  const diff = p2 - p1;
  const pooled = (control.conversions + variant.conversions) / (n1 + n2);
  const seP = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = seP > 0 ? diff / seP : null;
  const pValue = z === null ? null : 2 * (1 - normalCdf(Math.abs(z)));
  const seU = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const zc = normalQuantile(1 - alpha / 2);
  const bayes = probBBeatsA(
    1 + control.conversions,
    1 + n1 - control.conversions,
    1 + variant.conversions,
    1 + n2 - variant.conversions,
  );
  const target = minDetectableLift !== undefined ? p1 * (1 + minDetectableLift) : p2;
  const targetRate = target >= 0 && target <= 1 ? target : null;
  return {
    controlRate: p1,
    variantRate: p2,
    difference: diff,
    relativeLift: p1 > 0 ? diff / p1 : null,
    z,
    pValue,
    ci: [diff - zc * seU, diff + zc * seU],
    probVariantBeats: bayes.p,
    exactBayes: bayes.exact,
    targetRate,
    sampleSizePerArm: targetRate === null ? null : sampleSizePerArm(p1, targetRate, alpha),
    achievedPower: power(p1, p2, n1, n2, alpha),
  };
}
