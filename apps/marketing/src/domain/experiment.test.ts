import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile, probBBeatsA, sampleSizePerArm } from "./experiment";

describe("experiment statistics", () => {
  it("matches the normal table", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it("gives symmetric posteriors even odds and sizes classic tests", () => {
    expect(probBBeatsA(11, 91, 11, 91).p).toBeCloseTo(0.5, 10);
    // one success in one trial each way: P(Beta(2,1) > Beta(1,2)) = 5/6
    expect(probBBeatsA(1, 2, 2, 1).p).toBeCloseTo(5 / 6, 10);
    expect(sampleSizePerArm(0.1, 0.15, 0.05)).toBe(686);
    expect(sampleSizePerArm(0.1, 0.1, 0.05)).toBeNull();
  });
});
