import { describe, expect, it } from "vitest";
import {
  auc,
  brierScore,
  expectedCalibrationError,
  fitLogistic,
  fitStandardizer,
  linear,
  sigmoid,
  standardize,
} from "./index";

describe("stats", () => {
  it("AUC counts ordered pairs, ties half; undefined without both classes", () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(auc([0.2, 0.3], [1, 1])).toBeNaN();
  });

  it("Brier and ECE of perfect and of constant predictions", () => {
    expect(brierScore([1, 0], [1, 0])).toBe(0);
    expect(brierScore([0.5, 0.5], [1, 0])).toBe(0.25);
    expect(brierScore([], [])).toBeNaN();
    expect(expectedCalibrationError([0.5, 0.5], [1, 0])).toBe(0);
    expect(expectedCalibrationError([0.9, 0.9], [0, 0])).toBeCloseTo(0.9, 10);
  });

  it("fits a logistic regression that recovers the direction and separates the classes", () => {
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const x = (i % 20) / 10 - 1;
      X.push([x]);
      y.push((i * 7919) % 100 < 50 + 40 * x ? 1 : 0);
    }
    const beta = fitLogistic(X, y, 1);
    expect(beta[1]).toBeGreaterThan(0);
    const p = X.map((x) => sigmoid(linear(beta, x)));
    expect(auc(p, y)).toBeGreaterThan(0.7);
    expect(sigmoid(-1000)).toBeGreaterThanOrEqual(0);
  });

  it("standardises known values, caps z and imputes unknowns with the mean", () => {
    const s = fitStandardizer([[1], [3], [null]], 1);
    expect(s.mean[0]).toBe(2);
    expect(standardize([100], s)).toEqual([3]);
    expect(standardize([null], s)).toEqual([0]);
    expect(fitStandardizer([[5], [5]], 1).sd[0]).toBe(1);
  });
});
