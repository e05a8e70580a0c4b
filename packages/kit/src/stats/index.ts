import { luSolve } from "./lu";

/**
 * Logistic regression and its held-out measures, shared by the models that must explain themselves per record
 * (churn_risk, lead_score): exact per-feature log-odds contributions, no separate explanation method.
 */

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Newton-Raphson (IRLS) for L2-penalised logistic regression; intercept unpenalised. Deterministic. The
 * Hessian is accumulated in plain arrays (n × p², p ≈ 14) and solved by LU with partial pivoting. Returns [intercept, ...β].
 */
export function fitLogistic(X: number[][], y: number[], lambda: number, maxIter = 50): number[] {
  const n = X.length;
  const p = (X[0]?.length ?? 0) + 1;
  const rows = X.map((r) => Float64Array.from([1, ...r]));
  const beta = new Float64Array(p);
  const pos = y.reduce((a, b) => a + b, 0);
  beta[0] = Math.log((pos + 0.5) / (n - pos + 0.5));
  const H = new Float64Array(p * p);
  const grad = new Float64Array(p);
  for (let it = 0; it < maxIter; it++) {
    H.fill(0);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const row = rows[i] as Float64Array;
      let eta = 0;
      for (let a = 0; a < p; a++) eta += (row[a] as number) * (beta[a] as number);
      const mu = sigmoid(eta);
      const wi = Math.max(mu * (1 - mu), 1e-9);
      const ri = (y[i] ?? 0) - mu;
      for (let a = 0; a < p; a++) {
        const ra = row[a] as number;
        grad[a] = (grad[a] as number) + ra * ri;
        const wa = wi * ra;
        for (let b = a; b < p; b++) H[a * p + b] = (H[a * p + b] as number) + wa * (row[b] as number);
      }
    }
    const M = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      for (let b = a; b < p; b++) {
        const v = (H[a * p + b] as number) + (a === b && a > 0 ? lambda : 0);
        M[a * p + b] = v;
        M[b * p + a] = v;
      }
      if (a > 0) grad[a] = (grad[a] as number) - lambda * (beta[a] as number);
    }
    const step = luSolve(M, grad, p);
    let biggest = 0;
    for (let a = 0; a < p; a++) {
      beta[a] = (beta[a] as number) + (step[a] ?? 0);
      biggest = Math.max(biggest, Math.abs(step[a] ?? 0));
    }
    if (biggest < 1e-8) break;
  }
  return Array.from(beta);
}

/** Intercept plus the dot product of the coefficients (after the intercept) with x. */
export const linear = (beta: number[], x: number[]) =>
  x.reduce((s, v, j) => s + v * (beta[j + 1] ?? 0), beta[0] ?? 0);

export interface Standardizer {
  mean: number[];
  sd: number[];
}

/** Mean and sample standard deviation per column over the known (non-null) values. */
export function fitStandardizer(rows: (number | null)[][], columns: number): Standardizer {
  const mean: number[] = [];
  const sd: number[] = [];
  for (let j = 0; j < columns; j++) {
    const vs = rows.map((r) => r[j]).filter((v): v is number => v !== null && v !== undefined);
    const m = vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : 0;
    const v = vs.length > 1 ? vs.reduce((a, b) => a + (b - m) ** 2, 0) / (vs.length - 1) : 0;
    mean.push(m);
    sd.push(Math.sqrt(v) > 1e-9 ? Math.sqrt(v) : 1);
  }
  return { mean, sd };
}

/** z-scores capped at ±cap (a value far beyond the history does not extrapolate); null → 0 (the mean). */
export const standardize = (row: (number | null)[], s: Standardizer, cap = 3) =>
  row.map((v, j) =>
    v === null ? 0 : Math.max(-cap, Math.min(cap, (v - (s.mean[j] ?? 0)) / (s.sd[j] ?? 1))),
  );

/** Area under the ROC curve (Mann-Whitney, ties count half). */
export function auc(scores: number[], labels: number[]): number {
  const idx = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let rankSumPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]?.[0] === idx[i]?.[0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]?.[1] ?? 0] === 1) rankSumPos += rank;
    i = j + 1;
  }
  const pos = labels.filter((l) => l === 1).length;
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Expected calibration error over equal-width probability bins. */
export function expectedCalibrationError(probs: number[], labels: number[], bins = 10): number {
  const sums = Array.from({ length: bins }, () => ({ n: 0, p: 0, y: 0 }));
  probs.forEach((p, i) => {
    const b = sums[Math.min(bins - 1, Math.floor(p * bins))];
    if (!b) return;
    b.n++;
    b.p += p;
    b.y += labels[i] ?? 0;
  });
  return sums.reduce((e, b) => (b.n ? e + (b.n / probs.length) * Math.abs(b.p / b.n - b.y / b.n) : e), 0);
}

/** Mean squared error of the probabilities against the 0/1 outcomes. */
export const brierScore = (probs: number[], labels: number[]) =>
  probs.length ? probs.reduce((s, p, i) => s + (p - (labels[i] ?? 0)) ** 2, 0) / probs.length : Number.NaN;
