/** Held-out figures recomputed from raw lead rows and a model's published weights, apart from the code under test. */

export interface Model {
  version: number;
  intercept: number;
  threshold: number;
  features: { feature: string; weight: number }[];
  held_out: {
    leads: number;
    converted: number;
    auc: number;
    brier: number;
    brier_base_rate: number;
    calibration: { leads: number; predicted: number; observed: number; converted: number }[];
    at_threshold: { flagged: number; converted: number };
  };
}

/** A mature lead as a test reads it from raw rows: the model's raw features in order, and the outcome. */
export interface RawLead {
  id: string;
  x: (number | null)[];
  y: number;
}

/** Mann–Whitney: the share of (converted, not converted) pairs the converted lead outranks, ties half. */
export function mannWhitney(p: number[], y: number[]) {
  let u = 0;
  let pairs = 0;
  p.forEach((a, i) => {
    if (y[i] !== 1) return;
    p.forEach((b, j) => {
      if (y[j] !== 0) return;
      pairs++;
      u += a > b ? 1 : a === b ? 0.5 : 0;
    });
  });
  return u / pairs;
}

export const r3 = (v: number) => Math.round(v * 1000) / 1000;
export const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** The model's held-out figures recomputed from the rows and its published weights: newest 25% held out. */
export function heldOutFigures<L extends RawLead>(m: Model, leads: L[]) {
  const split = Math.floor(leads.length * 0.75);
  const train = leads.slice(0, split);
  const test = leads.slice(split);
  const w = m.features.map((f) => f.weight);
  // a value the rows lack (null, or a feature the source has no column for) is unknown: the training mean, z = 0
  const known = (v: number | null | undefined): v is number => v !== null && v !== undefined;
  const cols = w.map((_, j) => train.map((l) => l.x[j]).filter(known));
  const mu = cols.map((c) => (c.length ? mean(c) : 0));
  const sd = cols.map((c, j) => {
    const s = Math.sqrt(c.reduce((a, v) => a + (v - (mu[j] as number)) ** 2, 0) / (c.length - 1));
    return s > 1e-9 ? s : 1;
  });
  const z = (v: number | null | undefined, j: number) =>
    known(v) ? Math.max(-3, Math.min(3, (v - (mu[j] as number)) / (sd[j] as number))) : 0;
  const prob = (x: (number | null)[]) =>
    1 / (1 + Math.exp(-w.reduce((a, wj, j) => a + wj * z(x[j], j), m.intercept)));
  const p = test.map((l) => prob(l.x));
  const y = test.map((l) => l.y);
  const rate = mean(train.map((l) => l.y));
  const order = p.map((v, i) => [v, y[i] as number] as const).sort((a, b) => a[0] - b[0]);
  const calibration = [0, 1, 2, 3, 4].map((b) => {
    const bin = order.slice(Math.floor((b * order.length) / 5), Math.floor(((b + 1) * order.length) / 5));
    const converted = bin.filter(([, v]) => v === 1).length;
    return {
      leads: bin.length,
      predicted: r3(mean(bin.map(([v]) => v))),
      observed: r3(converted / bin.length),
      converted,
    };
  });
  const flagged = p.map((v, i) => [v, y[i]] as const).filter(([v]) => v >= m.threshold);
  return {
    leads,
    test,
    /** A lead's probability under the model, standardised by the training rows. */
    prob,
    figures: {
      leads: test.length,
      converted: y.filter((v) => v === 1).length,
      auc: r3(mannWhitney(p, y)),
      brier: r3(mean(p.map((v, i) => (v - (y[i] as number)) ** 2))),
      brier_base_rate: r3(mean(y.map((v) => (rate - v) ** 2))),
      calibration,
      at_threshold: { flagged: flagged.length, converted: flagged.filter(([, v]) => v === 1).length },
    },
  };
}
