import { Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { luSolve } from "./lu";

// a deterministic generator: the fits must not move when ml-matrix left the start path
const rng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31 - 0.5;
};

describe("luSolve", () => {
  it("matches ml-matrix's solve bit for bit on symmetric and pivoting systems", () => {
    const r = rng(7);
    for (const n of [1, 3, 8, 15]) {
      for (let t = 0; t < 20; t++) {
        const a = new Float64Array(n * n).map(() => r() * 10);
        if (t % 2)
          for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i] as number;
        const b = Array.from({ length: n }, r);
        const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
        expect(luSolve(a, b, n)).toEqual(solve(new Matrix(rows), Matrix.columnVector(b)).to1DArray());
      }
    }
  });

  it("refuses a singular matrix", () => {
    expect(() => luSolve(Float64Array.from([1, 2, 2, 4]), [1, 1], 2)).toThrow(/singular/);
  });
});
