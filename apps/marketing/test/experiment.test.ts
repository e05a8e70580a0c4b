import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

// Expected values are textbook figures or computed here independently of the tool: the normal CDF and the
// Beta posteriors by numerical integration (Simpson), not with simple-statistics or the closed form.

const Z975 = 1.959963984540054; // standard normal 97.5 % quantile (tables)
const Z80 = 0.8416212335729143; // 80 % quantile

/** Φ(z) by Simpson's rule over the normal density from 0 (independent of erf). */
function phi(z: number): number {
  const steps = 20_000;
  const h = Math.abs(z) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const x = i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 ? 4 : 2;
    sum += w * Math.exp((-x * x) / 2);
  }
  const area = (sum * h) / 3 / Math.sqrt(2 * Math.PI);
  return z >= 0 ? 0.5 + area : 0.5 - area;
}

/** P(X_b > X_a) for Beta posteriors: ∫ f_b(x) F_a(x) dx on a fine grid, densities normalised numerically. */
function probBeats(a1: number, b1: number, a2: number, b2: number): number {
  const steps = 200_000;
  const logf = (a: number, b: number, x: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x);
  const xs = Array.from({ length: steps - 1 }, (_, i) => (i + 1) / steps);
  const dens = (a: number, b: number) => {
    const l = xs.map((x) => logf(a, b, x));
    const max = l.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
    const f = l.map((v) => Math.exp(v - max));
    const total = f.reduce((t, v) => t + v, 0);
    return f.map((v) => v / total); // probability mass per grid cell
  };
  const fa = dens(a1, b1);
  const fb = dens(a2, b2);
  let cdfA = 0;
  let p = 0;
  for (let i = 0; i < xs.length; i++) {
    p += (fb[i] as number) * (cdfA + (fa[i] as number) / 2);
    cdfA += fa[i] as number;
  }
  return p;
}

let s: Awaited<ReturnType<typeof connectInProcess>>;
beforeAll(async () => {
  s = await connectInProcess([createMarketingServer()]);
});
afterAll(async () => s.close());

const arm = (visitors: number, conversions: number) => ({ visitors, conversions });

describe("experiment_significance", () => {
  it("runs the two-proportion z-test with the interval of the difference (200/1000 vs 250/1000)", async () => {
    const r = await s.call("experiment_significance", { control: arm(1000, 200), variant: arm(1000, 250) });
    expect(r.isError, r.text).toBe(false);
    const pooled = 450 / 2000;
    const z = 0.05 / Math.sqrt(pooled * (1 - pooled) * (2 / 1000));
    const se = Math.sqrt((0.2 * 0.8) / 1000 + (0.25 * 0.75) / 1000);
    expect(r.data.z).toBeCloseTo(2.6774, 4); // textbook: z ≈ 2.68, p ≈ 0.0074
    expect(r.data.z).toBeCloseTo(z, 4);
    expect(r.data.p_value).toBeCloseTo(2 * (1 - phi(z)), 6);
    expect(r.data.p_value).toBeCloseTo(0.0074, 4);
    expect(r.data.ci_low).toBeCloseTo(0.05 - Z975 * se, 6);
    expect(r.data.ci_high).toBeCloseTo(0.05 + Z975 * se, 6);
    expect([r.data.control_rate, r.data.variant_rate, r.data.difference]).toEqual([0.2, 0.25, 0.05]);
    expect(r.data.relative_lift).toBe(0.25);
    expect(r.data.significant).toBe(true);
    expect(r.data.prob_variant_beats_control).toBeCloseTo(probBeats(201, 801, 251, 751), 4);
    expect(r.data.meta.inputs).toEqual({ control: "200/1000", variant: "250/1000", confidence: 0.95 });
  });

  it("sizes the test like the textbook: 10 % → 15 % needs 686 per arm at α 0.05, 80 % power", async () => {
    const r = await s.call("experiment_significance", {
      control: arm(1000, 100),
      variant: arm(1000, 110),
      min_detectable_lift: 0.5,
    });
    expect(r.data.target_rate).toBe(0.15);
    expect(r.data.sample_size_per_arm).toBe(686); // Fleiss, without continuity correction
    const bar = 0.125;
    const n =
      (Z975 * Math.sqrt(2 * bar * (1 - bar)) + Z80 * Math.sqrt(0.1 * 0.9 + 0.15 * 0.85)) ** 2 / 0.05 ** 2;
    expect(r.data.sample_size_per_arm).toBe(Math.ceil(n));
  });

  it("reports the achieved power for the observed difference at the sizes run", async () => {
    // 700 per arm at 10 % vs 15 %: just above the 686 that gives 80 %
    const r = await s.call("experiment_significance", { control: arm(700, 70), variant: arm(700, 105) });
    const d = 0.05;
    const bar = 0.125;
    const se0 = Math.sqrt(bar * (1 - bar) * (2 / 700));
    const se1 = Math.sqrt((0.1 * 0.9 + 0.15 * 0.85) / 700);
    const power = phi((d - Z975 * se0) / se1) + phi((-d - Z975 * se0) / se1);
    expect(r.data.achieved_power).toBeCloseTo(power, 4);
    expect(r.data.achieved_power).toBeGreaterThan(0.8);
    expect(r.data.achieved_power).toBeLessThan(0.82);
    expect(r.data.sample_size_per_arm).toBe(686);
  });

  it("widens the interval with the confidence level and says when a result is not significant", async () => {
    const args = { control: arm(5000, 500), variant: arm(5000, 545) };
    const at95 = await s.call("experiment_significance", args);
    const at99 = await s.call("experiment_significance", { ...args, confidence: 0.99 });
    expect(at99.data.ci_high - at99.data.ci_low).toBeGreaterThan(at95.data.ci_high - at95.data.ci_low);
    expect(at95.data.p_value).toBeGreaterThan(0.05);
    expect(at95.data.significant).toBe(false);
    expect(at95.data.p_value).toBe(at99.data.p_value);
    expect(at95.data.prob_variant_beats_control).toBeCloseTo(probBeats(501, 4501, 546, 4456), 4);
    // a losing variant: the chance it wins is small and the lift negative
    const worse = await s.call("experiment_significance", {
      control: arm(2000, 300),
      variant: arm(2000, 240),
    });
    expect(worse.data.relative_lift).toBe(-0.2);
    expect(worse.data.prob_variant_beats_control).toBeCloseTo(probBeats(301, 1701, 241, 1761), 4);
    expect(worse.data.prob_variant_beats_control).toBeLessThan(0.01);
  });

  it("is deterministic and handles zero conversions and impossible inputs", async () => {
    const args = { control: arm(12_345, 617), variant: arm(12_001, 660) };
    expect((await s.call("experiment_significance", args)).data).toEqual(
      (await s.call("experiment_significance", args)).data,
    );
    const none = await s.call("experiment_significance", { control: arm(50, 0), variant: arm(50, 0) });
    expect(none.isError, none.text).toBe(false);
    expect([none.data.z, none.data.p_value, none.data.relative_lift, none.data.sample_size_per_arm]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(none.data.prob_variant_beats_control).toBe(0.5);
    expect(none.data.meta.caveats.join(" ")).toMatch(/normal approximation is unreliable/);
    const bad = await s.call("experiment_significance", { control: arm(10, 11), variant: arm(10, 1) });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/control has more conversions than visitors/);
    const over = await s.call("experiment_significance", {
      control: arm(100, 60),
      variant: arm(100, 61),
      min_detectable_lift: 1,
    });
    expect(over.data.sample_size_per_arm).toBeNull();
    expect(over.data.meta.caveats.join(" ")).toMatch(/outside 0–1/);
  });

  it("agrees with the normal limit at a million visitors per arm", async () => {
    const r = await s.call("experiment_significance", {
      control: arm(1_000_000, 150_000),
      variant: arm(1_000_000, 150_600),
    });
    expect(r.isError, r.text).toBe(false);
    const p1 = 0.15;
    const p2 = 0.1506;
    const pooled = (p1 + p2) / 2;
    const z = (p2 - p1) / Math.sqrt(pooled * (1 - pooled) * (2 / 1_000_000));
    expect(r.data.z).toBeCloseTo(z, 3);
    // posteriors this tight are normal: P = Φ(Δ / sd)
    const sd = Math.sqrt((p1 * (1 - p1)) / 1_000_000 + (p2 * (1 - p2)) / 1_000_000);
    expect(r.data.prob_variant_beats_control).toBeCloseTo(phi((p2 - p1) / sd), 3);
  });
});
