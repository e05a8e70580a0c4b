/**
 * Solves A·x = b by LU decomposition with partial pivoting (Doolittle, JAMA's order of operations, as ml-matrix's
 * `solve` does for a square matrix, so fits are unchanged bit for bit) without loading a matrix library at start.
 * `a` is n × n, row-major; neither argument is changed.
 */
export function luSolve(a: Float64Array, b: ArrayLike<number>, n: number): number[] {
  const lu = Float64Array.from(a);
  const piv = Array.from({ length: n }, (_, i) => i);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) col[i] = lu[i * n + j] as number;
    for (let i = 0; i < n; i++) {
      const kmax = Math.min(i, j);
      let s = 0;
      for (let k = 0; k < kmax; k++) s += (lu[i * n + k] as number) * (col[k] as number);
      col[i] = (col[i] as number) - s;
      lu[i * n + j] = col[i] as number;
    }
    let p = j;
    for (let i = j + 1; i < n; i++) if (Math.abs(col[i] as number) > Math.abs(col[p] as number)) p = i;
    if (p !== j) {
      for (let k = 0; k < n; k++) {
        const t = lu[p * n + k] as number;
        lu[p * n + k] = lu[j * n + k] as number;
        lu[j * n + k] = t;
      }
      [piv[p], piv[j]] = [piv[j] as number, piv[p] as number];
    }
    const d = lu[j * n + j] as number;
    if (d !== 0) for (let i = j + 1; i < n; i++) lu[i * n + j] = (lu[i * n + j] as number) / d;
  }
  for (let j = 0; j < n; j++) if (lu[j * n + j] === 0) throw new Error("LU matrix is singular");
  const x = piv.map((r) => b[r] as number);
  for (let k = 0; k < n; k++)
    for (let i = k + 1; i < n; i++) x[i] = (x[i] as number) - (x[k] as number) * (lu[i * n + k] as number);
  for (let k = n - 1; k >= 0; k--) {
    x[k] = (x[k] as number) / (lu[k * n + k] as number);
    for (let i = 0; i < k; i++) x[i] = (x[i] as number) - (x[k] as number) * (lu[i * n + k] as number);
  }
  return x;
}
