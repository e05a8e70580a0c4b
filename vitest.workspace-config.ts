import { defineConfig } from "vitest/config";

/**
 * The test setup every workspace package and app shares: a JSON report (CI sums them into its closing
 * line) and a line-coverage gate (80 % packages, 70 % apps) that fails the run below it.
 */
export function workspaceTestConfig(o: { lines: number; exclude?: string[]; timeoutMs?: number }) {
  return defineConfig({
    test: {
      testTimeout: o.timeoutMs ?? 30_000,
      hookTimeout: o.timeoutMs ?? 30_000,
      reporters: ["default", ["json", { outputFile: "test-results.json" }]],
      coverage: {
        provider: "v8",
        include: ["src/**/*.ts"],
        exclude: ["src/**/*.test.ts", ...(o.exclude ?? [])],
        thresholds: { lines: o.lines },
      },
    },
  });
}
